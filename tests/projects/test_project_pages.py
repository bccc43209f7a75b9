"""为民办实事 pages: the unit's forms (bad input refused in Chinese, nothing saved), the
detail page and its moves, evidence downloads, the 督办 board, and the public pages."""

from __future__ import annotations

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from campaign.models import MilestoneProgress, PeopleProject, ProjectMilestone, Reminder
from campaign.services import projects as services
from tests.factories import make_unit
from tests.projects.conftest import YEAR, file_project, publish

pytestmark = pytest.mark.django_db

S = PeopleProject.Status


def _form(**overrides):
    data = {
        "year": str(YEAR),
        "title": "老旧小区加装电梯",
        "content": "为城关镇三个老旧小区加装电梯12部。",
        "beneficiaries": "小区老年住户",
        "responsible_name": "赵局长",
        "responsible_post": "局长",
        "is_public": "on",
        "internal_note": "资金来源待财政确认",
        "m-TOTAL_FORMS": "3",
        "m-INITIAL_FORMS": "0",
        "m-MIN_NUM_FORMS": "0",
        "m-MAX_NUM_FORMS": "20",
        "m-0-description": "完成入户意见征询",
        "m-0-due_date": f"{YEAR}-10-15",
        "m-1-description": "完成加装并验收",
        "m-1-due_date": f"{YEAR}-12-20",
        "m-2-description": "",
        "m-2-due_date": "",
    }
    data["unit"] = overrides.pop("unit", None)
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def test_filing_refuses_bad_input_in_chinese_and_saves_nothing(client_for, cast):
    client = client_for(cast.head_a)
    url = reverse("campaign:project_create")
    assert client.get(url).status_code == 200
    bad = _form(unit=str(cast.dept_a.pk), title="", **{"m-1-due_date": f"{YEAR + 1}-01-10"})
    response = client.post(url, bad)
    assert response.status_code == 400
    text = response.content.decode()
    assert "请填写项目名称" in text
    bad = _form(unit=str(cast.dept_a.pk), **{"m-0-description": "", "m-1-due_date": "2027-01-10"})
    response = client.post(url, bad)
    assert response.status_code == 400
    text = response.content.decode()
    assert "第1个节点：请填写节点内容" in text and "第2个节点：完成时限须在2026年内" in text
    # A unit the head does not act for is no choice at all.
    response = client.post(url, _form(unit=str(cast.dept_b.pk)))
    assert response.status_code == 400
    assert not PeopleProject.objects.exists() and not ProjectMilestone.objects.exists()

    response = client.post(url, _form(unit=str(cast.dept_a.pk)))
    project = PeopleProject.objects.get()
    assert response.status_code == 302 and response["Location"] == project.get_absolute_url()
    assert project.status == S.DRAFT and project.unit == cast.dept_a
    assert list(project.milestones.values_list("position", "description")) == [
        (1, "完成入户意见征询"),
        (2, "完成加装并验收"),
    ]


def test_read_only_and_outsiders_cannot_file(client_for, cast):
    assert client_for(cast.leader).get(reverse("campaign:project_create")).status_code == 403


def test_detail_scoping_moves_and_evidence(client, client_for, cast, project):
    url = project.get_absolute_url()
    assert client_for(cast.head_a).get(url).status_code == 200
    for other in (cast.head_b, cast.outsider, cast.officer):  # a draft is the unit's own
        assert client_for(other).get(url).status_code == 404
    client = client_for(cast.head_a)
    assert (
        client.post(reverse("campaign:project_action", args=[project.pk, "submit"])).status_code
        == 302
    )
    officer = client_for(cast.officer)
    assert officer.get(url).status_code == 200
    refused = officer.post(
        reverse("campaign:project_action", args=[project.pk, "return"]), {"reason": ""}
    )
    assert refused.status_code == 400
    assert (
        client_for(cast.leader)
        .post(reverse("campaign:project_action", args=[project.pk, "publish"]))
        .status_code
        == 403
    )
    officer = client_for(cast.officer)
    assert (
        officer.post(reverse("campaign:project_action", args=[project.pk, "publish"])).status_code
        == 302
    )
    project.refresh_from_db()
    assert project.status == S.PUBLISHED

    milestone = project.milestones.order_by("position").first()
    client = client_for(cast.head_a)
    report = reverse("campaign:milestone_report", args=[milestone.pk])
    empty = client.post(report, {"text": ""})
    assert empty.status_code == 400 and not MilestoneProgress.objects.exists()
    fake = SimpleUploadedFile("照片.jpg", b"MZ not a picture", content_type="image/jpeg")
    assert client.post(report, {"text": "已公示", "attachment": fake}).status_code == 400
    assert not MilestoneProgress.objects.exists()
    evidence = SimpleUploadedFile("公示.pdf", b"%PDF-1.4 notice\n", content_type="application/pdf")
    response = client.post(report, {"text": "方案已公示", "attachment": evidence, "done": "on"})
    assert response.status_code == 302
    milestone.refresh_from_db()
    assert milestone.status == "done" and milestone.done_on is not None
    progress = MilestoneProgress.objects.get()
    download = reverse("campaign:milestone_attachment", args=[progress.pk])
    assert client.get(download).status_code == 200
    assert client_for(cast.head_b).get(download).status_code == 404


def test_list_query_count_is_flat(client_for, cast, django_assert_max_num_queries):
    for n in range(3):
        publish(cast, file_project(cast, title=f"项目{n}"))
    client = client_for(cast.officer)
    url = reverse("campaign:project_list")
    with django_assert_max_num_queries(14):
        response = client.get(url)
    assert response.status_code == 200 and "项目2" in response.content.decode()


def test_overdue_milestone_on_the_board_and_pushed(client_for, cast, published):
    ProjectMilestone.objects.filter(project=published, position=1).update(
        due_date=datetime.date(YEAR, 1, 5)
    )
    milestone = published.milestones.get(position=1)
    client = client_for(cast.officer)
    board = client.get(reverse("campaign:overdue_board"))
    text = board.content.decode()
    assert board.status_code == 200
    assert 'data-kind="milestone"' in text and "完成改造方案并公示" in text
    response = client.post(
        reverse("campaign:overdue_board_act"),
        {
            "kind": "milestone",
            "row_id": milestone.pk,
            "action": "supervise",
            "text": "",
            "back": "",
        },
    )
    assert response.status_code == 302
    assert Reminder.objects.filter(kind="supervise", subject_id=milestone.pk).count() == 1
    # The sibling unit's head sees no row of it.
    other = client_for(cast.head_b).get(reverse("campaign:overdue_board")).content.decode()
    assert "完成改造方案并公示" not in other
    # Done milestones leave the board.
    services.milestone_report(milestone=milestone, actor=cast.head_a, text="完成", done=True)
    text = client_for(cast.officer).get(reverse("campaign:overdue_board")).content.decode()
    assert "完成改造方案并公示" not in text


# --- Public pages -------------------------------------------------------------------------


def _many(cast, count: int) -> list[PeopleProject]:
    """`count` published public projects on as many units, written in bulk."""
    units = [make_unit(f"第{n}社区", parent=cast.township, code=f"SQ{n:04d}") for n in range(count)]
    projects = PeopleProject.objects.bulk_create(
        PeopleProject(
            unit=unit,
            year=YEAR,
            title=f"便民服务点{n}",
            content="建设便民服务点",
            beneficiaries="社区居民",
            responsible_name="社区书记",
            responsible_post="社区党委书记",
            status=S.PUBLISHED,
        )
        for n, unit in enumerate(units)
    )
    ProjectMilestone.objects.bulk_create(
        ProjectMilestone(
            project=p, position=k, description=f"节点{k}", due_date=datetime.date(YEAR, 6 + k, 1)
        )
        for p in projects
        for k in (1, 2)
    )
    return projects


def test_public_list_shows_only_published_public_projects(client, cast, published):
    draft = file_project(cast, title="仍在草稿的项目", internal_note="内部草稿备注")
    hidden = file_project(cast, title="不公开的项目", is_public=False)
    publish(cast, hidden)
    submitted = file_project(cast, title="待审核的项目")
    services.project_submit(project=submitted, actor=cast.head_a)
    PeopleProject.objects.filter(pk=published.pk).update(internal_note="内部备注勿公开")
    first = published.milestones.order_by("position").first()
    services.milestone_report(
        milestone=first,
        actor=cast.head_a,
        text="内部进展说明",
        done=True,
        today=datetime.date(YEAR, 9, 28),
    )

    response = client.get(reverse("campaign:public_project_list"))
    assert response.status_code == 200
    text = response.content.decode()
    assert "农贸市场改造提升" in text and "1/2" in text and "2026-11-30" in text and "局长" in text
    for absent in (
        "仍在草稿的项目",
        "不公开的项目",
        "待审核的项目",
        "内部备注勿公开",
        "内部进展说明",
    ):
        assert absent not in text
    detail = client.get(reverse("campaign:public_project_detail", args=[published.pk]))
    assert detail.status_code == 200
    body = detail.content.decode()
    assert "2026-09-28完成" in body and "内部备注勿公开" not in body and "内部进展说明" not in body
    assert "赵局长" not in body  # the post is public, the person's name is not
    for other in (draft, hidden, submitted):
        assert (
            client.get(reverse("campaign:public_project_detail", args=[other.pk])).status_code
            == 404
        )


def test_public_list_filters_pages_and_counts_queries_flat(client, cast, django_assert_num_queries):
    _many(cast, 5)
    url = reverse("campaign:public_project_list")
    with django_assert_num_queries(4) as few:
        client.get(url)
    units = [make_unit(f"第{n}村", parent=cast.township, code=f"CUN{n:04d}") for n in range(60)]
    PeopleProject.objects.bulk_create(
        PeopleProject(
            unit=unit,
            year=YEAR - 1,
            title=f"村级道路硬化{n}",
            content="硬化村道",
            beneficiaries="村民",
            responsible_name="村书记",
            responsible_post="村党支部书记",
            status=S.COMPLETED,
            completed_on=datetime.date(YEAR - 1, 12, 1),
        )
        for n, unit in enumerate(units)
    )
    with django_assert_num_queries(len(few.captured_queries)):
        response = client.get(url)
    text = response.content.decode()
    assert "共65个项目" in text and text.count('data-testid="progress"') == 30
    page3 = client.get(url, {"page": 3}).content.decode()
    assert page3.count('data-testid="progress"') == 5
    by_year = client.get(url, {"year": YEAR}).content.decode()
    assert "共5个项目" in by_year and "村级道路硬化" not in by_year
    unit = units[7]
    by_unit = client.get(url, {"unit": unit.pk}).content.decode()
    assert "共1个项目" in by_unit and "村级道路硬化7" in by_unit
    search = client.get(url, {"q": "第3社区"}).content.decode()
    assert "共1个项目" in search
    bad = client.get(url, {"year": "abc", "unit": "x"})
    assert bad.status_code == 200


def test_the_cadre_is_chosen_in_a_search_box_not_from_every_cadre(client_for, cast):
    """A province head's units have tens of thousands of cadres: the form renders none of
    them until one is chosen, and a chosen one comes back when the form is shown again."""
    from units.services import person_create

    cadre = person_create(name="钱干部", title="副局长", unit=cast.dept_a)
    client = client_for(cast.head_a)
    url = reverse("campaign:project_create")
    page = client.get(url).content.decode()
    assert 'name="cadre"' in page and "data-unit-picker" in page
    assert "钱干部" not in page
    again = client.post(url, _form(unit=str(cast.dept_a.pk), title="", cadre=str(cadre.pk)))
    assert again.status_code == 400 and "钱干部" in again.content.decode()
    saved = client.post(url, _form(unit=str(cast.dept_a.pk), cadre=str(cadre.pk)))
    assert saved.status_code == 302 and PeopleProject.objects.get().cadre == cadre
