"""ChoiceLabels gives what Django's get_<field>_display gives, in the request's language."""

from __future__ import annotations

import pytest
from django.apps import apps
from django.db import models
from django.utils import translation

from units.choice_labels import ChoiceLabels


def _labelled_fields():
    for model in apps.get_models():
        if issubclass(model, ChoiceLabels):
            for field in model._meta.concrete_fields:
                if field.choices:
                    yield model, field


def test_the_long_lists_models_take_the_mixin():
    labelled = {model.__name__ for model, _field in _labelled_fields()}
    assert {"RectificationItem", "Complaint", "Unit", "Inspection", "Circular"} <= labelled


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_every_label_is_djangos_own(language):
    checked = 0
    with translation.override(language):
        for model, field in _labelled_fields():
            for value, _label in field.flatchoices:
                obj = model()
                setattr(obj, field.attname, value)
                expected = models.Model._get_FIELD_display(obj, field)
                assert getattr(obj, f"get_{field.name}_display")() == expected
                checked += 1
            # A value outside the choices shows as itself, as Django shows it.
            obj = model()
            setattr(obj, field.attname, "not-a-choice")
            assert getattr(obj, f"get_{field.name}_display")() == "not-a-choice"
    assert checked > 20


def test_labels_follow_the_language_of_the_moment():
    from complaints.models import Complaint

    case = Complaint(status=Complaint.Status.REGISTERED)
    with translation.override("en"):
        english = case.get_status_display()
    with translation.override("zh-hans"):
        chinese = case.get_status_display()
    assert english != chinese and chinese == str(Complaint.Status.REGISTERED.label)
