"""Schemes: weights, indicators, grade, recognition and adjustment rules (考核方案)."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from units.models import TransitionRecord


class Component(models.TextChoices):
    SURVEY = "survey", _("Mass survey")
    SPECIAL = "special", _("Special evaluation")
    ORGANISATIONAL = "organisational", _("Organisational evaluation")


class Grade(models.TextChoices):
    EXCELLENT = "excellent", _("Excellent")
    GOOD = "good", _("Good")
    AVERAGE = "average", _("Average")
    POOR = "poor", _("Poor")


GRADE_ORDER = [Grade.EXCELLENT, Grade.GOOD, Grade.AVERAGE, Grade.POOR]


class ComplaintUnit(models.TextChoices):
    """Whom a complaint counts against (complaints.selectors.SUBJECT_UNIT / HANDLING_UNIT)."""

    SUBJECT = "subject", _("The unit complained about")
    HANDLING = "handling", _("The handling unit")


class AssessmentScheme(models.Model):
    """考核方案: one per year, base 100 with weighted components and rule-based adjustments."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        OPEN = "open", pgettext_lazy("scheme status", "In progress")
        COMPUTED = "computed", _("Computed")
        PUBLISHED = "published", _("Published")

    class ScoringState(models.TextChoices):
        IDLE = "idle", _("Not run")
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Finished")
        FAILED = "failed", _("Failed")

    TRANSITIONS: dict[str, set[str]] = {
        Status.DRAFT: {Status.OPEN},
        Status.OPEN: {Status.COMPUTED, Status.DRAFT},
        # Recomputing a computed scheme keeps it computed; publishing freezes it.
        Status.COMPUTED: {Status.COMPUTED, Status.PUBLISHED},
        Status.PUBLISHED: set(),
    }

    year = models.PositiveIntegerField(_("Year"), unique=True)
    name = models.CharField(_("Designation"), max_length=128)
    base_score = models.DecimalField(
        _("Base score"), default=Decimal("100"), max_digits=8, decimal_places=2
    )
    weight_survey = models.DecimalField(
        _("Weight of the mass survey (%)"), default=Decimal("40"), max_digits=8, decimal_places=2
    )
    weight_special = models.DecimalField(
        _("Weight of the special evaluation (%)"),
        default=Decimal("30"),
        max_digits=8,
        decimal_places=2,
    )
    weight_organisational = models.DecimalField(
        _("Weight of the organisational evaluation (%)"),
        default=Decimal("30"),
        max_digits=8,
        decimal_places=2,
    )
    status = models.CharField(
        _("Status"), max_length=16, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    public_results = models.BooleanField(
        _("Publish rankings to the public"),
        default=False,
        help_text=_("When published, the rankings are shown on the public results page."),
    )
    groups = models.ManyToManyField(
        "units.AssessmentGroup",
        verbose_name=_("Assessment groups"),
        blank=True,
        related_name="+",
        help_text=_("The groups whose units are assessed; empty means every group."),
    )
    complaint_unit = models.CharField(
        _("Complaints count against"),
        max_length=16,
        choices=ComplaintUnit.choices,
        default=ComplaintUnit.SUBJECT,
        db_default=ComplaintUnit.SUBJECT,
        help_text=_(
            "In the figures and in scoring. Where intake named no unit complained about, the "
            "handling unit."
        ),
    )
    commend_min_grade = models.CharField(
        _("Lowest grade that may be commended"),
        max_length=16,
        choices=[(g.value, g.label) for g in GRADE_ORDER[:-1]],
        default=Grade.GOOD,
        db_default=Grade.GOOD,
        help_text=_(
            "A unit in the commended places whose grade is below this one is not commended; "
            "a unit under a veto never is."
        ),
    )
    scoring_state = models.CharField(
        _("Scoring"), max_length=16, choices=ScoringState.choices, default=ScoringState.IDLE
    )
    scoring_error = models.TextField(_("Scoring error"), blank=True)
    # The scoring request in force: each request (a click, the nightly recompute) gets a new
    # token that its task carries; a run writes results only while its token is still this
    # one (assessments.services.computing), so an older task coming back does nothing.
    scoring_token = models.CharField(_("Scoring request"), max_length=64, blank=True)
    scoring_requested_at = models.DateTimeField(_("Scoring requested at"), null=True, blank=True)
    computed_at = models.DateTimeField(_("Computed at"), null=True, blank=True)
    # The day the last computation judged the facts on (assessments.facts.FactContext.cutoff):
    # a deadline had passed when it was before this day.
    facts_as_of = models.DateField(_("Facts judged as of"), null=True, blank=True)
    # What the last computation read of the scheme's own inputs (assessments.scoring.inputs:
    # survey responses, evaluations): publishing refuses results that no longer reflect them.
    computed_inputs = models.JSONField(
        _("Inputs of the last computation"), default=dict, blank=True
    )
    published_at = models.DateTimeField(_("Published at"), null=True, blank=True)
    copied_from = models.ForeignKey(
        "self",
        verbose_name=_("Copied from"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("Created at"), auto_now_add=True)

    class Meta:
        ordering = ["-year"]
        verbose_name = _("Assessment scheme")
        verbose_name_plural = _("Assessment schemes")
        permissions = [
            ("run_scoring", _("Compute assessment results")),
            ("publish_results", _("Publish assessment results")),
            ("view_dashboard", _("View the assessment dashboard")),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(weight_survey__gte=0)
                & Q(weight_special__gte=0)
                & Q(weight_organisational__gte=0),
                name="scheme_weights_non_negative",
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def weights(self) -> dict[str, Decimal]:
        return {
            Component.SURVEY: self.weight_survey,
            Component.SPECIAL: self.weight_special,
            Component.ORGANISATIONAL: self.weight_organisational,
        }

    @property
    def is_frozen(self) -> bool:
        return self.status == self.Status.PUBLISHED

    @property
    def is_provisional(self) -> bool:
        """Computed while the year ran: deadlines still to come are not counted yet."""
        return self.facts_as_of is not None and self.facts_as_of <= datetime.date(self.year, 12, 31)

    @property
    def facts_through(self) -> datetime.date | None:
        """The results' "截至" date: the day they were computed on, or the year end."""
        if self.facts_as_of is None:
            return None
        return min(self.facts_as_of, datetime.date(self.year, 12, 31))

    @property
    def commend_grades(self) -> list[str]:
        """The grades a commended unit may have: the best down to `commend_min_grade`."""
        order = [g.value for g in GRADE_ORDER]
        floor = self.commend_min_grade if self.commend_min_grade in order else Grade.GOOD
        return order[: order.index(floor) + 1]


class SchemeTransition(TransitionRecord):
    scheme = models.ForeignKey(
        AssessmentScheme, on_delete=models.CASCADE, related_name="transitions"
    )

    class Meta(TransitionRecord.Meta):
        verbose_name = _("Assessment scheme status change")
        verbose_name_plural = _("Assessment scheme status changes")


class Indicator(models.Model):
    """考核指标: an item evaluators score, up to its maximum points."""

    scheme = models.ForeignKey(
        AssessmentScheme,
        verbose_name=_("Assessment scheme"),
        on_delete=models.CASCADE,
        related_name="indicators",
    )
    component = models.CharField(
        _("Component"),
        max_length=16,
        choices=[
            (Component.SPECIAL, Component.SPECIAL.label),
            (Component.ORGANISATIONAL, Component.ORGANISATIONAL.label),
        ],
    )
    name = models.CharField(_("Indicator"), max_length=128)
    description = models.TextField(_("Description"), blank=True)
    max_points = models.DecimalField(
        _("Maximum points"),
        validators=[MinValueValidator(Decimal("0.01"))],
        max_digits=8,
        decimal_places=2,
    )
    sort_order = models.PositiveIntegerField(_("Sort order"), default=0)

    class Meta:
        ordering = ["scheme", "component", "sort_order", "pk"]
        verbose_name = _("Assessment indicator")
        verbose_name_plural = _("Assessment indicators")
        constraints = [
            models.UniqueConstraint(fields=["scheme", "name"], name="indicator_unique_name"),
            models.CheckConstraint(condition=Q(max_points__gt=0), name="indicator_max_positive"),
        ]

    def __str__(self) -> str:
        return self.name


class GradeRule(models.Model):
    """A grade is given when the total reaches a threshold and/or the rank is in a share."""

    scheme = models.ForeignKey(
        AssessmentScheme, on_delete=models.CASCADE, related_name="grade_rules"
    )
    grade = models.CharField(_("Grade"), max_length=16, choices=Grade.choices)
    min_total = models.DecimalField(
        _("Minimum total"), null=True, blank=True, max_digits=8, decimal_places=2
    )
    max_share = models.DecimalField(
        _("At most this share of units (%)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
        max_digits=8,
        decimal_places=2,
    )

    class Meta:
        ordering = ["scheme", "pk"]
        verbose_name = _("Grade rule")
        verbose_name_plural = _("Grade rules")
        constraints = [
            models.UniqueConstraint(fields=["scheme", "grade"], name="grade_rule_unique"),
        ]

    def __str__(self) -> str:
        return self.get_grade_display()


class RecognitionRule(models.Model):
    """Seed 002: top 3 in a group or top 10 overall → 通报表扬; bottom ones → 约谈提醒."""

    class Kind(models.TextChoices):
        COMMEND = "commend", _("Commendation circular")
        TALK = "talk", _("Reminder talk by the leader in charge")

    class Scope(models.TextChoices):
        GROUP = "group", _("Within the assessment group")
        OVERALL = "overall", _("Overall")

    scheme = models.ForeignKey(
        AssessmentScheme, on_delete=models.CASCADE, related_name="recognition_rules"
    )
    kind = models.CharField(_("Type"), max_length=16, choices=Kind.choices)
    scope = models.CharField(_("Scope"), max_length=16, choices=Scope.choices)
    count = models.PositiveIntegerField(_("Number of places"))

    class Meta:
        ordering = ["scheme", "kind", "scope"]
        verbose_name = _("Recognition rule")
        verbose_name_plural = _("Recognition rules")
        constraints = [
            models.UniqueConstraint(
                fields=["scheme", "kind", "scope"], name="recognition_rule_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.get_scope_display()} · {self.count}"


class AdjustmentRule(models.Model):
    """加扣分规则: points per occurrence of a fact, capped, added or deducted; may veto."""

    class Kind(models.TextChoices):
        COMPLAINT_SUBSTANTIATED = "complaint_substantiated", _("Substantiated complaint")
        COMPLAINT_OVERDUE = "complaint_overdue", _("Overdue complaint")
        ITEM_OVERDUE = "item_overdue", _("Overdue rectification item")
        ITEM_UNCLOSED = "item_unclosed", _("Rectification item not closed by year end")
        DELIVERABLE_LATE = "deliverable_late", _("Late deliverable")
        DELIVERABLE_MISSING = "deliverable_missing", _("Missing deliverable")
        FINDING = "finding", _("Inspection finding")
        ACCOUNTABILITY = "accountability", _("Accountability action")
        CIRCULAR_CRITICISM = "circular_criticism", _("Criticised in a circular")
        CIRCULAR_COMMENDATION = "circular_commendation", _("Commended in a circular")
        PROJECT_COMPLETED = "project_completed", _("Project for the people completed")
        PROJECT_OVERDUE = "project_overdue", _("Overdue milestone of a project for the people")
        ITEM_RELAPSED = "item_relapsed", _("Rectification item relapsed")
        COMMITMENT_BREACH = "commitment_breach", _("Service commitment broken")
        SUPERVISOR_REVIEW = "supervisor_review", _("Supervisor's review of a visit")

    class Sign(models.IntegerChoices):
        DEDUCT = -1, _("Deduction")
        ADD = 1, _("Addition")

    class Veto(models.TextChoices):
        NONE = "", _("No veto")
        EXCELLENT = "excellent", _("Cannot be rated excellent")
        EXCELLENT_NO_PROMOTION = (
            "excellent_no_promotion",
            _("Cannot be rated excellent; leaders not excellent, no promotion for a year"),
        )
        # 一票否决 in full: the lowest grade whatever the total, ranked after every unit
        # not vetoed (assessments.scoring.insert_results and grade).
        FULL = "full", _("Graded poor and ranked after every unit not vetoed")

    scheme = models.ForeignKey(
        AssessmentScheme,
        verbose_name=_("Assessment scheme"),
        on_delete=models.CASCADE,
        related_name="adjustment_rules",
    )
    name = models.CharField(_("Designation"), max_length=128)
    kind = models.CharField(_("Fact"), max_length=32, choices=Kind.choices)
    parameter = models.CharField(
        _("Parameter"),
        max_length=32,
        blank=True,
        help_text=_(
            "Narrows the fact: a finding severity (minor/major/serious), an accountability "
            "type or “serious”, a complaint verdict. Empty means every occurrence."
        ),
    )
    sign = models.SmallIntegerField(_("Direction"), choices=Sign.choices, default=Sign.DEDUCT)
    points = models.DecimalField(
        _("Points per occurrence"),
        validators=[MinValueValidator(0)],
        max_digits=8,
        decimal_places=2,
    )
    cap = models.DecimalField(
        _("Cap"),
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
        help_text=_("At most this many points in all; empty means no cap."),
        max_digits=8,
        decimal_places=2,
    )
    veto = models.CharField(
        _("Veto"), max_length=32, choices=Veto.choices, default=Veto.NONE, blank=True
    )
    sort_order = models.PositiveIntegerField(_("Sort order"), default=0)

    class Meta:
        ordering = ["scheme", "sort_order", "pk"]
        verbose_name = _("Adjustment rule")
        verbose_name_plural = _("Adjustment rules")
        constraints = [
            models.CheckConstraint(condition=Q(points__gte=0), name="rule_points_non_negative"),
            models.CheckConstraint(
                condition=Q(cap__isnull=True) | Q(cap__gte=0), name="rule_cap_non_negative"
            ),
        ]

    def __str__(self) -> str:
        return self.name
