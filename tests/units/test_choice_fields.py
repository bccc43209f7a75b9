"""units.choice_fields.KeyChoiceField answers as Django's ModelChoiceField does, with the
look-up compiled once per queryset."""

import pytest
from django import forms
from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import Value

from units import services
from units.choice_fields import KeyChoiceField
from units.models import Unit

pytestmark = pytest.mark.django_db


class Both(forms.Form):
    key = KeyChoiceField(queryset=Unit.objects.active(), required=False)
    plain = forms.ModelChoiceField(queryset=Unit.objects.active(), required=False)


def _answer(form_field: forms.Field, value: object) -> tuple[str, object]:
    try:
        return "ok", form_field.clean(value)
    except ValidationError as error:
        return "refused", (error.code, error.messages)


def test_every_kind_of_posted_value_is_answered_as_model_choice_field_answers(cast):
    services.unit_archive(unit=cast.township, actor=None)  # outside the queryset now
    form = Both()
    values = [
        str(cast.dept_a.pk),
        f" {cast.dept_b.pk} ",
        cast.division_a.pk,
        cast.dept_a,  # an instance, as initial data gives it
        str(cast.township.pk),
        "999999999",
        "-1",
        "abc",
        "1.5",
        "9" * 30,
        f"{cast.dept_a.pk}\x00",
        "",
        None,
    ]
    for value in values:
        mine, theirs = _answer(form.fields["key"], value), _answer(form.fields["plain"], value)
        assert mine == theirs, value
    assert _answer(form.fields["key"], str(cast.dept_a.pk)) == ("ok", cast.dept_a)
    assert _answer(form.fields["key"], str(cast.township.pk))[0] == "refused"


def test_the_row_found_is_whole_and_read_in_one_query(cast, django_assert_num_queries):
    Both().fields["key"].clean(str(cast.root.pk))  # compiled by a first form
    field = Both().fields["key"]
    with django_assert_num_queries(1):
        unit = field.clean(str(cast.division_a.pk))
    fresh = Unit.objects.get(pk=cast.division_a.pk)
    for f in Unit._meta.concrete_fields:
        assert getattr(unit, f.attname) == getattr(fresh, f.attname), f.name
    assert unit._state.adding is False
    if connection.vendor == "postgresql":  # the compiled statement, not the ORM's fallback
        assert field._statement.compiled is not None


def test_a_queryset_given_to_one_form_is_that_forms_alone(cast):
    wide = Both()
    assert wide.fields["key"].clean(str(cast.dept_b.pk)) == cast.dept_b
    narrow = Both()
    narrow.fields["key"].queryset = Unit.objects.filter(pk=cast.dept_a.pk)
    with pytest.raises(ValidationError):
        narrow.fields["key"].clean(str(cast.dept_b.pk))
    assert narrow.fields["key"].clean(str(cast.dept_a.pk)) == cast.dept_a
    # and the declared field, copied into a third form, still has its own statement
    assert Both().fields["key"].clean(str(cast.dept_b.pk)) == cast.dept_b


def test_a_choice_by_another_field_or_from_an_empty_queryset_is_the_orms(cast):
    by_code = KeyChoiceField(queryset=Unit.objects.all(), to_field_name="code")
    assert by_code.clean(cast.dept_a.code) == cast.dept_a
    with pytest.raises(ValidationError):
        by_code.clean(str(cast.dept_a.pk))
    with_parent_group = KeyChoiceField(
        queryset=Unit.objects.select_related("group").annotate(n=Value(7))
    )
    unit = with_parent_group.clean(str(cast.dept_a.pk))
    assert unit == cast.dept_a and unit.n == 7  # what the queryset adds comes with the row
    assert with_parent_group._statement.compiled is None
    nothing = KeyChoiceField(queryset=Unit.objects.none())
    with pytest.raises(ValidationError):
        nothing.clean(str(cast.dept_a.pk))


def test_a_bound_form_shows_the_same_error_and_the_same_choices(cast):
    class Pick(forms.Form):
        unit = KeyChoiceField(queryset=Unit.objects.active())

    class PlainPick(forms.Form):
        unit = forms.ModelChoiceField(queryset=Unit.objects.active())

    mine, theirs = Pick({"unit": "12345678"}), PlainPick({"unit": "12345678"})
    assert not mine.is_valid() and not theirs.is_valid()
    assert mine.errors == theirs.errors
    assert str(mine["unit"]) == str(theirs["unit"])
    assert f'value="{cast.dept_a.pk}"' in str(mine["unit"])
