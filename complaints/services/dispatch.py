"""派单目录 (the dispatch catalogue) and the officer's decision on a 派单异议.

The catalogue maps a complaint category to the unit responsible for it, optionally for an
area (complaints about units within a subtree); routing proposes its unit as the lead unit
(complaints.selectors.suggested_unit). Every change to an entry is a transition record:
created, edited (what changed, from and to), retired.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from complaints.models import (
    Complaint,
    ComplaintCategory,
    ComplaintPart,
    DispatchDispute,
    DispatchRule,
    DispatchRuleTransition,
)
from complaints.permissions import require_assign_to, require_edit_rule, require_handle
from complaints.services.cohandling import lock_part, notify_part_unit
from complaints.services.disputes import dispute_settle
from complaints.services.handling import complaint_assign, lock_case
from complaints.services.notices import notify_unit
from units.models import Notification, Unit
from units.transitions import record_transition, transition
from units.types import AnyUser
from units.workdays import add_working_days

# --- 派单目录 ---------------------------------------------------------------------------------


def _rule_checks(*, category: ComplaintCategory, unit: Unit, area: Unit | None) -> None:
    if not unit.is_active:
        raise ValidationError({"unit": _("The unit is archived.")})
    if area is not None and not area.is_active:
        raise ValidationError({"area": _("The unit is archived.")})
    if not category.is_active:
        raise ValidationError({"category": _("The category is no longer in use.")})


def _area_label(area: Unit | None) -> str:
    return area.name if area is not None else _("Whole jurisdiction")


def _save_rule(rule: DispatchRule, fields: list[str] | None = None) -> None:
    taken = ValidationError(
        {
            "area": _(
                "The catalogue already has an entry in force for this category and area: "
                "edit that one, or retire it first."
            )
        }
    )
    # The constraint refuses a second entry in force on PostgreSQL, two sessions at once
    # included; SQLite (the trial deployment) cannot hold it for the county-wide entry (its
    # area is NULL), so the same rule is also checked here, first.
    if (
        rule.status == DispatchRule.Status.ACTIVE
        and DispatchRule.objects.filter(
            category_id=rule.category_id, area_id=rule.area_id, status=DispatchRule.Status.ACTIVE
        )
        .exclude(pk=rule.pk)
        .exists()
    ):
        raise taken
    try:
        with transaction.atomic():
            rule.save(update_fields=fields) if fields else rule.save()
    except IntegrityError:
        raise taken from None


def rule_create(
    *, category: ComplaintCategory, unit: Unit, area: Unit | None, note: str = "", actor: AnyUser
) -> DispatchRule:
    """A new catalogue entry in force (recorded as created)."""
    rule = DispatchRule(  # type: ignore[misc]  # staff, checked by require_*
        category=category, unit=unit, area=area, note=note.strip(), created_by=actor
    )
    require_edit_rule(actor, rule)
    _rule_checks(category=category, unit=unit, area=area)
    with transaction.atomic():
        _save_rule(rule)
        record_transition(
            record_model=DispatchRuleTransition,
            subject_field="rule",
            subject=rule,
            from_status="",
            to_status=DispatchRule.Status.ACTIVE,
            actor=actor,
            comment=_("Created: %(category)s · %(area)s → %(unit)s")
            % {"category": category.name, "area": _area_label(area), "unit": unit.name},
        )
    return rule


def rule_update(
    *,
    rule: DispatchRule,
    category: ComplaintCategory,
    unit: Unit,
    area: Unit | None,
    note: str = "",
    actor: AnyUser,
) -> DispatchRule:
    """Edit an entry in force; the record says what changed, from what to what."""
    with transaction.atomic():
        locked = (
            DispatchRule.objects.select_related("category", "unit", "area")
            .select_for_update(of=("self",))
            .get(pk=rule.pk)
        )
        require_edit_rule(actor, locked)
        if locked.status != DispatchRule.Status.ACTIVE:
            raise ValidationError(_("A retired entry cannot be changed."))
        _rule_checks(category=category, unit=unit, area=area)
        changes = []
        if locked.category_id != category.pk:
            changes.append(f"{_('Category')}：{locked.category.name} → {category.name}")
        if locked.area_id != (area.pk if area else None):
            changes.append(f"{_('Area')}：{_area_label(locked.area)} → {_area_label(area)}")
        if locked.unit_id != unit.pk:
            changes.append(f"{_('Responsible unit')}：{locked.unit.name} → {unit.name}")
        if locked.note != note.strip():
            changes.append(f"{_('Basis')}：{locked.note or '—'} → {note.strip() or '—'}")
        if not changes:
            return locked
        locked.category, locked.unit, locked.area, locked.note = category, unit, area, note.strip()
        # The new values must be the actor's to set too (an area outside their jurisdiction).
        require_edit_rule(actor, locked)
        _save_rule(locked, ["category", "unit", "area", "note", "updated_at"])
        record_transition(
            record_model=DispatchRuleTransition,
            subject_field="rule",
            subject=locked,
            from_status=locked.status,
            to_status=locked.status,
            actor=actor,
            comment="；".join(changes),
        )
    return locked


def rule_retire(*, rule: DispatchRule, actor: AnyUser, reason: str) -> DispatchRule:
    """Retire an entry (kept with its history; routing no longer proposes it)."""
    reason = reason.strip()
    if not reason:
        raise ValidationError({"comment": _("Say why the entry is retired.")})
    return transition(
        rule,
        target=DispatchRule.Status.RETIRED,
        actor=actor,
        comment=reason,
        queryset=DispatchRule.objects.select_related("unit", "area"),
        check=lambda row: require_edit_rule(actor, row),
    )


# --- 派单异议: the officer's decision ---------------------------------------------------------


def dispute_decide(
    *,
    dispute: DispatchDispute,
    actor: AnyUser,
    uphold: bool,
    unit: Unit | None = None,
    note: str = "",
) -> DispatchDispute:
    """Uphold the dispatch (the case or part goes back to the unit) or re-dispatch it to
    another unit; both recorded on the dispute and on the case or part."""
    note = note.strip()
    if not uphold and unit is None:
        raise ValidationError({"unit": _("Choose the unit to dispatch to.")})
    if uphold and not note:
        raise ValidationError({"note": _("Tell the unit why the dispatch stands.")})
    if not uphold and unit is not None and unit.pk == dispute.unit_id:
        raise ValidationError({"unit": _("Choose another unit, or uphold the dispatch.")})
    if dispute.part_id is None:
        _decide_lead(dispute=dispute, actor=actor, uphold=uphold, unit=unit, note=note)
    else:
        _decide_part(dispute=dispute, actor=actor, uphold=uphold, unit=unit, note=note)
    return DispatchDispute.objects.get(pk=dispute.pk)


def _pending_or_refuse(dispute: DispatchDispute) -> None:
    current = DispatchDispute.objects.select_for_update().get(pk=dispute.pk)
    if current.status != DispatchDispute.Status.PENDING:
        raise ValidationError(_("This dispute has already been decided."))


def _decide_lead(
    *, dispute: DispatchDispute, actor: AnyUser, uphold: bool, unit: Unit | None, note: str
) -> None:
    with transaction.atomic():
        locked = lock_case(dispute.complaint)
        require_handle(actor, locked)
        _pending_or_refuse(dispute)
        if not uphold:
            # complaint_assign settles the dispute as re-dispatched, with its own record.
            complaint_assign(complaint=locked, unit=unit, actor=actor, instructions=note)  # type: ignore[arg-type]
            return
        moved = transition(
            locked,
            locked=True,
            target=Complaint.Status.ASSIGNED,
            actor=actor,
            comment=_("Dispute not accepted: the case stays with %(unit)s") % {"unit": locked.unit}
            + f" · {note}",
        )
        dispute_settle(complaint=moved, part=None, actor=actor, new_unit=None, note=note)
        notify_unit(
            moved,
            kind=Notification.Kind.RETURNED,
            title=_("Complaint %(number)s: your dispute was not accepted, the case stays with you")
            % {"number": moved.number},
            object_suffix=f":dispute:{dispute.pk}:upheld",
        )


def _decide_part(
    *, dispute: DispatchDispute, actor: AnyUser, uphold: bool, unit: Unit | None, note: str
) -> None:
    with transaction.atomic():
        complaint = lock_case(dispute.complaint)
        require_handle(actor, complaint)
        _pending_or_refuse(dispute)
        part = lock_part(dispute.part)  # type: ignore[arg-type]
        if uphold:
            moved = transition(
                part,
                locked=True,
                target=ComplaintPart.Status.ASSIGNED,
                actor=actor,
                comment=_("Dispute not accepted: the part stays with %(unit)s")
                % {"unit": part.unit.name}
                + f" · {note}",
            )
            dispute_settle(complaint=complaint, part=moved, actor=actor, new_unit=None, note=note)
            notify_part_unit(
                moved,
                title=_(
                    "Complaint %(number)s: your dispute was not accepted, the part stays with you"
                )
                % {"number": complaint.number},
                suffix=f"dispute:{dispute.pk}:upheld",
            )
            return
        assert unit is not None
        require_assign_to(actor, unit)
        if not unit.is_active:
            raise ValidationError({"unit": _("The unit is archived.")})
        if unit.pk == complaint.unit_id:
            raise ValidationError({"unit": _("The lead unit cannot also co-handle the case.")})
        if complaint.parts.filter(unit=unit, status__in=ComplaintPart.OUTSTANDING).exists():
            raise ValidationError({"unit": _("This unit already has a part of the case.")})
        old = part.unit
        moved = transition(
            part,
            locked=True,
            target=ComplaintPart.Status.ASSIGNED,
            actor=actor,
            comment=f"{old.name} → {unit.name}" + (f" · {note}" if note else ""),
            fields={
                "unit": unit,
                "assigned_at": timezone.now(),
                "deadline": add_working_days(timezone.localdate(), part.working_days),
            },
        )
        dispute_settle(complaint=complaint, part=moved, actor=actor, new_unit=unit, note=note)
        notify_part_unit(
            moved,
            title=_("Complaint %(number)s: your unit is asked to co-handle a part")
            % {"number": complaint.number},
            suffix=f"redispatched:{dispute.pk}",
        )
