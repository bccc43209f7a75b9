"""The public status page's timeline: every public stage, pauses and extensions with their
dates, a merged case following its lead case, a flat query count, and no internal text."""

from __future__ import annotations

import re

import pytest
from django.http import HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from complaints import services, views
from complaints.identity import Identity
from complaints.models import Complaint, ComplaintPause
from complaints.timeline import public_timeline
from units.workdays import add_working_days

pytestmark = pytest.mark.django_db
S = Complaint.Status


def _track(client, complaint):
    response = client.post(reverse("complaints:public_track"), {"code": complaint.tracking_code})
    assert response.status_code == 200
    return response


def _states(timeline) -> dict[str, str]:
    return {stage.key: stage.state for stage in timeline.stages}


def _titles(timeline) -> list[str]:
    return [str(event.title) for event in timeline.events]


@pytest.mark.parametrize(
    ("status", "states", "last_stage"),
    [
        (S.REGISTERED, "current todo todo todo todo todo", "accept"),
        (S.ACCEPTED, "done current todo todo todo todo", "accept"),
        (S.ASSIGNED, "done done current todo todo todo", "assign"),
        (S.REROUTE_REQUESTED, "done done current todo todo todo", "assign"),
        (S.ANSWERED, "done done done current todo todo", "handle"),
        (S.SENT_BACK, "done done current todo todo todo", "handle"),
        (S.RETURN_VISIT, "done done done done current todo", "reply"),
        (S.CLOSED, "done done done done done done", "close"),
        (S.REJECTED, "stopped todo todo todo todo todo", "accept"),
    ],
)
def test_each_public_stage(make_complaint, status, states, last_stage):
    complaint = make_complaint(status)
    timeline = public_timeline(Complaint.objects.get(pk=complaint.pk))
    assert " ".join(_states(timeline).values()) == states
    assert timeline.events[0].stage == "accept"  # received
    assert timeline.events[-1].stage == last_stage
    done = [stage for stage in timeline.stages if stage.state == "done"]
    assert all(stage.when is not None for stage in done)
    # The unit's reply is public once reviewed, never before.
    assert bool(timeline.reply) == (status in (S.RETURN_VISIT, S.CLOSED))
    assert (timeline.deadline is not None) == (
        status in (S.ASSIGNED, S.REROUTE_REQUESTED, S.ANSWERED, S.SENT_BACK, S.RETURN_VISIT)
    )


def test_closed_case_tells_the_return_visit_and_a_reopening(cast, make_complaint):
    closed = public_timeline(Complaint.objects.get(pk=make_complaint(S.CLOSED).pk))
    assert [e.stage for e in closed.events][-3:] == ["reply", "visit", "close"]
    assert [e.reply for e in closed.events].count(True) == 1
    reopened = make_complaint(S.RETURN_VISIT)
    services.complaint_rate(complaint=reopened, satisfaction=Complaint.Satisfaction.UNSATISFIED)
    timeline = public_timeline(Complaint.objects.get(pk=reopened.pk))
    assert [e.stage for e in timeline.events][-2:] == ["visit", "handle"]
    assert _states(timeline)["handle"] == "current"
    # Handled again: the earlier reply is no longer shown as the answer.
    assert timeline.reply == "" and not any(e.reply for e in timeline.events)


def test_pauses_and_extensions_appear_with_their_dates_and_public_reason_only(
    client, cast, make_complaint
):
    complaint = make_complaint(S.ASSIGNED)
    today = timezone.localdate()
    pause = services.complaint_pause(
        complaint=complaint,
        actor=cast.head_a,
        reason=ComplaintPause.Reason.MATERIAL,
        detail="内部备注：待补充发票原件",
    )
    page = _track(client, complaint).content.decode()
    assert 'data-testid="public-paused"' in page
    assert pause.expires_on.isoformat() in page and today.isoformat() in page
    assert str(ComplaintPause.Reason.MATERIAL.label) in page or "材料" in page
    assert "待补充发票原件" not in page
    services.complaint_resume(complaint=complaint, actor=cast.head_a)
    request = services.extension_request_create(
        complaint=complaint,
        actor=cast.head_a,
        new_deadline=add_working_days(complaint.deadline, 5),
        reason="内部延期理由：需协调三个部门",
    )
    services.extension_request_decide(
        request=request, actor=cast.officer, approve=True, note="内部审批意见：同意"
    )
    timeline = public_timeline(Complaint.objects.get(pk=complaint.pk))
    stages = [e.stage for e in timeline.events]
    assert stages.count("pause") == 2 and stages.count("extension") == 1
    assert timeline.pause is None
    page = _track(client, complaint).content.decode()
    assert request.requested_deadline.isoformat() in page
    assert "需协调三个部门" not in page and "内部审批意见" not in page
    assert 'data-testid="public-paused"' not in page


def test_a_pause_restarted_the_same_day_says_the_deadline_is_unchanged(cast, make_complaint):
    complaint = make_complaint(S.ASSIGNED)
    deadline = complaint.deadline
    services.complaint_pause(
        complaint=complaint, actor=cast.head_a, reason=ComplaintPause.Reason.MATERIAL, detail=""
    )
    services.complaint_resume(complaint=complaint, actor=cast.head_a)
    restarted = public_timeline(Complaint.objects.get(pk=complaint.pk)).events
    texts = [str(e.text) for e in restarted if e.stage == "pause"]
    assert texts[-1] == _(
        "Paused for less than a working day; handling deadline unchanged (%(date)s)"
    ) % {"date": deadline.isoformat()}
    assert Complaint.objects.get(pk=complaint.pk).deadline == deadline


INTERNAL = {
    "instructions": "内部交办要求XQ1",
    "facts": "内部查明事实XQ2",
    "measures": "内部处理措施XQ3",
    "review_note": "内部审核意见XQ4",
    "accept": "内部受理备注XQ5",
    "reroute": "内部改派理由XQ6",
    "pause": "内部中止说明XQ7",
    "extension": "内部延期理由XQ8",
    "decision": "内部延期审批XQ9",
    "content": "投诉正文XQ10",
    "person": "被投诉人XQ11",
    "satisfaction": "回访内部XQ12",
}


def _drive_with_internal_text(cast, category, *, title="全流程案件") -> Complaint:
    """A case through every stage, with a distinctive string in every internal field."""
    officer, head = cast.officer, cast.head_a
    case = services.complaint_submit(
        channel=Complaint.Channel.WEB,
        title=title,
        content=INTERNAL["content"],
        category=category,
        subject_unit=cast.dept_a,
        subject_person=INTERNAL["person"],
        identity=Identity(name="令狐秘密", phone="13811112222", id_number="110101199202023333"),
    )
    code = case.tracking_code
    case = services.complaint_accept(complaint=case, actor=officer, comment=INTERNAL["accept"])
    case = services.complaint_assign(
        complaint=case, unit=cast.dept_a, actor=officer, instructions=INTERNAL["instructions"]
    )
    case = services.complaint_request_reroute(
        complaint=case, actor=head, reason=INTERNAL["reroute"]
    )
    case = services.complaint_assign(
        complaint=case, unit=cast.dept_a, actor=officer, instructions=INTERNAL["instructions"]
    )
    services.complaint_pause(
        complaint=case,
        actor=head,
        reason=ComplaintPause.Reason.VISIT,
        detail=INTERNAL["pause"],
    )
    services.complaint_resume(complaint=case, actor=head)
    case = Complaint.objects.get(pk=case.pk)
    request = services.extension_request_create(
        complaint=case,
        actor=head,
        new_deadline=add_working_days(case.deadline, 3),
        reason=INTERNAL["extension"],
    )
    services.extension_request_decide(
        request=request, actor=officer, approve=True, note=INTERNAL["decision"]
    )
    answer = {
        "facts": INTERNAL["facts"],
        "verdict": Complaint.Verdict.PARTLY,
        "measures": INTERNAL["measures"],
        "public_reply": "公开答复：已整改并致歉。",
    }
    case = services.complaint_answer(complaint=case, actor=head, **answer)
    case = services.complaint_review(
        complaint=case, actor=officer, approve=False, note=INTERNAL["review_note"]
    )
    case = services.complaint_answer(complaint=case, actor=head, **answer)
    case = services.complaint_review(complaint=case, actor=officer, approve=True)
    case.tracking_code = code
    return case


def _assert_no_internal_text(page: str, cast) -> None:
    leaked = [value for value in INTERNAL.values() if value in page]
    for person in (cast.officer, cast.head_a):
        for name in (person.username, person.get_full_name()):
            if name and re.search(rf"\b{re.escape(name)}\b", page):
                leaked.append(name)
    for name in ("令狐秘密", "13811112222", cast.dept_a.name):
        if name in page:
            leaked.append(name)
    assert not leaked, leaked


def test_no_internal_text_ever_reaches_the_public_page(client, cast, category):
    case = _drive_with_internal_text(cast, category)
    page = _track(client, case).content.decode()
    assert "公开答复：已整改并致歉。" in page
    timeline = public_timeline(Complaint.objects.get(pk=case.pk))
    kinds = {e.stage for e in timeline.events}
    assert kinds == {"accept", "assign", "handle", "reply", "pause", "extension"}
    _assert_no_internal_text(page, cast)
    # Rated, closed: still nothing internal (the rating comment is the complainant's own,
    # yet not repeated on a page anyone holding the code can open).
    services.complaint_rate(
        complaint=case,
        satisfaction=Complaint.Satisfaction.SATISFIED,
        comment=INTERNAL["satisfaction"],
    )
    page = _track(client, case).content.decode()
    assert 'data-stage="close"' in page
    _assert_no_internal_text(page, cast)


def test_merged_case_shows_the_lead_case_progress_without_its_content(
    client, cast, category, make_complaint
):
    lead = _drive_with_internal_text(cast, category, title="牵头案件的标题XQ13")
    merged = make_complaint(S.REGISTERED, title="我的投诉")
    services.complaint_merge(complaint=merged, into=lead, actor=cast.officer)
    page = _track(client, merged).content.decode()
    assert 'data-testid="merged-note"' in page
    assert lead.number in page and "我的投诉" in page
    assert "公开答复：已整改并致歉。" in page  # the lead case's public reply
    assert 'data-stage="reply" data-state="done"' in page
    assert "牵头案件的标题XQ13" not in page
    _assert_no_internal_text(page, cast)
    timeline = public_timeline(Complaint.objects.get(pk=merged.pk))
    assert timeline.merged and timeline.case.pk == lead.pk
    assert _states(timeline)["visit"] == "current"


def test_public_status_page_query_count_is_flat(
    client, cast, category, make_complaint, django_assert_max_num_queries, settings
):
    settings.RATELIMIT_ENABLE = False
    simple = make_complaint(S.REGISTERED)
    with django_assert_max_num_queries(12) as few:
        _track(client, simple)
    # Every stage, a re-routing, a pause, an extension and a second answer: more rows, the
    # same queries.
    busy = _drive_with_internal_text(cast, category)
    with django_assert_max_num_queries(len(few.captured_queries) + 1):
        _track(client, busy)
    merged = make_complaint(S.REGISTERED)
    services.complaint_merge(complaint=merged, into=busy, actor=cast.officer)
    # One more for the lead case, whatever either case's history.
    with django_assert_max_num_queries(len(few.captured_queries) + 2):
        _track(client, merged)


def test_copy_and_print_of_the_code(client, make_complaint):
    complaint = make_complaint(S.ASSIGNED)
    typed = complaint.tracking_code.lower()
    response = client.post(reverse("complaints:public_track"), {"code": typed})
    page = response.content.decode()
    assert f'data-copy="{complaint.tracking_code_display}"' in page
    assert 'data-testid="print-code"' in page and "js/copy_code.js" in page
    assert response["Cache-Control"] == "no-store"


def test_intake_page_offers_copy_and_print(client, cast):
    response = HttpResponse()
    views._new_code_keep(response, "ABCD-EFGH-JKMN-PQRS")
    client.cookies.update(response.cookies)
    page = client.get(reverse("complaints:public_submitted")).content.decode()
    assert 'data-copy="ABCD-EFGH-JKMN-PQRS"' in page and 'data-testid="print-code"' in page


@pytest.mark.parametrize("status", [S.REROUTE_REQUESTED, S.SENT_BACK])
def test_internal_steps_of_handling_read_as_assigned_to_the_public(client, make_complaint, status):
    complaint = make_complaint(status)
    page = _track(client, complaint).content.decode()
    badge = re.search(r'data-testid="public-status">([^<]*)<', page).group(1)
    assert badge == str(S.ASSIGNED.label)
    assert str(S(status).label) not in page
