"""Schemes officers can finish: remove indicators and rules while a draft; weights and
indicator points that do not add up to 100 refused by the one check, in the admin too;
each rule kind accepts only the conditions it declares."""

from __future__ import annotations

import ast
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.translation import gettext, override

from assessments import rule_kinds, services
from assessments.admin import AdjustmentRuleForm
from assessments.models import AdjustmentRule, AssessmentScheme, Component, Indicator

pytestmark = pytest.mark.django_db

# The messages as the pages show them (Chinese once the translations are compiled).
INDICATOR_REFUSAL = (
    "Indicators can only be removed before the assessment starts; this scheme is “%(status)s”."
)
RULE_REFUSAL = (
    "Adjustment rules can only be removed before the assessment starts; "
    "this scheme is “%(status)s”."
)
POINTS_REFUSAL = (
    "The maximum points of the “%(component)s” indicators add up to %(points)s; "
    "they must add up to 100."
)
BAD_PARAMETER = (
    "“%(value)s” is not a %(parameter)s that “%(kind)s” accepts. Choose one of: %(allowed)s."
)
NO_PARAMETER = "“%(kind)s” takes no condition; leave it empty."


def _zh(message: str) -> str:
    with override("zh-hans"):
        return gettext(message)


@pytest.fixture
def draft(cast):
    return services.scheme_create_with_defaults(year=2030, actor=cast.officer)


def _act(scheme, name):
    return reverse("assessments:scheme_act", args=[scheme.pk, name])


# --- Removing indicators and rules -------------------------------------------------------------


def test_officer_removes_an_indicator_and_a_rule_of_a_draft(client_for, cast, draft):
    client = client_for(cast.officer)
    page = client.get(reverse("assessments:scheme_detail", args=[draft.pk])).content.decode()
    indicator = draft.indicators.get(name="活动成果")
    rule = draft.adjustment_rules.get(name="被通报表扬")
    assert f'data-testid="remove-indicator-{indicator.pk}"' in page
    assert f'data-testid="remove-rule-{rule.pk}"' in page
    gone = client.post(_act(draft, "remove_indicator"), {"indicator": indicator.pk})
    assert gone.status_code == 302
    assert gone.url == reverse("assessments:scheme_detail", args=[draft.pk])
    assert not Indicator.objects.filter(pk=indicator.pk).exists()
    assert client.post(_act(draft, "remove_rule"), {"rule": rule.pk}).status_code == 302
    assert not AdjustmentRule.objects.filter(pk=rule.pk).exists()
    assert draft.adjustment_rules.count() == 15


def test_removal_is_refused_once_the_scheme_is_started(client_for, cast, draft):
    services.scheme_open(scheme=draft, actor=cast.officer)
    client = client_for(cast.officer)
    indicator = draft.indicators.first()
    rule = draft.adjustment_rules.first()
    page = client.get(reverse("assessments:scheme_detail", args=[draft.pk])).content.decode()
    assert "remove-indicator-" not in page and "remove-rule-" not in page
    refused = client.post(_act(draft, "remove_indicator"), {"indicator": indicator.pk})
    assert refused.status_code == 400
    status = _zh(AssessmentScheme.Status.OPEN.label)
    assert _zh(INDICATOR_REFUSAL) % {"status": status} in refused.content.decode()
    assert Indicator.objects.filter(pk=indicator.pk).exists()
    refused = client.post(_act(draft, "remove_rule"), {"rule": rule.pk})
    assert refused.status_code == 400
    assert _zh(RULE_REFUSAL) % {"status": status} in refused.content.decode()
    assert AdjustmentRule.objects.filter(pk=rule.pk).exists()
    with pytest.raises(ValidationError):
        services.scheme_rule_remove(rule=rule, actor=cast.officer)


def test_removal_who_and_how(client_for, cast, draft):
    indicator = draft.indicators.first()
    url = _act(draft, "remove_indicator")
    assert client_for(cast.leader).post(url, {"indicator": indicator.pk}).status_code == 403
    for outsider in (cast.outsider, cast.head_a):
        assert client_for(outsider).post(url, {"indicator": indicator.pk}).status_code == 404
    assert client_for(cast.officer).get(url).status_code == 405
    # Another scheme's indicator is bad input, not a removal.
    other = services.scheme_create_with_defaults(year=2031, actor=cast.officer)
    foreign = other.indicators.first()
    assert client_for(cast.officer).post(url, {"indicator": foreign.pk}).status_code == 400
    assert Indicator.objects.filter(pk=foreign.pk).exists()
    assert client_for(cast.officer).post(_act(draft, "nonsense")).status_code == 404


def test_a_refused_move_answers_400_with_a_chinese_message(client_for, cast, draft):
    services.scheme_open(scheme=draft, actor=cast.officer)
    refused = client_for(cast.officer).post(reverse("assessments:scheme_open", args=[draft.pk]))
    assert refused.status_code == 400
    assert "不能从" in refused.content.decode()


# --- Weights and points: one check --------------------------------------------------------------


def test_start_refuses_indicator_points_that_do_not_add_up(cast, draft):
    indicator = draft.indicators.get(name="活动成果")
    indicator.max_points = Decimal("30")
    indicator.save()
    with pytest.raises(ValidationError) as refused:
        services.scheme_open(scheme=draft, actor=cast.officer)
    assert _zh(POINTS_REFUSAL) % {
        "component": _zh("Organisational evaluation"),
        "points": "110",
    } in (refused.value.messages)
    draft.refresh_from_db()
    assert draft.status == AssessmentScheme.Status.DRAFT


def test_the_one_check():
    ok = {"survey": Decimal("40"), "special": Decimal("30"), "organisational": Decimal("30")}
    full = {"special": Decimal("100"), "organisational": Decimal("100")}
    assert services.scheme_configuration_errors(weights=ok, indicator_points=full) == []
    heavy = {**ok, "organisational": Decimal("40")}
    assert len(services.scheme_configuration_errors(weights=heavy, indicator_points=full)) == 1
    short = {"special": Decimal("100"), "organisational": Decimal("90")}
    assert len(services.scheme_configuration_errors(weights=ok, indicator_points=short)) == 1
    # Missing indicators only matter when starting.
    assert services.scheme_configuration_errors(weights=ok, indicator_points={}) == []
    assert (
        len(services.scheme_configuration_errors(weights=ok, indicator_points={}, starting=True))
        == 2
    )


def _admin_post_data(page) -> dict:
    """What the admin change page would post back as it stands."""
    data = {}
    form = page.context["adminform"].form
    for name, field in form.fields.items():
        value = form.initial.get(name, field.initial)
        if hasattr(value, "all"):
            value = [obj.pk for obj in value.all()]
        elif isinstance(value, list):
            value = [getattr(v, "pk", v) for v in value]
        if value is None:
            continue
        if isinstance(value, bool):
            if value:
                data[name] = "on"
            continue
        data[name] = value
    for inline in page.context["inline_admin_formsets"]:
        formset = inline.formset
        for name, value in formset.management_form.initial.items():
            data[f"{formset.prefix}-{name}"] = value
        for sub in formset.forms:
            for name, field in sub.fields.items():
                value = sub.initial.get(name, field.initial)
                if value is None or name == "DELETE":
                    continue
                value = getattr(value, "pk", value)
                if isinstance(value, bool):
                    if value:
                        data[f"{sub.prefix}-{name}"] = "on"
                    continue
                data[f"{sub.prefix}-{name}"] = value
    return data


def test_admin_refuses_weights_or_points_that_do_not_add_up(client_for, cast, draft):
    client = client_for(cast.officer)
    url = reverse("admin:assessments_assessmentscheme_change", args=[draft.pk])
    page = client.get(url)
    data = _admin_post_data(page)
    saved = client.post(url, data)
    assert saved.status_code == 302, saved.context["errors"] if saved.context else saved

    heavy = {**data, "weight_organisational": "40"}
    refused = client.post(url, heavy)
    assert refused.status_code == 200
    assert "各项考核内容的权重之和必须为 100。" in refused.content.decode()
    draft.refresh_from_db()
    assert draft.weight_organisational == Decimal("30")

    prefix = next(
        inline.formset.prefix
        for inline in page.context["inline_admin_formsets"]
        if inline.formset.model is Indicator
    )
    first = next(k for k in data if k.startswith(f"{prefix}-") and k.endswith("-max_points"))
    short = {**data, first: "90"}
    refused = client.post(url, short)
    assert refused.status_code == 200
    changed = Indicator.objects.get(pk=data[first.replace("-max_points", "-id")])
    component = _zh(Component(changed.component).label)
    points = sum(
        (i.max_points for i in draft.indicators.filter(component=changed.component)),
        Decimal("90") - changed.max_points,
    )
    message = _zh(POINTS_REFUSAL) % {"component": component, "points": f"{points.normalize():f}"}
    assert message in refused.content.decode()
    assert not draft.indicators.filter(max_points=Decimal("90")).exists()


# --- Rule kinds declare their parameters ---------------------------------------------------------


def test_every_kind_declares_its_parameter():
    assert set(rule_kinds.PARAMETERS) == set(AdjustmentRule.Kind.values)


def test_rule_service_stores_codes_and_understands_chinese(cast, draft):
    rule = services.adjustment_rule_save(
        scheme=draft,
        actor=cast.officer,
        name="严重问题",
        kind=AdjustmentRule.Kind.FINDING,
        parameter="严重",
        points=Decimal("2"),
    )
    assert rule.parameter == "serious"
    rule = services.adjustment_rule_save(
        scheme=draft,
        actor=cast.officer,
        name="提醒",
        kind=AdjustmentRule.Kind.ACCOUNTABILITY,
        parameter="reminder_talk",
        points=Decimal("1"),
    )
    assert rule.parameter == "reminder_talk"
    count = draft.adjustment_rules.count()
    with pytest.raises(ValidationError) as bad:
        services.adjustment_rule_save(
            scheme=draft,
            actor=cast.officer,
            name="很严重",
            kind=AdjustmentRule.Kind.FINDING,
            parameter="很严重",
            points=Decimal("2"),
        )
    assert bad.value.message_dict["parameter"] == [
        _zh(BAD_PARAMETER)
        % {
            "value": "很严重",
            "parameter": _zh("Severity"),
            "kind": _zh("Inspection finding"),
            "allowed": "、".join(_zh(x) for x in ("Minor", "Major", "Serious")),
        }
    ]
    with pytest.raises(ValidationError) as none_taken:
        services.adjustment_rule_save(
            scheme=draft,
            actor=cast.officer,
            name="逾期",
            kind=AdjustmentRule.Kind.ITEM_OVERDUE,
            parameter="serious",
            points=Decimal("1"),
        )
    assert none_taken.value.message_dict["parameter"] == [
        _zh(NO_PARAMETER) % {"kind": _zh("Overdue rectification item")}
    ]
    assert draft.adjustment_rules.count() == count


def test_stored_defaults_are_declared_values(draft):
    for rule in draft.adjustment_rules.all():
        assert rule_kinds.clean_parameter(kind=rule.kind, value=rule.parameter) == rule.parameter


def test_admin_form_offers_chinese_choices_and_refuses_a_mismatch(draft):
    form = AdjustmentRuleForm(instance=draft.adjustment_rules.get(name="明察暗访发现严重问题"))
    html = form["parameter"].as_widget()
    assert 'value="finding:serious" selected' in html and "严重" in html
    data = {
        "name": "规则",
        "kind": AdjustmentRule.Kind.FINDING,
        "parameter": "accountability:reminder_talk",
        "sign": -1,
        "points": "1",
        "veto": "",
        "sort_order": 0,
    }
    form = AdjustmentRuleForm(data=data, instance=AdjustmentRule(scheme=draft))
    assert not form.is_valid()
    assert "parameter" in form.errors
    form = AdjustmentRuleForm(
        data={**data, "parameter": "finding:major"}, instance=AdjustmentRule(scheme=draft)
    )
    assert form.is_valid(), form.errors
    assert form.save().parameter == "major"


# --- No cycles inside the app -------------------------------------------------------------------


def _imports(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return found


def test_selectors_do_not_import_permissions_nor_services_tasks():
    root = Path(settings.BASE_DIR) / "assessments"
    assert "assessments.permissions" not in _imports(root / "selectors.py")
    for path in (root / "services").glob("*.py"):
        assert not any(name.startswith("assessments.tasks") for name in _imports(path)), path
    facts = _imports(root / "facts.py")
    assert "django.apps" not in facts and "django.apps.apps" not in facts
