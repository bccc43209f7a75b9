"""Eight threads on one complaint or item at once: one winner, no lost update (PostgreSQL).

tests/campaign/test_concurrency.py covers two officers closing one item and circular
numbers; this extends the idea to the complaint machine (acceptance, answering against a
re-routing request, re-routing, the complainant's rating, extension requests), to mixed
decisions on a closure request, and to the HTTP views, where the loser must read a clear
Chinese message rather than a 500.
"""

from __future__ import annotations

import datetime
import threading
from collections import Counter
from collections.abc import Callable

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections
from django.urls import reverse

from campaign import services as campaign_services
from campaign.models import RectificationItem, RectificationTransition
from complaints import services
from complaints.models import Complaint, ComplaintTransition, ExtensionRequest
from tests.campaign.roles_restore import ensure_roles
from tests.robustness.helpers import client_as
from units.models import Notification
from units.transitions import InvalidTransition

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="needs real row locks and concurrent transactions: run on PostgreSQL "
        "(SQLite serialises writers on one file lock, so a race cannot happen there)",
    ),
]
THREADS = 8
S = Complaint.Status


@pytest.fixture(autouse=True)
def _roles(transactional_db):
    ensure_roles()


def race(jobs: list[Callable[[], object]]) -> Counter:
    """Start the jobs together; return what each ended with (the result or the exception)."""
    barrier = threading.Barrier(len(jobs))
    outcomes: Counter = Counter()
    lock = threading.Lock()

    def run(job):
        try:
            barrier.wait()
            job()
            outcome = "won"
        except (InvalidTransition, ValidationError) as exc:
            outcome = type(exc).__name__
        except Exception as exc:  # anything else is a failure, reported below
            outcome = f"crash: {type(exc).__name__}: {exc}"
        finally:
            connections.close_all()
        with lock:
            outcomes[outcome] += 1

    threads = [threading.Thread(target=run, args=(job,)) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(k.startswith("crash") for k in outcomes), outcomes
    assert sum(outcomes.values()) == len(jobs), outcomes
    return outcomes


def moves(complaint: Complaint) -> list[tuple[str, str]]:
    return list(
        ComplaintTransition.objects.filter(complaint=complaint)
        .exclude(from_status="")
        .values_list("from_status", "to_status")
    )


def test_eight_officers_accepting_one_complaint(cast, make_complaint):
    complaint = make_complaint(S.REGISTERED)
    outcomes = race(
        [lambda: services.complaint_accept(complaint=complaint, actor=cast.officer)] * THREADS
    )
    assert outcomes == Counter({"won": 1, "InvalidTransition": THREADS - 1})
    assert moves(complaint) == [(S.REGISTERED, S.ACCEPTED)]


def test_accepting_and_rejecting_at_once(cast, make_complaint):
    """受理 and 不予受理 pressed together: the case is one or the other, never half of both."""
    complaint = make_complaint(S.REGISTERED)
    jobs = [
        lambda: services.complaint_accept(complaint=complaint, actor=cast.officer),
        lambda: services.complaint_reject(complaint=complaint, actor=cast.officer, reason="重复"),
    ] * (THREADS // 2)
    outcomes = race(jobs)
    assert outcomes == Counter({"won": 1, "InvalidTransition": THREADS - 1})
    complaint.refresh_from_db()
    assert moves(complaint) == [(S.REGISTERED, complaint.status)]
    # The row agrees with the one move that happened: nothing half-applied by a loser.
    assert bool(complaint.rejection_reason) == (complaint.status == S.REJECTED)
    assert (complaint.accepted_at is not None) == (complaint.status == S.ACCEPTED)
    assert (complaint.closed_at is not None) == (complaint.status == S.REJECTED)


def test_unit_answering_while_asking_for_rerouting(cast, make_complaint):
    """Four answers and four re-routing requests from the unit: one of them happens."""
    complaint = make_complaint(S.ASSIGNED)

    def answer(n):
        return lambda: services.complaint_answer(
            complaint=complaint,
            actor=cast.head_a,
            facts=f"核查结果{n}",
            verdict=Complaint.Verdict.PARTLY,
            measures="约谈",
            public_reply=f"答复{n}",
        )

    def reroute(n):
        return lambda: services.complaint_request_reroute(
            complaint=complaint, actor=cast.head_a, reason=f"非本单位职责{n}"
        )

    outcomes = race([answer(n) if n % 2 else reroute(n) for n in range(THREADS)])
    assert outcomes == Counter({"won": 1, "InvalidTransition": THREADS - 1})
    complaint.refresh_from_db()
    assert moves(complaint)[-1] == (S.ASSIGNED, complaint.status)
    assert len(moves(complaint)) == 3  # accept, assign … and exactly one more
    if complaint.status == S.ANSWERED:
        # The facts and the reply come from the same (winning) answer: no mixed update.
        assert complaint.facts.removeprefix("核查结果") == complaint.public_reply.removeprefix(
            "答复"
        )


def test_officers_rerouting_to_different_units_at_once(
    cast, make_complaint, django_capture_on_commit_callbacks
):
    """转办: eight officers re-route one case, half to each unit; one assignment stands and
    only the winning unit is told."""
    complaint = make_complaint(S.REROUTE_REQUESTED)
    Notification.objects.all().delete()
    units = [cast.dept_a, cast.dept_b]
    outcomes = race(
        [
            lambda u=units[n % 2]: services.complaint_assign(
                complaint=complaint, unit=u, actor=cast.officer
            )
            for n in range(THREADS)
        ]
    )
    assert outcomes == Counter({"won": 1, "InvalidTransition": THREADS - 1})
    complaint.refresh_from_db()
    last = ComplaintTransition.objects.filter(complaint=complaint).order_by("-pk").first()
    assert (last.from_status, last.to_status) == (S.REROUTE_REQUESTED, S.ASSIGNED)
    assert last.comment.startswith(complaint.unit.name)
    head = cast.head_a if complaint.unit == cast.dept_a else cast.head_b
    other = cast.head_b if head == cast.head_a else cast.head_a
    assert Notification.objects.filter(recipient=head).count() == 1
    assert not Notification.objects.filter(recipient=other).exists()


def test_complainant_rating_twice_at_once(cast, make_complaint):
    """Satisfied and unsatisfied from two tabs: closed or reopened, never both."""
    complaint = make_complaint(S.RETURN_VISIT)
    satisfaction = [Complaint.Satisfaction.SATISFIED, Complaint.Satisfaction.UNSATISFIED]
    outcomes = race(
        [
            lambda s=satisfaction[n % 2]: services.complaint_rate(
                complaint=complaint, satisfaction=s
            )
            for n in range(THREADS)
        ]
    )
    assert outcomes == Counter({"won": 1, "InvalidTransition": THREADS - 1})
    complaint.refresh_from_db()
    assert complaint.reopen_count == (1 if complaint.status == S.ASSIGNED else 0)
    assert (complaint.closed_at is not None) == (complaint.status == S.CLOSED)


def test_extension_requests_at_once(cast, make_complaint):
    complaint = make_complaint(S.ASSIGNED)
    new = complaint.deadline + datetime.timedelta(days=7)
    outcomes = race(
        [
            lambda: services.extension_request_create(
                complaint=complaint, actor=cast.head_a, new_deadline=new, reason="需要补充调查"
            )
        ]
        * THREADS
    )
    assert outcomes == Counter({"won": 1, "ValidationError": THREADS - 1})
    assert ExtensionRequest.objects.filter(complaint=complaint).count() == 1


def test_closing_and_rejecting_a_closure_at_once(cast, make_item):
    """销号: four officers close, four reject the evidence; one decision stands."""
    item = make_item(RectificationItem.Status.CLOSURE_REQUESTED)
    jobs = [
        (
            lambda n=n: campaign_services.item_close(
                item=item, actor=cast.officer, verification_note=f"核查{n}"
            )
        )
        if n % 2
        else (
            lambda n=n: campaign_services.item_reject_closure(
                item=item, actor=cast.officer, reason=f"佐证不足{n}"
            )
        )
        for n in range(THREADS)
    ]
    outcomes = race(jobs)
    assert outcomes == Counter({"won": 1, "InvalidTransition": THREADS - 1})
    item.refresh_from_db()
    decisions = RectificationTransition.objects.filter(
        item=item, from_status=RectificationItem.Status.CLOSURE_REQUESTED
    )
    assert decisions.count() == 1 and decisions.get().to_status == item.status
    assert (item.closed_at is not None) == (item.status == RectificationItem.Status.CLOSED)


def test_losers_through_the_views_read_chinese(cast, make_complaint, make_item):
    """Two officers press 受理 and two press 销号 at once in their browsers."""
    complaint = make_complaint(S.REGISTERED)
    item = make_item(RectificationItem.Status.CLOSURE_REQUESTED)
    officers = [client_as(cast.officer) for _ in range(4)]
    responses: dict[str, list] = {"complaint": [], "item": []}

    def press(client, kind):
        if kind == "complaint":
            url = reverse("complaints:act", args=[complaint.pk, "accept"])
            response = client.post(url, {"comment": ""})
        else:
            url = reverse("campaign:item_action", args=[item.pk, "close"])
            response = client.post(url, {"verification_note": "现场核查属实"}, follow=True)
        responses[kind].append(response)

    race(
        [
            lambda c=c, k=k: press(c, k)
            for c, k in zip(officers, ["complaint", "item"] * 2, strict=True)
        ]
    )
    statuses = sorted(r.status_code for r in responses["complaint"])
    assert statuses == [302, 400], statuses
    loser = next(r for r in responses["complaint"] if r.status_code == 400).content.decode()
    assert "不能从“" in loser, loser[-3000:]
    # The winner follows the redirect to the page; the loser gets the page again as a 400.
    assert sorted(r.status_code for r in responses["item"]) == [200, 400]
    loser = next(r for r in responses["item"] if r.status_code == 400).content.decode()
    assert "不能从“" in loser, "the second officer must be told why"
    assert RectificationTransition.objects.filter(item=item, to_status="closed").count() == 1
