"""为民办实事 services: filing with bad input refused, review, progress and completion recorded."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from campaign.models import (
    MilestoneProgress,
    MilestoneTransition,
    PeopleProject,
    ProjectMilestone,
    ProjectTransition,
)
from campaign.services import projects as services
from campaign.services.projects import MilestoneEntry
from tests.projects.conftest import FIRST_DUE, SECOND_DUE, YEAR, file_project, publish
from units.transitions import InvalidTransition

pytestmark = pytest.mark.django_db

S = PeopleProject.Status


def _moves(project):
    return list(
        ProjectTransition.objects.filter(project=project)
        .order_by("pk")
        .values_list("from_status", "to_status", "actor__username")
    )


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"title": "  "}, "title"),
        ({"content": ""}, "content"),
        ({"beneficiaries": ""}, "beneficiaries"),
        ({"responsible_post": ""}, "responsible_post"),
        ({"milestones": []}, "milestones"),
        ({"milestones": [MilestoneEntry("", FIRST_DUE)]}, "milestones"),
        ({"milestones": [MilestoneEntry("验收", datetime.date(YEAR + 1, 1, 5))]}, "milestones"),
        ({"year": 1999}, "year"),
    ],
)
def test_bad_input_is_refused_and_nothing_saved(cast, overrides, field):
    with pytest.raises(ValidationError) as refused:
        file_project(cast, **overrides)
    assert field in refused.value.message_dict
    assert not PeopleProject.objects.exists() and not ProjectMilestone.objects.exists()


def test_cadre_must_be_of_the_unit(cast):
    other = cast.head_b.person  # 钱局长 serves dept_b
    with pytest.raises(ValidationError) as refused:
        file_project(cast, cadre=other)
    assert "cadre" in refused.value.message_dict
    assert not PeopleProject.objects.exists()


def test_cadre_fills_name_and_post(cast):
    project = file_project(cast, cadre=cast.head_a.person, responsible_name="", responsible_post="")
    assert (project.responsible_name, project.responsible_post) == ("赵局长", "局长")


def test_only_the_unit_files_and_edits(cast, project):
    with pytest.raises(PermissionDenied):
        file_project(cast, actor=cast.head_b)
    with pytest.raises(PermissionDenied):
        file_project(cast, actor=cast.leader)
    with pytest.raises(PermissionDenied):
        services.project_update(
            project=project,
            actor=cast.head_b,
            year=YEAR,
            title="x",
            content="x",
            beneficiaries="x",
            responsible_name="x",
            responsible_post="x",
            milestones=[MilestoneEntry("x", FIRST_DUE)],
        )


def test_review_moves_are_recorded_and_illegal_ones_refused(cast, project):
    assert project.status == S.DRAFT
    with pytest.raises(InvalidTransition):
        services.project_publish(project=project, actor=cast.officer)  # not submitted
    with pytest.raises(PermissionDenied):
        services.project_submit(project=project, actor=cast.leader)  # read-only
    services.project_submit(project=project, actor=cast.head_a)
    with pytest.raises(PermissionDenied):
        services.project_publish(project=project, actor=cast.head_a)  # the unit cannot
    with pytest.raises(ValidationError):
        services.project_return(project=project, actor=cast.officer, reason=" ")
    services.project_return(project=project, actor=cast.officer, reason="受益对象不明确")
    project.refresh_from_db()
    assert project.status == S.DRAFT and project.return_reason == "受益对象不明确"
    # A returned draft is edited (milestones replaced) and submitted again.
    services.project_update(
        project=project,
        actor=cast.head_a,
        year=YEAR,
        title="农贸市场改造提升",
        content="改造城关农贸市场。",
        beneficiaries="城关镇居民约3万人",
        responsible_name="赵局长",
        responsible_post="局长",
        milestones=[MilestoneEntry("完成施工", SECOND_DUE)],
    )
    assert list(project.milestones.values_list("description", flat=True)) == ["完成施工"]
    services.project_submit(project=project, actor=cast.head_a)
    with pytest.raises(ValidationError):
        services.project_update(
            project=project,
            actor=cast.head_a,
            year=YEAR,
            title="改",
            content="改",
            beneficiaries="改",
            responsible_name="改",
            responsible_post="改",
            milestones=[MilestoneEntry("改", SECOND_DUE)],
        )
    services.project_publish(project=project, actor=cast.officer)
    project.refresh_from_db()
    assert project.status == S.PUBLISHED and project.published_at is not None
    assert _moves(project) == [
        ("", "draft", "head_a"),
        ("draft", "submitted", "head_a"),
        ("submitted", "draft", "officer"),
        ("draft", "submitted", "head_a"),
        ("submitted", "published", "officer"),
    ]


def test_progress_with_evidence_and_completion_when_every_milestone_is_done(cast, published):
    first, second = published.milestones.order_by("position")
    evidence = SimpleUploadedFile("方案.pdf", b"%PDF-1.4 plan\n", content_type="application/pdf")
    services.milestone_report(milestone=first, actor=cast.head_a, text="方案已起草，征求意见中")
    services.milestone_report(
        milestone=first,
        actor=cast.head_a,
        text="方案已公示",
        attachment=evidence,
        done=True,
        today=datetime.date(YEAR, 9, 29),
    )
    first.refresh_from_db()
    assert first.status == "done" and first.done_on == datetime.date(YEAR, 9, 29)
    assert MilestoneProgress.objects.filter(milestone=first).count() == 2
    assert MilestoneProgress.objects.get(milestone=first, marks_done=True).attachment.name
    published.refresh_from_db()
    assert published.status == S.PUBLISHED  # one milestone still open

    with pytest.raises(ValidationError):  # done is done
        services.milestone_report(milestone=first, actor=cast.head_a, text="再报", done=True)
    with pytest.raises(ValidationError):  # evidence text is required
        services.milestone_report(milestone=second, actor=cast.head_a, text=" ", done=True)
    with pytest.raises(PermissionDenied):  # a sibling unit's head
        services.milestone_report(milestone=second, actor=cast.head_b, text="完成", done=True)
    with pytest.raises(PermissionDenied):  # the officer oversees; the unit reports
        services.milestone_report(milestone=second, actor=cast.officer, text="完成", done=True)

    services.milestone_report(
        milestone=second,
        actor=cast.head_a,
        text="市场已投入使用",
        done=True,
        today=datetime.date(YEAR, 11, 28),
    )
    published.refresh_from_db()
    assert published.status == S.COMPLETED
    assert published.completed_on == datetime.date(YEAR, 11, 28)
    assert _moves(published)[-1] == ("published", "completed", "head_a")
    assert list(
        MilestoneTransition.objects.filter(milestone__project=published)
        .order_by("pk")
        .values_list("from_status", "to_status")
    ) == [("open", "done"), ("open", "done")]
    with pytest.raises(InvalidTransition):  # nothing moves a completed project
        services.project_submit(project=published, actor=cast.head_a)


def test_no_progress_before_publication(cast, project):
    milestone = project.milestones.first()
    with pytest.raises(ValidationError):
        services.milestone_report(milestone=milestone, actor=cast.head_a, text="开工")
    assert not MilestoneProgress.objects.exists()


def test_sibling_projects_stay_apart(cast):
    other = file_project(
        cast, unit=cast.dept_b, actor=cast.head_b, title="校园安全护学岗", responsible_name="钱局长"
    )
    publish(cast, other, head=cast.head_b)
    with pytest.raises(PermissionDenied):
        services.project_submit(project=file_project(cast), actor=cast.head_b)
