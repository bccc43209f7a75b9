"""整改回头看: officers re-check closed items in the summary phase; a relapse reopens the item.

Opening draws the items (all, of chosen units, or a seeded sample drawn in the database) and
writes one entry per item with its record. Each entry is then confirmed (巩固) or found
relapsed (反弹): a relapse moves the item closed → in progress through
units.transitions.transition, with a new deadline counted in working days.
"""

from __future__ import annotations

import datetime
import secrets
from collections.abc import Callable, Sequence

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from campaign import permissions, recheck_selectors
from campaign.models import Campaign, Recheck, RecheckEntry, RecheckEntryTransition
from campaign.models import RectificationItem as Item
from campaign.services._common import item_recipients, item_url, require_under_way, who
from units.models import Notification, Unit
from units.notifications import notification_send
from units.selectors import OVERSEE, unit_scope_q
from units.transitions import record_transitions, transition
from units.types import AnyUser
from units.workdays import add_working_days

Scope = Recheck.Scope
Entry = RecheckEntry.Status
# A relapse's new deadline: at least one working day, at most about a year of them.
MAX_WORKING_DAYS = 250


def _require_summary_phase(campaign: Campaign, today: datetime.date) -> None:
    message = _(
        "A re-check (回头看) can be opened only while the campaign is under way and in its "
        "summary phase; today is not in it."
    )
    require_under_way(campaign, message)
    if recheck_selectors.summary_phase(campaign=campaign, today=today) is None:
        raise ValidationError(message)


def _require_oversee_units(actor: AnyUser, units: Sequence[Unit]) -> None:
    """Every chosen unit lies in the actor's jurisdiction (one query)."""
    ids = {unit.pk for unit in units}
    overseen = Unit.objects.filter(unit_scope_q(user=actor, codename=OVERSEE), pk__in=ids)
    if overseen.count() != len(ids):
        raise ValidationError(
            {"units": _("Choose only units within your jurisdiction as inspection staff.")}
        )


def recheck_open(
    *,
    campaign: Campaign,
    actor: AnyUser,
    scope: str,
    units: Sequence[Unit] = (),
    sample_size: int | None = None,
    seed: str = "",
    note: str = "",
    today: datetime.date | None = None,
) -> Recheck:
    """Open a re-check of closed items: all, those of `units`, or a seeded random sample."""
    permissions.require_manage_campaigns(actor)
    today = today or timezone.localdate()
    if scope not in Scope.values:
        raise ValidationError({"scope": _("Choose what to re-check.")})
    _require_summary_phase(campaign, today)
    units = list(units)
    if scope == Scope.UNITS:
        if not units:
            raise ValidationError({"units": _("Choose at least one unit to re-check.")})
        _require_oversee_units(actor, units)
    else:
        units = []
    seed = (seed or "").strip()
    if scope == Scope.SAMPLE:
        if sample_size is None or sample_size < 1:
            raise ValidationError({"sample_size": _("The sample size must be at least 1.")})
        seed = seed or secrets.token_hex(8)
    else:
        sample_size, seed = None, ""
    with transaction.atomic():
        # The campaign row lock: two officers drawing at once do not draw the same items.
        Campaign.objects.select_for_update().filter(pk=campaign.pk).first()
        population = recheck_selectors.recheck_population(
            user=actor, campaign=campaign, units=units if scope == Scope.UNITS else None
        )
        size = population.count()
        if size == 0:
            raise ValidationError(
                _("There are no closed items in your jurisdiction left to re-check.")
            )
        if scope == Scope.SAMPLE:
            assert sample_size is not None
            if sample_size > size:
                raise ValidationError(
                    {
                        "sample_size": _(
                            "The sample size (%(size)s) is larger than the %(population)s "
                            "closed items that can be re-checked."
                        )
                        % {"size": sample_size, "population": size}
                    }
                )
            item_ids = recheck_selectors.draw_sample(
                population=population, seed=seed, size=sample_size
            )
        else:
            item_ids = list(population.order_by("pk").values_list("pk", flat=True))
        recheck = Recheck.objects.create(
            campaign=campaign,
            scope=scope,
            sample_size=sample_size,
            seed=seed,
            population=size,
            note=(note or "").strip(),
            opened_by=who(actor),
        )
        if units:
            recheck.units.set(units)
        entries = RecheckEntry.objects.bulk_create(
            [RecheckEntry(recheck=recheck, item_id=pk) for pk in item_ids], batch_size=1000
        )
        record_transitions(
            record_model=RecheckEntryTransition,
            subject_field="entry",
            subjects=entries,
            from_status="",
            to_status=Entry.PENDING,
            actor=actor,
        )
    return recheck


def _check_decider(actor: AnyUser) -> Callable[[RecheckEntry], None]:
    """Who may decide: staff overseeing the item's unit, while the campaign is under way."""

    def check(entry: RecheckEntry) -> None:
        permissions.require_oversee(actor, entry.item.unit)
        require_under_way(
            entry.recheck.campaign,
            _("The campaign is no longer under way; its re-checks cannot be decided."),
        )

    return check


_ENTRY_ROWS = RecheckEntry.objects.select_related("item__unit", "recheck__campaign")


def recheck_entry_confirm(*, entry: RecheckEntry, actor: AnyUser, note: str) -> RecheckEntry:
    """巩固: the rectification holds; the item stays closed."""
    note = (note or "").strip()
    if not note:
        raise ValidationError({"note": _("Record what the re-check found.")})
    return transition(
        entry,
        target=Entry.CONFIRMED,
        actor=actor,
        comment=note,
        fields={"note": note, "decided_by": who(actor), "decided_at": timezone.now()},
        queryset=_ENTRY_ROWS,
        check=_check_decider(actor),
    )


def recheck_entry_relapse(
    *,
    entry: RecheckEntry,
    actor: AnyUser,
    reason: str,
    working_days: int,
    today: datetime.date | None = None,
) -> RecheckEntry:
    """反弹: the problem is back. The item is reopened (closed → in progress) with a new
    deadline `working_days` working days from today, and the unit is told."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Give the reason the problem is found relapsed.")})
    if working_days is None or not 1 <= working_days <= MAX_WORKING_DAYS:
        raise ValidationError(
            {
                "working_days": _("Give between 1 and %(max)s working days to rectify.")
                % {"max": MAX_WORKING_DAYS}
            }
        )
    today = today or timezone.localdate()
    deadline = add_working_days(today, working_days)
    with transaction.atomic():
        moved = transition(
            entry,
            target=Entry.RELAPSED,
            actor=actor,
            comment=reason,
            fields={
                "note": reason,
                "new_deadline": deadline,
                "decided_by": who(actor),
                "decided_at": timezone.now(),
            },
            queryset=_ENTRY_ROWS,
            check=_check_decider(actor),
        )
        comment = _("Relapse found by re-check (回头看): %(reason)s") % {"reason": reason}

        def tell(item: Item) -> None:
            notification_send(
                recipients=item_recipients(item),
                kind=Notification.Kind.RETURNED,
                title=_("Rectification item relapsed and reopened: %(problem)s")
                % {"problem": str(item)},
                body=reason,
                url=item_url(item),
                object_key=f"campaign.item:{item.pk}:relapsed:{moved.pk}",
                deadline=item.deadline,
            )

        transition(
            moved.item,
            target=Item.Status.IN_PROGRESS,
            actor=actor,
            comment=comment,
            fields={
                "deadline": deadline,
                "closed_at": None,
                "closed_by": None,
                "return_reason": reason,
            },
            queryset=Item.objects.select_related("unit", "responsible_user"),
            after_commit=tell,
        )
    return moved
