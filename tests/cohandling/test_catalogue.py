"""派单目录: precedence in routing, the history of every change, the officers' pages."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from complaints.models import Complaint, ComplaintCategory, DispatchRule
from complaints.selectors import suggested_unit
from complaints.services.dispatch import rule_create, rule_retire, rule_update
from tests.factories import make_unit


def _act(pk: int, action: str) -> str:
    return reverse("complaints:act", args=[pk, action])


def test_precedence_catalogue_area_then_county_then_default_then_subject(cast, category):
    # Nothing configured: the unit complained about.
    assert suggested_unit(category=category, subject_unit=cast.division_a) == cast.division_a
    # The category's default unit comes before the unit complained about.
    ComplaintCategory.objects.filter(pk=category.pk).update(default_unit=cast.dept_b)
    category.refresh_from_db()
    assert suggested_unit(category=category, subject_unit=cast.division_a) == cast.dept_b
    # A county-wide catalogue entry comes before the default.
    county = rule_create(category=category, unit=cast.township, area=None, actor=cast.officer)
    assert suggested_unit(category=category, subject_unit=cast.division_a) == cast.township
    assert suggested_unit(category=category, subject_unit=None) == cast.township
    # An area's entry comes before the county's, for units within the area only.
    rule_create(category=category, unit=cast.dept_a, area=cast.root, actor=cast.officer)
    area = rule_create(
        category=category, unit=cast.division_a, area=cast.dept_a, actor=cast.officer
    )
    assert suggested_unit(category=category, subject_unit=cast.division_a) == cast.division_a
    assert suggested_unit(category=category, subject_unit=cast.dept_a) == cast.division_a
    assert suggested_unit(category=category, subject_unit=cast.dept_b) == cast.dept_a  # root's
    assert suggested_unit(category=category, subject_unit=None) == cast.township
    # Another category is untouched by them.
    other = ComplaintCategory.objects.exclude(pk=category.pk).first()
    assert suggested_unit(category=other, subject_unit=cast.dept_b) == cast.dept_b
    # A retired entry no longer routes: the next most specific does.
    rule_retire(rule=area, actor=cast.officer, reason="职责调整")
    assert suggested_unit(category=category, subject_unit=cast.division_a) == cast.dept_a
    rule_retire(rule=county, actor=cast.officer, reason="职责调整")
    assert suggested_unit(category=category, subject_unit=None) == cast.dept_b


def test_history_records_who_changed_what(cast, category):
    rule = rule_create(
        category=category, unit=cast.dept_a, area=None, note="三定方案", actor=cast.officer
    )
    rule = rule_update(
        rule=rule,
        category=category,
        unit=cast.dept_b,
        area=cast.root,
        note="三定方案",
        actor=cast.officer,
    )
    # Saving the same values records nothing.
    rule_update(
        rule=rule,
        category=category,
        unit=cast.dept_b,
        area=cast.root,
        note="三定方案",
        actor=cast.officer,
    )
    with pytest.raises(ValidationError):
        rule_retire(rule=rule, actor=cast.officer, reason="")
    rule = rule_retire(rule=rule, actor=cast.officer, reason="机构改革")
    history = list(rule.transitions.order_by("created_at", "pk"))
    assert [(h.from_status, h.to_status) for h in history] == [
        ("", "active"),
        ("active", "active"),
        ("active", "retired"),
    ]
    assert all(h.actor == cast.officer for h in history)
    assert f"{cast.dept_a.name} → {cast.dept_b.name}" in history[1].comment
    assert cast.root.name in history[1].comment
    assert history[2].comment == "机构改革"
    with pytest.raises(ValidationError):
        rule_update(rule=rule, category=category, unit=cast.dept_a, area=None, actor=cast.officer)


def test_one_entry_in_force_per_category_and_area(cast, category):
    rule_create(category=category, unit=cast.dept_a, area=None, actor=cast.officer)
    with pytest.raises(ValidationError):
        rule_create(category=category, unit=cast.dept_b, area=None, actor=cast.officer)
    rule_create(category=category, unit=cast.dept_b, area=cast.dept_b, actor=cast.officer)
    with pytest.raises(ValidationError):
        rule_create(category=category, unit=cast.dept_a, area=cast.dept_b, actor=cast.officer)
    assert DispatchRule.objects.count() == 2


def test_who_may_edit_the_catalogue(cast, category):
    for who in (cast.head_a, cast.leader, cast.outsider):
        with pytest.raises(PermissionDenied):
            rule_create(category=category, unit=cast.dept_a, area=None, actor=who)
    # An officer of dept_a's subtree: entries for that area, not the county's.
    with pytest.raises(PermissionDenied):
        rule_create(category=category, unit=cast.dept_a, area=None, actor=cast.township_officer)
    rule = rule_create(
        category=category, unit=cast.division_a, area=cast.dept_a, actor=cast.township_officer
    )
    with pytest.raises(PermissionDenied):
        rule_update(
            rule=rule,
            category=category,
            unit=cast.dept_b,
            area=cast.dept_a,
            actor=cast.township_officer,
        )
    assert not DispatchRule.objects.exclude(pk=rule.pk).exists()


def test_officer_assigns_with_the_catalogue_proposal(client_for, cast, category, make_complaint):
    rule_create(category=category, unit=cast.dept_b, area=cast.dept_a, actor=cast.officer)
    complaint = make_complaint(Complaint.Status.ACCEPTED)
    client = client_for(cast.officer)
    detail = client.get(reverse("complaints:detail", args=[complaint.pk]))
    assert detail.context["suggested_unit"] == cast.dept_b
    assert detail.context["assign_form"].initial["unit"] == cast.dept_b.pk


def test_catalogue_pages(client_for, cast, category):
    client = client_for(cast.officer)
    response = client.post(
        reverse("complaints:rule_new"),
        {
            "category": category.pk,
            "area": cast.dept_a.pk,
            "unit": cast.division_a.pk,
            "note": "职责",
        },
    )
    rule = DispatchRule.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "complaints:rule", args=[rule.pk]
    )
    # Bad input: 400, nothing saved.
    bad = client.post(reverse("complaints:rule_new"), {"category": category.pk, "unit": ""})
    assert bad.status_code == 400 and DispatchRule.objects.count() == 1
    dup = client.post(
        reverse("complaints:rule_new"),
        {"category": category.pk, "area": cast.dept_a.pk, "unit": cast.dept_b.pk},
    )
    assert dup.status_code == 400 and DispatchRule.objects.count() == 1
    edit = client.post(
        reverse("complaints:rule", args=[rule.pk]),
        {"category": category.pk, "area": cast.dept_a.pk, "unit": cast.dept_a.pk, "note": "职责"},
    )
    assert edit.status_code == 302
    page = client.get(reverse("complaints:rule", args=[rule.pk])).content.decode()
    assert f"{cast.division_a.name} → {cast.dept_a.name}" in page
    retired = client.post(reverse("complaints:rule_act", args=[rule.pk, "retire"]), {"comment": ""})
    assert retired.status_code == 400
    retired = client.post(
        reverse("complaints:rule_act", args=[rule.pk, "retire"]), {"comment": "职责划转"}
    )
    assert retired.status_code == 302
    rule.refresh_from_db()
    assert rule.status == DispatchRule.Status.RETIRED
    listing = client.get(reverse("complaints:rules")).content.decode()
    assert f'data-rule="{rule.pk}"' not in listing
    listing = client.get(reverse("complaints:rules") + "?retired=1").content.decode()
    assert f'data-rule="{rule.pk}"' in listing
    # Units and outsiders: no catalogue page (403), no entry (404).
    for who in (cast.head_a, cast.outsider):
        other = client_for(who)
        assert other.get(reverse("complaints:rules")).status_code == 403
        assert other.get(reverse("complaints:rule", args=[rule.pk])).status_code == 404


def test_catalogue_list_query_count_is_flat(
    client_for, cast, category, django_assert_max_num_queries
):
    categories = list(ComplaintCategory.objects.all()[:6])
    for cat in categories:
        rule_create(category=cat, unit=cast.dept_a, area=None, actor=cast.officer)
    for n in range(15):
        unit = make_unit(f"测试乡镇{n}", parent=cast.root)
        rule_create(category=category, unit=cast.dept_b, area=unit, actor=cast.officer)
    client = client_for(cast.officer)
    client.get(reverse("complaints:rules"))
    with django_assert_max_num_queries(12):
        response = client.get(reverse("complaints:rules"))
    assert response.status_code == 200
    assert response.content.decode().count("data-rule=") == len(categories) + 15
