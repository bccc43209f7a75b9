"""中止计时: pause and restart the handling clock, the allowance, the daily expiry across the
National Day holiday (2026-10-01 … 10-07, 10-10 an adjusted work day), exactly once; the
escalation sweep leaves a paused case alone; the case page's buttons."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from complaints import services, tasks
from complaints.models import Complaint, ComplaintPause
from units.models import Notification
from units.workdays import add_working_days, working_days_between

D = datetime.date
MATERIAL = ComplaintPause.Reason.MATERIAL
pytestmark = pytest.mark.django_db


def _deadline(complaint: Complaint, day: datetime.date) -> Complaint:
    Complaint.objects.filter(pk=complaint.pk).update(deadline=day)
    complaint.refresh_from_db()
    return complaint


def _notes(complaint: Complaint) -> list[str]:
    return list(
        complaint.transitions.filter(from_status=complaint.status, to_status=complaint.status)
        .order_by("pk")
        .values_list("comment", flat=True)
    )


def test_pause_and_resume_across_the_holiday_move_the_deadline_by_the_working_days_paused(
    cast, make_complaint, settings
):
    settings.COMPLAINTS_PAUSE_MAX_WORKING_DAYS = 10
    case = _deadline(make_complaint("assigned"), D(2026, 10, 15))
    pause = services.complaint_pause(
        complaint=case,
        actor=cast.head_a,
        reason=MATERIAL,
        detail="缺营业执照复印件",
        today=D(2026, 9, 29),
    )
    assert pause.started_on == D(2026, 9, 29) and pause.started_by == cast.head_a
    assert pause.deadline_before == D(2026, 10, 15)
    # Ten working days after 9-29, the holiday skipped and the Saturday 10-10 counted.
    assert pause.expires_on == add_working_days(D(2026, 9, 29), 10) == D(2026, 10, 19)
    assert "中止计时" in _notes(case)[-1] and "缺营业执照复印件" in _notes(case)[-1]

    resumed = services.complaint_resume(complaint=case, actor=cast.head_a, today=D(2026, 10, 9))
    # 9-30, 10-08, 10-09: three working days, the seven holidays in between not counted.
    assert resumed.working_days == 3 == working_days_between(D(2026, 9, 29), D(2026, 10, 9))
    assert resumed.ended_on == D(2026, 10, 9) and not resumed.automatic
    case.refresh_from_db()
    assert case.deadline == add_working_days(D(2026, 10, 15), 3) == D(2026, 10, 20)
    assert resumed.deadline_after == case.deadline
    # (the note's words follow the catalogue; both deadlines are in it whatever the language)
    assert "2026-10-15" in _notes(case)[-1] and "2026-10-20" in _notes(case)[-1]
    assert len(_notes(case)) == 2


def test_the_allowance_runs_out_and_the_daily_expiry_restarts_the_clock_exactly_once(
    cast, make_complaint, settings, django_capture_on_commit_callbacks
):
    settings.COMPLAINTS_PAUSE_MAX_WORKING_DAYS = 10
    case = _deadline(make_complaint("assigned"), D(2026, 10, 15))
    services.complaint_pause(
        complaint=case, actor=cast.head_a, reason=MATERIAL, today=D(2026, 9, 29)
    )
    services.complaint_resume(complaint=case, actor=cast.head_a, today=D(2026, 10, 9))
    # Seven working days left: the second pause runs out on the seventh after 10-12.
    second = services.complaint_pause(
        complaint=case,
        actor=cast.officer,
        reason=ComplaintPause.Reason.VISIT,
        today=D(2026, 10, 12),
    )
    assert second.expires_on == add_working_days(D(2026, 10, 12), 7) == D(2026, 10, 21)
    assert services.complaint_pauses_expire(today=D(2026, 10, 20)) == 0
    with django_capture_on_commit_callbacks(execute=True):
        assert services.complaint_pauses_expire(today=D(2026, 10, 23)) == 1
        assert services.complaint_pauses_expire(today=D(2026, 10, 23)) == 0
        assert tasks.expire_pauses() == 0  # the scheduled task: nothing left to do
    second.refresh_from_db()
    # Ended on its last day, not on the (later) day the sweep ran: never past the allowance.
    assert second.ended_on == D(2026, 10, 21) and second.automatic and second.ended_by is None
    assert second.working_days == 7
    case.refresh_from_db()
    assert case.deadline == add_working_days(D(2026, 10, 20), 7) == D(2026, 10, 29)
    assert len(_notes(case)) == 4  # two pauses, two restarts: the second run wrote nothing
    restarted = Notification.objects.filter(object_key=f"complaint:{case.pk}:resumed:{second.pk}")
    assert restarted.count() == 1 and restarted.get().recipient == cast.head_a
    with pytest.raises(ValidationError, match=r"已用完|used all"):
        services.complaint_pause(
            complaint=case, actor=cast.head_a, reason=MATERIAL, today=D(2026, 10, 26)
        )
    with pytest.raises(ValidationError):
        services.complaint_resume(complaint=case, actor=cast.head_a, today=D(2026, 10, 26))


def test_resume_by_hand_after_the_limit_counts_only_up_to_the_limit(cast, make_complaint, settings):
    settings.COMPLAINTS_PAUSE_MAX_WORKING_DAYS = 2
    case = _deadline(make_complaint("assigned"), D(2026, 9, 30))
    pause = services.complaint_pause(
        complaint=case, actor=cast.head_a, reason=MATERIAL, today=D(2026, 9, 28)
    )
    assert pause.expires_on == D(2026, 9, 30)
    done = services.complaint_resume(complaint=case, actor=cast.head_a, today=D(2026, 10, 12))
    assert done.ended_on == D(2026, 9, 30) and done.working_days == 2 and done.automatic
    case.refresh_from_db()
    assert case.deadline == D(2026, 10, 9)  # 9-30 + 2 working days: 10-08, 10-09


def test_refused_pauses_save_nothing(cast, make_complaint, settings):
    case = _deadline(make_complaint("assigned"), D(2026, 10, 15))
    answered = make_complaint("answered")
    before = ComplaintPause.objects.count(), case.transitions.count()
    cases = [
        # Not being handled.
        (answered, cast.head_a, MATERIAL, "", D(2026, 10, 9), ValidationError),
        # Past the deadline.
        (case, cast.head_a, MATERIAL, "", D(2026, 10, 16), ValidationError),
        # "Other" needs a word on what the unit waits for.
        (case, cast.head_a, ComplaintPause.Reason.OTHER, " ", D(2026, 10, 9), ValidationError),
        (case, cast.head_a, "nonsense", "", D(2026, 10, 9), ValidationError),
        # The sibling unit, the leader in charge and the leader may not.
        (case, cast.head_b, MATERIAL, "", D(2026, 10, 9), PermissionDenied),
        (case, cast.in_charge, MATERIAL, "", D(2026, 10, 9), PermissionDenied),
        (case, cast.leader, MATERIAL, "", D(2026, 10, 9), PermissionDenied),
    ]
    for complaint, actor, reason, detail, today, error in cases:
        with pytest.raises(error):
            services.complaint_pause(
                complaint=complaint, actor=actor, reason=reason, detail=detail, today=today
            )
    assert (ComplaintPause.objects.count(), case.transitions.count()) == before
    services.complaint_pause(
        complaint=case, actor=cast.head_a, reason=MATERIAL, today=D(2026, 10, 9)
    )
    with pytest.raises(ValidationError):
        services.complaint_pause(
            complaint=case, actor=cast.officer, reason=MATERIAL, today=D(2026, 10, 9)
        )
    with pytest.raises(PermissionDenied):
        services.complaint_resume(complaint=case, actor=cast.head_b, today=D(2026, 10, 12))
    assert ComplaintPause.objects.filter(complaint=case).count() == 1


def test_a_paused_case_cannot_be_answered_extended_or_rerouted_until_restarted(
    cast, make_complaint
):
    case = make_complaint("assigned")
    services.complaint_pause(complaint=case, actor=cast.head_a, reason=MATERIAL)
    answer = {
        "facts": "经查属实。",
        "verdict": Complaint.Verdict.SUBSTANTIATED,
        "measures": "批评教育。",
        "public_reply": "已整改。",
    }
    with pytest.raises(ValidationError):
        services.complaint_answer(complaint=case, actor=cast.head_a, **answer)
    with pytest.raises(ValidationError):
        services.complaint_request_reroute(complaint=case, actor=cast.head_a, reason="非本单位")
    with pytest.raises(ValidationError):
        services.extension_request_create(
            complaint=case,
            actor=cast.head_a,
            new_deadline=case.deadline + datetime.timedelta(days=10),
            reason="需要现场核查",
        )
    case.refresh_from_db()
    assert case.status == Complaint.Status.ASSIGNED
    services.complaint_resume(complaint=case, actor=cast.head_a)
    moved = services.complaint_answer(complaint=case, actor=cast.head_a, **answer)
    assert moved.status == Complaint.Status.ANSWERED


def test_the_escalation_sweep_skips_a_paused_case(
    cast, make_complaint, django_capture_on_commit_callbacks
):
    paused = _deadline(make_complaint("assigned"), D(2026, 10, 15))
    running = _deadline(make_complaint("assigned"), D(2026, 10, 15))
    services.complaint_pause(
        complaint=paused, actor=cast.head_a, reason=MATERIAL, today=D(2026, 10, 12)
    )
    with django_capture_on_commit_callbacks(execute=True):
        soon = services.complaints_escalation_sweep(today=D(2026, 10, 13))
        late = services.complaints_escalation_sweep(today=D(2026, 10, 16))
    assert soon["reminded"] == 1 and late["supervised"] == 1
    paused.refresh_from_db()
    running.refresh_from_db()
    assert paused.supervision == Complaint.Supervision.NONE
    assert running.supervision == Complaint.Supervision.SUPERVISED
    # Restarted (three working days paused), its moved deadline is not yet past.
    services.complaint_resume(complaint=paused, actor=cast.head_a, today=D(2026, 10, 15))
    paused.refresh_from_db()
    assert paused.deadline == D(2026, 10, 20)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.complaints_escalation_sweep(today=D(2026, 10, 16))["supervised"] == 0


def test_case_page_pause_and_resume_buttons(
    client_for, cast, make_complaint, django_assert_max_num_queries
):
    case = make_complaint("assigned")
    head = client_for(cast.head_a)
    page = head.get(reverse("complaints:detail", args=[case.pk]))
    assert page.status_code == 200 and 'data-testid="pause"' in page.content.decode()
    url = reverse("complaints:clock", args=[case.pk, "pause"])
    bad = head.post(url, {"reason": "other", "detail": ""})
    assert bad.status_code == 400 and not ComplaintPause.objects.exists()
    done = head.post(url, {"reason": "material", "detail": "待补充营业执照复印件"})
    assert done.status_code == 302
    with django_assert_max_num_queries(40):
        page = head.get(reverse("complaints:detail", args=[case.pk])).content.decode()
    assert 'data-testid="paused"' in page and "待补充营业执照复印件" in page
    assert 'data-testid="pause"' not in page
    again = head.post(url, {"reason": "material"})
    assert again.status_code == 400
    assert head.post(reverse("complaints:clock", args=[case.pk, "resume"])).status_code == 302
    assert ComplaintPause.objects.get().ended_on is not None
    assert head.post(reverse("complaints:clock", args=[case.pk, "resume"])).status_code == 400
    assert head.get(reverse("complaints:clock", args=[case.pk, "resume"])).status_code == 405
    assert head.post(reverse("complaints:clock", args=[case.pk, "nonsense"])).status_code == 404
    # The sibling unit does not see the case; the leader reads it but may not pause it.
    sibling = client_for(cast.head_b)
    assert sibling.post(url, {"reason": "material"}).status_code == 404
    leader = client_for(cast.leader)
    assert leader.post(url, {"reason": "material"}).status_code == 403


def test_a_paused_clock_is_not_overdue_anywhere_until_it_restarts(cast, make_complaint):
    """The case page says the clock is paused: the 督办 board, the lights, the filters and the
    figures say the same, not 逾期 while the unit waits on the complainant."""
    from complaints.board import overdue_sources
    from complaints.filters import light_q
    from complaints.selectors import complaints_visible_to, overdue_q, with_light

    case = _deadline(make_complaint("assigned"), D(2026, 10, 15))
    services.complaint_pause(
        complaint=case, actor=cast.head_a, reason=MATERIAL, today=D(2026, 10, 12)
    )
    case.refresh_from_db()
    assert case.clock_paused
    after = D(2026, 10, 19)  # past the deadline the case had when it was paused

    def seen_overdue() -> dict[str, bool]:
        mine = complaints_visible_to(user=cast.officer).filter(pk=case.pk)
        board = overdue_sources(user=cast.officer, today=after)[0].rows.filter(row_id=case.pk)
        fresh = Complaint.objects.get(pk=case.pk)
        return {
            "figures": mine.filter(overdue_q(after)).exists(),
            "red filter": mine.filter(light_q("red", after)).exists(),
            "light": with_light(mine, after).get().light_value == "red",
            "case light": fresh.light(after) == "red",
            "board": board.exists(),
        }

    assert not any(seen_overdue().values()), seen_overdue()
    # Restarted on the 19th: the deadline moved by the five working days paused, still ahead.
    services.complaint_resume(complaint=case, actor=cast.head_a, today=after)
    case.refresh_from_db()
    assert not case.clock_paused and case.deadline == D(2026, 10, 22)
    assert not any(seen_overdue().values())
    after = D(2026, 10, 23)
    assert all(seen_overdue().values()), seen_overdue()


@pytest.mark.django_db
def test_lists_show_a_paused_clock_beside_the_status(client_for, cast, make_complaint):
    case = make_complaint("assigned")
    pages = [
        (client_for(cast.officer), reverse("complaints:list")),
        (client_for(cast.officer), reverse("complaints:ledger")),
        (client_for(cast.head_a), reverse("complaints:list")),
    ]
    for client, url in pages:
        assert 'data-testid="clock-paused"' not in client.get(url).content.decode()
    services.complaint_pause(complaint=case, actor=cast.head_a, reason=MATERIAL, detail="")
    for client, url in pages:
        page = client.get(url).content.decode()
        assert page.count('data-testid="clock-paused"') == 1, url
        assert "中止计时" in page
    services.complaint_resume(complaint=case, actor=cast.head_a)
    for client, url in pages:
        assert 'data-testid="clock-paused"' not in client.get(url).content.decode()
