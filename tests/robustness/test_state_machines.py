"""Hypothesis drives the complaint and rectification machines with random actors.

Each step picks an action and a member of the cast (or nobody). An oracle written from the
spec (the transition maps and who may do what) says whether the move is legal:
- a legal move must succeed and leave exactly one transition record (actor, from, to);
- an illegal one (wrong state or wrong person) must raise and change nothing at all;
- after every step, the figures the selectors and dashboards show equal counts from the
  table, and closing timestamps agree with the state.
Only the services are called, as the views and imports do.
"""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, F, OuterRef, Q, Subquery
from django.forms.models import model_to_dict
from django.utils import timezone
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    RuleBasedStateMachine,
    invariant,
    rule,
    run_state_machine_as_test,
)

from campaign import selectors as campaign_selectors
from campaign import services as campaign_services
from campaign.models import RectificationItem, RectificationTransition
from complaints import selectors as complaint_selectors
from complaints import services as complaint_services
from complaints.identity import Identity
from complaints.models import Complaint, ComplaintTransition
from tests.conftest import IN_CI
from units.transitions import InvalidTransition

REFUSALS = (InvalidTransition, PermissionDenied, ValidationError)
ROLES = ["officer", "leader", "head_a", "head_b", "in_charge", "evaluator", "outsider", None]
# Half the time the person whose move it is acts, so the machines get deep into their states.
RIGHTFUL = "rightful"
ANY_ROLE = st.one_of(st.just(RIGHTFUL), st.sampled_from(ROLES))

# In CI: ≥ 2,000 steps in all, the same sequences every run (derandomized, no example
# database), so a failure there is reproducible locally with CI=true.
EXAMPLES = 40 if IN_CI else 8
STEPS = 30
MIN_STEPS_PER_MACHINE = 1000 if IN_CI else 100


def machine_settings() -> settings:
    return settings(
        max_examples=EXAMPLES,
        stateful_step_count=STEPS,
        deadline=None,
        derandomize=IN_CI,
        database=None,
        suppress_health_check=list(HealthCheck),
        print_blob=True,
    )


def snapshot(obj) -> dict:
    obj.refresh_from_db()
    return model_to_dict(obj) | {"updated": getattr(obj, "updated_at", None)}


class Checked:
    """Shared by both machines: call a service, then judge it against the oracle."""

    cast = None
    steps = 0
    accepted = 0

    def actor(self, role):
        from django.contrib.auth.models import AnonymousUser

        return AnonymousUser() if role is None else getattr(self.cast, role)

    def attempt(self, obj, records, legal: bool, target: str | None, role, call) -> None:
        type(self).steps += 1
        before_state = snapshot(obj)
        before_count = records.count()
        if legal:
            type(self).accepted += 1
            call()
            obj.refresh_from_db()
            assert obj.status == target, (obj.status, target)
            new = list(records.order_by("-pk")[: records.count() - before_count])
            assert len(new) == 1, f"expected one transition record, got {len(new)}"
            record = new[0]
            assert (record.from_status, record.to_status) == (before_state["status"], target)
            expected_actor = None if role is None else self.actor(role)
            assert record.actor_id == (expected_actor.pk if expected_actor else None)
        else:
            with pytest.raises(REFUSALS):
                call()
            assert snapshot(obj) == before_state, "a refused move changed the row"
            assert records.count() == before_count, "a refused move wrote a transition"


# --- Complaints -----------------------------------------------------------------------------

S = Complaint.Status


class ComplaintMachine(Checked, RuleBasedStateMachine):
    complaints = Bundle("complaints")

    def head_of(self, unit):
        return {self.cast.dept_a.pk: "head_a", self.cast.dept_b.pk: "head_b"}.get(unit.pk)

    @rule(target=complaints, named=st.booleans(), against_b=st.booleans())
    def submit(self, named, against_b):
        type(self).steps += 1
        unit = self.cast.dept_b if against_b else self.cast.dept_a
        complaint = complaint_services.complaint_submit(
            channel=Complaint.Channel.WEB,
            title="窗口办事推诿",
            content="反映办事拖延。",
            subject_unit=unit,
            identity=Identity(name="随机投诉人", phone="13000000000") if named else None,
        )
        assert complaint.transitions.count() == 1
        return complaint

    def _go(self, complaint, *, role, allowed_from, who, target, call):
        complaint.refresh_from_db()
        if role == RIGHTFUL:
            rightful = {"handler": "officer", "rater": None}
            role = (
                rightful[who]
                if who in rightful
                else self.head_of(complaint.unit or complaint.subject_unit)
            )
        if who == "handler":
            permitted = role == "officer"
        elif who == "unit":
            permitted = complaint.unit is not None and role == self.head_of(complaint.unit)
        else:  # the complainant (nobody) or staff
            permitted = role in (None, "officer")
        legal = permitted and complaint.status in allowed_from
        self.attempt(
            complaint,
            ComplaintTransition.objects.filter(complaint=complaint),
            legal,
            target,
            role,
            lambda: call(self.actor(role) if role is not None or who != "rater" else None),
        )

    @rule(complaint=complaints, role=ANY_ROLE)
    def accept(self, complaint, role):
        self._go(
            complaint,
            role=role,
            allowed_from={S.REGISTERED},
            who="handler",
            target=S.ACCEPTED,
            call=lambda a: complaint_services.complaint_accept(complaint=complaint, actor=a),
        )

    @rule(complaint=complaints, role=ANY_ROLE)
    def reject(self, complaint, role):
        self._go(
            complaint,
            role=role,
            allowed_from={S.REGISTERED},
            who="handler",
            target=S.REJECTED,
            call=lambda a: complaint_services.complaint_reject(
                complaint=complaint, actor=a, reason="不属于受理范围"
            ),
        )

    @rule(complaint=complaints, role=ANY_ROLE, to_b=st.booleans())
    def assign(self, complaint, role, to_b):
        unit = self.cast.dept_b if to_b else self.cast.dept_a
        self._go(
            complaint,
            role=role,
            allowed_from={S.ACCEPTED, S.REROUTE_REQUESTED},
            who="handler",
            target=S.ASSIGNED,
            call=lambda a: complaint_services.complaint_assign(
                complaint=complaint, unit=unit, actor=a
            ),
        )

    @rule(complaint=complaints, role=ANY_ROLE)
    def reroute(self, complaint, role):
        self._go(
            complaint,
            role=role,
            allowed_from={S.ASSIGNED, S.SENT_BACK},
            who="unit",
            target=S.REROUTE_REQUESTED,
            call=lambda a: complaint_services.complaint_request_reroute(
                complaint=complaint, actor=a, reason="非本单位职责"
            ),
        )

    @rule(complaint=complaints, role=ANY_ROLE)
    def answer(self, complaint, role):
        self._go(
            complaint,
            role=role,
            allowed_from={S.ASSIGNED, S.SENT_BACK},
            who="unit",
            target=S.ANSWERED,
            call=lambda a: complaint_services.complaint_answer(
                complaint=complaint,
                actor=a,
                facts="经查属实",
                verdict=Complaint.Verdict.SUBSTANTIATED,
                measures="批评教育",
                public_reply="已整改",
            ),
        )

    @rule(complaint=complaints, role=ANY_ROLE, approve=st.booleans())
    def review(self, complaint, role, approve):
        self._go(
            complaint,
            role=role,
            allowed_from={S.ANSWERED},
            who="handler",
            target=S.RETURN_VISIT if approve else S.SENT_BACK,
            call=lambda a: complaint_services.complaint_review(
                complaint=complaint, actor=a, approve=approve, note="" if approve else "事实不清"
            ),
        )

    @rule(
        complaint=complaints,
        role=ANY_ROLE,
        satisfaction=st.sampled_from(Complaint.Satisfaction.values),
    )
    def rate(self, complaint, role, satisfaction):
        unsatisfied = satisfaction == Complaint.Satisfaction.UNSATISFIED
        self._go(
            complaint,
            role=role,
            allowed_from={S.RETURN_VISIT},
            who="rater",
            target=S.ASSIGNED if unsatisfied else S.CLOSED,
            call=lambda a: complaint_services.complaint_rate(
                complaint=complaint, satisfaction=satisfaction, actor=a
            ),
        )

    @rule(complaint=complaints, role=ANY_ROLE)
    def close(self, complaint, role):
        self._go(
            complaint,
            role=role,
            allowed_from={S.RETURN_VISIT},
            who="handler",
            target=S.CLOSED,
            call=lambda a: complaint_services.complaint_close(
                complaint=complaint, actor=a, comment="多次联系未果，予以办结"
            ),
        )

    @rule(complaint=complaints, into=complaints, role=ANY_ROLE)
    def merge(self, complaint, into, role):
        into.refresh_from_db()
        if into.pk == complaint.pk or into.status == S.MERGED:
            allowed_from: set[str] = set()  # merging into itself or into a duplicate: refused
        else:
            allowed_from = {S.REGISTERED, S.ACCEPTED}
        self._go(
            complaint,
            role=role,
            allowed_from=allowed_from,
            who="handler",
            target=S.MERGED,
            call=lambda a: complaint_services.complaint_merge(
                complaint=complaint, into=into, actor=a
            ),
        )

    @rule(complaint=complaints, pick=st.integers(0, 2))
    def advance(self, complaint, pick):
        """The move the case is waiting for, by the person it waits on."""
        complaint.refresh_from_db()
        moves = {
            S.REGISTERED: [self.accept, self.accept, self.reject],
            S.ACCEPTED: [lambda c, r: self.assign(c, r, False)],
            S.ASSIGNED: [self.answer, self.answer, self.reroute],
            S.REROUTE_REQUESTED: [lambda c, r: self.assign(c, r, True)],
            S.ANSWERED: [
                lambda c, r: self.review(c, r, True),
                lambda c, r: self.review(c, r, False),
            ],
            S.SENT_BACK: [self.answer, self.reroute],
            S.RETURN_VISIT: [
                lambda c, r: self.rate(c, r, Complaint.Satisfaction.SATISFIED),
                lambda c, r: self.rate(c, r, Complaint.Satisfaction.UNSATISFIED),
                self.close,
            ],
        }.get(complaint.status)
        if moves:
            moves[pick % len(moves)](complaint, RIGHTFUL)

    @rule(complaint=complaints, pick=st.integers(0, 2))
    def advance_again(self, complaint, pick):
        # A second entry for the same rule: forward moves twice as often as any other rule.
        self.advance(complaint, pick)

    @invariant()
    def figures_match_the_table(self):
        if self.cast is None:
            return
        table = Complaint.objects
        final, open_ = (
            Q(status__in=Complaint.FINAL_STATUSES),
            ~Q(status__in=Complaint.FINAL_STATUSES),
        )
        truth = table.aggregate(
            unmerged=Count("pk", filter=~Q(status=S.MERGED)),
            closed=Count("pk", filter=Q(status=S.CLOSED)),
            accepted=Count("pk", filter=~Q(status__in=[S.REGISTERED, S.REJECTED, S.MERGED])),
            open=Count("pk", filter=open_),
            # Final cases have a closing time, open ones none.
            bad_times=Count(
                "pk",
                filter=(final & Q(closed_at__isnull=True)) | (open_ & Q(closed_at__isnull=False)),
            ),
        )
        rows = complaint_selectors.figures(user=self.cast.officer, by="channel")
        shown = {k: sum(r[k] for r in rows) for k in ("total", "closed", "accepted")}
        assert shown == {
            "total": truth["unmerged"],
            "closed": truth["closed"],
            "accepted": truth["accepted"],
        }
        listed = complaint_selectors.complaint_list(
            user=self.cast.officer, status="open", search=""
        )
        assert listed.count() == truth["open"]
        assert truth["bad_times"] == 0
        # Every case's last real move is its state (one query, whatever the number of cases).
        last = (
            ComplaintTransition.objects.filter(complaint=OuterRef("pk"))
            .exclude(from_status=F("to_status"))
            .order_by("-pk")
            .values("to_status")[:1]
        )
        assert not table.annotate(last=Subquery(last)).exclude(last=F("status")).exists()


# --- Rectification items ----------------------------------------------------------------------

I = RectificationItem.Status  # noqa: E741


class ItemMachine(Checked, RuleBasedStateMachine):
    items = Bundle("items")
    campaign = None

    def acts_for(self, item):
        return {self.cast.dept_a.pk: "head_a", self.cast.dept_b.pk: "head_b"}[item.unit_id]

    @rule(target=items, in_b=st.booleans(), role=ANY_ROLE)
    def create(self, in_b, role):
        type(self).steps += 1
        unit = self.cast.dept_b if in_b else self.cast.dept_a
        owner = "head_b" if in_b else "head_a"
        role = owner if role == RIGHTFUL else role
        deadline = timezone.localdate() + datetime.timedelta(days=60)
        count = RectificationItem.objects.count()
        if role != owner:
            with pytest.raises(REFUSALS):
                campaign_services.item_create(
                    campaign=self.campaign,
                    unit=unit,
                    actor=self.actor(role),
                    problem="窗口服务不规范",
                    deadline=deadline,
                )
            assert RectificationItem.objects.count() == count
            role = owner
        item = campaign_services.item_create(
            campaign=self.campaign,
            unit=unit,
            actor=self.actor(role),
            problem="窗口服务不规范",
            deadline=deadline,
        )
        assert RectificationTransition.objects.filter(item=item).count() == 1
        return item

    def _go(self, item, *, role, allowed_from, who, target, call):
        item.refresh_from_db()
        if role == RIGHTFUL:
            role = "officer" if who == "oversee" else self.acts_for(item)
        permitted = role == ("officer" if who == "oversee" else self.acts_for(item))
        self.attempt(
            item,
            RectificationTransition.objects.filter(item=item),
            permitted and item.status in allowed_from,
            target,
            role,
            lambda: call(self.actor(role)),
        )

    @rule(item=items, role=ANY_ROLE)
    def submit(self, item, role):
        self._go(
            item,
            role=role,
            allowed_from={I.DRAFT, I.RETURNED},
            who="act",
            target=I.SUBMITTED,
            call=lambda a: campaign_services.item_submit(item=item, actor=a),
        )

    @rule(item=items, role=ANY_ROLE)
    def accept(self, item, role):
        self._go(
            item,
            role=role,
            allowed_from={I.SUBMITTED},
            who="oversee",
            target=I.ACCEPTED,
            call=lambda a: campaign_services.item_accept(item=item, actor=a),
        )

    @rule(item=items, role=ANY_ROLE)
    def give_back(self, item, role):
        self._go(
            item,
            role=role,
            allowed_from={I.SUBMITTED},
            who="oversee",
            target=I.RETURNED,
            call=lambda a: campaign_services.item_return(item=item, actor=a, reason="措施不具体"),
        )

    @rule(item=items, role=ANY_ROLE)
    def start(self, item, role):
        self._go(
            item,
            role=role,
            allowed_from={I.ACCEPTED},
            who="act",
            target=I.IN_PROGRESS,
            call=lambda a: campaign_services.item_start(item=item, actor=a),
        )

    @rule(item=items, role=ANY_ROLE)
    def request_closure(self, item, role):
        self._go(
            item,
            role=role,
            allowed_from={I.IN_PROGRESS},
            who="act",
            target=I.CLOSURE_REQUESTED,
            call=lambda a: campaign_services.item_request_closure(
                item=item, actor=a, evidence="已完成整改"
            ),
        )

    @rule(item=items, role=ANY_ROLE)
    def close(self, item, role):
        self._go(
            item,
            role=role,
            allowed_from={I.CLOSURE_REQUESTED},
            who="oversee",
            target=I.CLOSED,
            call=lambda a: campaign_services.item_close(
                item=item, actor=a, verification_note="现场核查属实"
            ),
        )

    @rule(item=items, role=ANY_ROLE)
    def reject_closure(self, item, role):
        self._go(
            item,
            role=role,
            allowed_from={I.CLOSURE_REQUESTED},
            who="oversee",
            target=I.IN_PROGRESS,
            call=lambda a: campaign_services.item_reject_closure(
                item=item, actor=a, reason="佐证材料不足"
            ),
        )

    @rule(item=items, pick=st.integers(0, 1))
    def advance(self, item, pick):
        """The move the item is waiting for, by the person it waits on."""
        item.refresh_from_db()
        moves = {
            I.DRAFT: [self.submit],
            I.RETURNED: [self.submit],
            I.SUBMITTED: [self.accept, self.give_back],
            I.ACCEPTED: [self.start],
            I.IN_PROGRESS: [self.request_closure],
            I.CLOSURE_REQUESTED: [self.close, self.reject_closure],
        }.get(item.status)
        if moves:
            moves[pick % len(moves)](item, RIGHTFUL)

    @invariant()
    def ledger_and_figures_match_the_table(self):
        if self.cast is None or self.campaign is None:
            return
        officer = self.cast.officer
        mine = RectificationItem.objects.filter(campaign=self.campaign)
        a, b = self.cast.dept_a.pk, self.cast.dept_b.pk
        closed, filed = Q(status=I.CLOSED), ~Q(status=I.DRAFT)
        truth = mine.aggregate(
            all=Count("pk"),
            filed=Count("pk", filter=filed),
            closed=Count("pk", filter=closed),
            filed_a=Count("pk", filter=filed & Q(unit_id=a)),
            closed_a=Count("pk", filter=closed & Q(unit_id=a)),
            filed_b=Count("pk", filter=filed & Q(unit_id=b)),
            closed_b=Count("pk", filter=closed & Q(unit_id=b)),
            # Closed items carry who closed them and when; the others carry neither.
            bad_close=Count(
                "pk",
                filter=(closed & (Q(closed_at__isnull=True) | Q(closed_by__isnull=True)))
                | (~closed & Q(closed_at__isnull=False)),
            ),
            **{f"s_{s}": Count("pk", filter=Q(status=s)) for s in I.values},
        )
        counts = campaign_selectors.status_counts(items=mine)
        assert counts == {s: truth[f"s_{s}"] for s in I.values if truth[f"s_{s}"]}
        assert (
            campaign_selectors.ledger(user=officer, campaign=self.campaign).count() == truth["all"]
        )
        totals = campaign_selectors.campaign_totals(user=officer, campaign=self.campaign)
        assert (totals["items"], totals["closed"]) == (truth["filed"], truth["closed"])
        per_unit = {
            u.pk: (u.items, u.closed)
            for u in campaign_selectors.unit_figures(user=officer, campaign=self.campaign)
        }
        assert per_unit.get(a, (0, 0)) == (truth["filed_a"], truth["closed_a"])
        assert per_unit.get(b, (0, 0)) == (truth["filed_b"], truth["closed_b"])
        assert truth["bad_close"] == 0


# --- The tests ---------------------------------------------------------------------------------


@pytest.fixture
def machine_cast(cast):
    yield cast
    ComplaintMachine.cast = ItemMachine.cast = ItemMachine.campaign = None


def test_complaint_machine(machine_cast, robust_counts):
    ComplaintMachine.cast, ComplaintMachine.steps, ComplaintMachine.accepted = machine_cast, 0, 0
    run_state_machine_as_test(ComplaintMachine, settings=machine_settings())
    robust_counts["steps"] += ComplaintMachine.steps
    assert ComplaintMachine.steps >= MIN_STEPS_PER_MACHINE
    # Both kinds of move were really exercised, not only refusals.
    assert ComplaintMachine.accepted > ComplaintMachine.steps // 20
    if IN_CI:  # CI's fixed sequences reach the end; a few random local ones may not
        assert Complaint.objects.filter(status=S.CLOSED).exists()


def test_rectification_machine(machine_cast, campaign, robust_counts):
    ItemMachine.cast, ItemMachine.campaign = machine_cast, campaign
    ItemMachine.steps = ItemMachine.accepted = 0
    run_state_machine_as_test(ItemMachine, settings=machine_settings())
    robust_counts["steps"] += ItemMachine.steps
    assert ItemMachine.steps >= MIN_STEPS_PER_MACHINE
    assert ItemMachine.accepted > ItemMachine.steps // 20
    if IN_CI:
        assert RectificationItem.objects.filter(status=I.CLOSED).exists()
