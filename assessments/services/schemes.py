"""Every write to a scheme: create, copy, the usual rules, configure, start, publish."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from assessments import permissions, rule_kinds, scoring
from assessments.defaults import default_scheme
from assessments.models import (
    AdjustmentRule,
    AssessmentScheme,
    Component,
    GradeRule,
    Indicator,
    RecognitionRule,
)
from assessments.services.cadres import scheme_flag_cadres
from assessments.services.computing import scoring_progress
from assessments.services.results_act import scheme_act_on_results
from assessments.services.surveys import surveys_close_for_scheme
from units.transitions import transition
from units.types import AnyUser

Status = AssessmentScheme.Status
HUNDRED = Decimal("100")
WEIGHTED = (Component.SPECIAL, Component.ORGANISATIONAL)


def scheme_configuration_errors(
    *,
    weights: Mapping[str, Decimal | None],
    indicator_points: Mapping[str, Decimal],
    starting: bool = False,
) -> list[str]:
    """What is wrong with a scheme's weights and indicators (empty: nothing).

    The one check behind "start the assessment" and the admin's save: the component
    weights add up to 100, and each component's indicators' maximum points add up to 100.
    `starting` adds what only a running assessment needs: every weighted component has
    indicators to score.
    """
    errors = []
    if sum((w or Decimal("0")) for w in weights.values()) != HUNDRED:
        errors.append(_("The component weights must add up to 100."))
    for component in WEIGHTED:
        points = indicator_points.get(component)
        label = Component(component).label
        if points and points != HUNDRED:
            errors.append(
                _(
                    "The maximum points of the “%(component)s” indicators add up to "
                    "%(points)s; they must add up to 100."
                )
                % {"component": label, "points": format(points.normalize(), "f")}
            )
        elif starting and weights.get(component) and not points:
            errors.append(
                _("“%(component)s” has a weight but no indicators.") % {"component": label}
            )
    return errors


def _indicator_points(scheme: AssessmentScheme) -> dict[str, Decimal]:
    rows = scheme.indicators.order_by().values("component").annotate(total=Sum("max_points"))
    return {row["component"]: row["total"] for row in rows}


def _require_manage(actor: AnyUser | None) -> None:
    if actor is not None and not permissions.can_manage_schemes(actor):
        raise PermissionDenied(_("You may not manage assessment schemes."))


def scheme_create(
    *,
    year: int,
    name: str,
    actor: AnyUser | None,
    weight_survey: Decimal = Decimal("40"),
    weight_special: Decimal = Decimal("30"),
    weight_organisational: Decimal = Decimal("30"),
) -> AssessmentScheme:
    """A new draft scheme for a year."""
    _require_manage(actor)
    if AssessmentScheme.objects.filter(year=year).exists():
        raise ValidationError(
            {"year": _("There is already a scheme for %(year)s.") % {"year": year}}
        )
    scheme = AssessmentScheme(
        year=year,
        name=name.strip() or _("%(year)s annual work-style assessment") % {"year": year},
        weight_survey=weight_survey,
        weight_special=weight_special,
        weight_organisational=weight_organisational,
    )
    # A new scheme has no indicators yet: only its weights can be wrong.
    errors = scheme_configuration_errors(weights=scheme.weights, indicator_points={})
    if errors:
        raise ValidationError(errors)
    scheme.save()
    return scheme


def scheme_copy_from(
    *, source: AssessmentScheme, year: int, actor: AnyUser | None
) -> AssessmentScheme:
    """Copy a scheme (weights, indicators, grade, recognition and adjustment rules) to a year."""
    with transaction.atomic():
        scheme = scheme_create(
            year=year,
            name=source.name.replace(str(source.year), str(year)),
            actor=actor,
            weight_survey=source.weight_survey,
            weight_special=source.weight_special,
            weight_organisational=source.weight_organisational,
        )
        scheme.base_score = source.base_score
        scheme.public_results = source.public_results
        scheme.complaint_unit = source.complaint_unit
        scheme.commend_min_grade = source.commend_min_grade
        scheme.copied_from = source
        scheme.save(
            update_fields=[
                "base_score",
                "public_results",
                "complaint_unit",
                "commend_min_grade",
                "copied_from",
            ]
        )
        scheme.groups.set(source.groups.all())
        Indicator.objects.bulk_create(
            Indicator(
                scheme=scheme,
                component=i.component,
                name=i.name,
                description=i.description,
                max_points=i.max_points,
                sort_order=i.sort_order,
            )
            for i in source.indicators.all()
        )
        GradeRule.objects.bulk_create(
            GradeRule(scheme=scheme, grade=g.grade, min_total=g.min_total, max_share=g.max_share)
            for g in source.grade_rules.all()
        )
        RecognitionRule.objects.bulk_create(
            RecognitionRule(scheme=scheme, kind=r.kind, scope=r.scope, count=r.count)
            for r in source.recognition_rules.all()
        )
        AdjustmentRule.objects.bulk_create(
            AdjustmentRule(
                scheme=scheme,
                name=r.name,
                kind=r.kind,
                parameter=r.parameter,
                sign=r.sign,
                points=r.points,
                cap=r.cap,
                veto=r.veto,
                sort_order=r.sort_order,
            )
            for r in source.adjustment_rules.all()
        )
    return scheme


def scheme_copy_last_year(*, year: int, actor: AnyUser | None) -> AssessmentScheme:
    """Copy the latest earlier scheme to `year`."""
    source = AssessmentScheme.objects.filter(year__lt=year).order_by("-year").first()
    if source is None:
        raise ValidationError(_("There is no earlier scheme to copy."))
    return scheme_copy_from(source=source, year=year, actor=actor)


def scheme_add_default_rules(*, scheme: AssessmentScheme) -> None:
    """The usual indicators, grades, recognition and adjustment rules (assessments.defaults)."""
    data = default_scheme()
    Indicator.objects.bulk_create(
        Indicator(
            scheme=scheme,
            component=component,
            name=name,
            max_points=Decimal(points),
            sort_order=index,
        )
        for index, (component, name, points) in enumerate(data["indicators"], start=1)
    )
    GradeRule.objects.bulk_create(
        GradeRule(
            scheme=scheme,
            grade=grade,
            min_total=Decimal(minimum) if minimum is not None else None,
            max_share=Decimal(share) if share is not None else None,
        )
        for grade, minimum, share in data["grades"]
    )
    RecognitionRule.objects.bulk_create(
        RecognitionRule(scheme=scheme, kind=kind, scope=scope, count=count)
        for kind, scope, count in data["recognition"]
    )
    AdjustmentRule.objects.bulk_create(
        AdjustmentRule(
            scheme=scheme,
            name=name,
            kind=kind,
            parameter=rule_kinds.clean_parameter(kind=kind, value=parameter),
            sign=sign,
            points=Decimal(points),
            cap=Decimal(cap) if cap is not None else None,
            veto=veto,
            sort_order=index,
        )
        for index, (name, kind, parameter, sign, points, cap, veto) in enumerate(
            data["rules"], start=1
        )
    )


def scheme_create_with_defaults(*, year: int, actor: AnyUser | None) -> AssessmentScheme:
    """A new draft scheme with the usual indicators and rules, for the first year."""
    with transaction.atomic():
        scheme = scheme_create(year=year, name="", actor=actor)
        scheme_add_default_rules(scheme=scheme)
    return scheme


def scheme_open(*, scheme: AssessmentScheme, actor: AnyUser) -> AssessmentScheme:
    """Start the year's assessment: weights must add up and weighted parts need indicators."""
    if not permissions.can_manage_schemes(actor):
        raise PermissionDenied(_("You may not manage assessment schemes."))

    def configured(locked: AssessmentScheme) -> None:
        errors = scheme_configuration_errors(
            weights=locked.weights, indicator_points=_indicator_points(locked), starting=True
        )
        if errors:
            raise ValidationError(errors)

    return transition(scheme, target=Status.OPEN, actor=actor, check=configured)


def scheme_publish(*, scheme: AssessmentScheme, actor: AnyUser, public: bool) -> AssessmentScheme:
    """Freeze the results and open them to unit heads (and the public if chosen)."""
    if not permissions.can_publish_results(actor):
        raise PermissionDenied(_("You may not publish assessment results."))

    def settled(locked: AssessmentScheme) -> None:
        # Results being recomputed are not the ones the officer read: publish what is final.
        if scoring_progress(scheme=locked)["live"]:
            raise ValidationError(
                _("The results are being computed; publish them once the computation has ended.")
            )
        # Votes or scores that came in after the computation are in no result yet.
        if locked.computed_at and scoring.inputs(locked) != locked.computed_inputs:
            raise ValidationError(
                _(
                    "Survey answers or evaluation scores have come in since the results were "
                    "computed; compute again before publishing."
                )
            )

    with transaction.atomic():
        published = transition(
            scheme,
            target=Status.PUBLISHED,
            actor=actor,
            check=settled,
            fields={"published_at": timezone.now(), "public_results": public},
            after_commit=_notify_published,
        )
        # Its surveys stop taking votes with it, each closing with its own record.
        surveys_close_for_scheme(scheme=published, actor=actor)
        # 三挂钩: the results bar units and their leaders (seed 004 五(二)); once only.
        scheme_flag_cadres(scheme=published, actor=actor)
        # 考核结果运用 (seed 002): the 通报表扬 draft, and the 约谈提醒 handed to the leaders.
        scheme_act_on_results(scheme=published, actor=actor)
    return published


def _notify_published(scheme: AssessmentScheme) -> None:
    """Tell each ranked unit's responsible people that their result can be read."""
    from django.contrib.auth import get_user_model

    from units.models import Responsibility
    from units.services import notification_send

    user_ids = (
        Responsibility.objects.current()
        .filter(
            unit_id__in=scheme.results.values("unit_id"),
            role__in=[Responsibility.Role.FIRST_RESPONSIBLE, Responsibility.Role.PRINCIPAL],
            person__user__isnull=False,
        )
        .values("person__user_id")
    )
    notification_send(
        recipients=get_user_model().objects.filter(pk__in=user_ids),
        kind="info",
        title=_("The %(scheme)s results are published") % {"scheme": scheme.name},
        url=reverse("assessments:my_results"),
        object_key=f"assessment-published:{scheme.pk}",
    )


# --- Configuring a draft scheme ---------------------------------------------------------


def _locked_draft(scheme_id: int, refusal: str) -> AssessmentScheme:
    """The scheme row, locked, if it is still a draft (else the refusal, in Chinese)."""
    scheme = AssessmentScheme.objects.select_for_update().get(pk=scheme_id)
    if scheme.status != Status.DRAFT:
        raise ValidationError(refusal % {"status": scheme.get_status_display()})
    return scheme


def scheme_indicator_remove(*, indicator: Indicator, actor: AnyUser) -> None:
    """Remove an indicator from a scheme that has not started (no one has scored it yet)."""
    _require_manage(actor)
    with transaction.atomic():
        _locked_draft(
            indicator.scheme_id,
            _(
                "Indicators can only be removed before the assessment starts; "
                "this scheme is “%(status)s”."
            ),
        )
        Indicator.objects.filter(pk=indicator.pk).delete()


def scheme_rule_remove(*, rule: AdjustmentRule, actor: AnyUser) -> None:
    """Remove an adjustment rule from a scheme that has not started."""
    _require_manage(actor)
    with transaction.atomic():
        _locked_draft(
            rule.scheme_id,
            _(
                "Adjustment rules can only be removed before the assessment starts; "
                "this scheme is “%(status)s”."
            ),
        )
        AdjustmentRule.objects.filter(pk=rule.pk).delete()


def adjustment_rule_save(
    *,
    scheme: AssessmentScheme,
    actor: AnyUser | None,
    name: str,
    kind: str,
    points: Decimal,
    parameter: str = "",
    sign: int = AdjustmentRule.Sign.DEDUCT,
    cap: Decimal | None = None,
    veto: str = AdjustmentRule.Veto.NONE,
    sort_order: int = 0,
    rule: AdjustmentRule | None = None,
) -> AdjustmentRule:
    """Add (or change) an adjustment rule; its parameter must be one its kind declares.

    A parameter may be given as its code or its Chinese label; it is stored as the code.
    Bad input saves nothing and says why in Chinese.
    """
    _require_manage(actor)
    if kind not in AdjustmentRule.Kind.values:
        raise ValidationError({"kind": _("Unknown fact.")})
    code = rule_kinds.clean_parameter(kind=kind, value=parameter)
    with transaction.atomic():
        locked = AssessmentScheme.objects.select_for_update().get(pk=scheme.pk)
        if locked.is_frozen:
            raise ValidationError(_("The scheme is published and can no longer change."))
        target = rule or AdjustmentRule(scheme=locked)
        if target.scheme_id != locked.pk:
            raise ValidationError(_("The rule belongs to another scheme."))
        for field, value in {
            "name": name.strip(),
            "kind": kind,
            "parameter": code,
            "sign": sign,
            "points": points,
            "cap": cap,
            "veto": veto,
            "sort_order": sort_order,
        }.items():
            setattr(target, field, value)
        target.full_clean(exclude=["scheme"])
        target.save()
    return target
