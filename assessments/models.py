"""Annual assessment (年度考核): schemes, rules, surveys, evaluations, results.

A scheme is scored set-based in the database (see assessments.scoring): the staging tables
(SurveyCategoryScore, SurveyDimensionScore, IndicatorScore) and the AdjustmentLines are
the figures every result is derived from, so each score can be explained and re-derived.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from units.models import TransitionRecord

# Seed 002: the eight aspects the mass survey asks about.
DEFAULT_DIMENSIONS = [
    "服务态度",
    "依法行政",
    "业务素质",
    "政策执行",
    "工作流程",
    "办事效率",
    "收费情况",
    "廉洁自律",
]
DEFAULT_SCALE = [("满意", Decimal("1.00")), ("基本满意", Decimal("0.60")), ("不满意", Decimal("0"))]
DEFAULT_CATEGORIES = [
    ("基层群众", Decimal("30")),
    ("企业", Decimal("25")),
    ("服务对象", Decimal("25")),
    ("人大代表/政协委员", Decimal("10")),
    ("特邀监督员", Decimal("10")),
]


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


class AssessmentScheme(models.Model):
    """考核方案: one per year, base 100 with weighted components and rule-based adjustments."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        OPEN = "open", _("In progress")
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
    scoring_state = models.CharField(
        _("Scoring"), max_length=16, choices=ScoringState.choices, default=ScoringState.IDLE
    )
    scoring_error = models.TextField(_("Scoring error"), blank=True)
    computed_at = models.DateTimeField(_("Computed at"), null=True, blank=True)
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


class Survey(models.Model):
    """民主评议 / 满意度测评: raters with one-time codes rate the units it covers."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        OPEN = "open", _("Open")
        CLOSED = "closed", _("Closed")

    TRANSITIONS: dict[str, set[str]] = {
        Status.DRAFT: {Status.OPEN},
        Status.OPEN: {Status.CLOSED},
        Status.CLOSED: {Status.OPEN},
    }

    scheme = models.ForeignKey(
        AssessmentScheme,
        verbose_name=_("Assessment scheme"),
        on_delete=models.PROTECT,
        related_name="surveys",
    )
    title = models.CharField(_("Title"), max_length=128)
    intro = models.TextField(_("Introduction"), blank=True)
    status = models.CharField(
        _("Status"), max_length=16, choices=Status.choices, default=Status.DRAFT
    )
    anonymised = models.BooleanField(
        _("Anonymised"),
        default=True,
        help_text=_("Cut the link between a code and its answers once it is used."),
    )
    open_mode = models.BooleanField(
        _("Open public mode"),
        default=False,
        help_text=_(
            "Anyone may answer without a code (rate-limited); reported separately and never "
            "counted in the scores."
        ),
    )
    units = models.ManyToManyField(
        "units.Unit", verbose_name=_("Units rated"), related_name="surveys"
    )
    created_at = models.DateTimeField(_("Created at"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("Mass survey")
        verbose_name_plural = _("Mass surveys")

    def __str__(self) -> str:
        return self.title

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN


class SurveyTransition(TransitionRecord):
    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="transitions")

    class Meta(TransitionRecord.Meta):
        verbose_name = _("Survey status change")
        verbose_name_plural = _("Survey status changes")


class RaterCategory(models.Model):
    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="categories")
    name = models.CharField(_("Rater category"), max_length=64)
    weight = models.DecimalField(
        _("Weight"), validators=[MinValueValidator(Decimal("0.01"))], max_digits=8, decimal_places=2
    )
    sort_order = models.PositiveIntegerField(_("Sort order"), default=0)

    class Meta:
        ordering = ["survey", "sort_order", "pk"]
        verbose_name = _("Rater category")
        verbose_name_plural = _("Rater categories")
        constraints = [
            models.UniqueConstraint(fields=["survey", "name"], name="rater_category_unique"),
            models.CheckConstraint(condition=Q(weight__gt=0), name="rater_weight_positive"),
        ]

    def __str__(self) -> str:
        return self.name


class SurveyDimension(models.Model):
    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="dimensions")
    name = models.CharField(_("Dimension"), max_length=32)
    sort_order = models.PositiveIntegerField(_("Sort order"), default=0)

    class Meta:
        ordering = ["survey", "sort_order", "pk"]
        verbose_name = _("Survey dimension")
        verbose_name_plural = _("Survey dimensions")
        constraints = [
            models.UniqueConstraint(fields=["survey", "name"], name="dimension_unique"),
        ]

    def __str__(self) -> str:
        return self.name


class ScaleOption(models.Model):
    """A choice on the scale (满意 / 基本满意 / 不满意) and what it is worth (0–1)."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="scale")
    label = models.CharField(_("Choice"), max_length=16)
    value = models.DecimalField(
        _("Value"),
        max_digits=4,
        decimal_places=2,
        validators=[MinValueValidator(0), MaxValueValidator(1)],
    )
    sort_order = models.PositiveIntegerField(_("Sort order"), default=0)

    class Meta:
        ordering = ["survey", "sort_order", "pk"]
        verbose_name = _("Scale choice")
        verbose_name_plural = _("Scale choices")
        constraints = [
            models.UniqueConstraint(fields=["survey", "label"], name="scale_option_unique"),
            models.CheckConstraint(
                condition=Q(value__gte=0) & Q(value__lte=1), name="scale_value_range"
            ),
        ]

    def __str__(self) -> str:
        return self.label


class RaterToken(models.Model):
    """评议码: a one-time code for one rater of one category."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="tokens")
    category = models.ForeignKey(RaterCategory, on_delete=models.PROTECT, related_name="tokens")
    code = models.CharField(_("Code"), max_length=32, unique=True)
    created_at = models.DateTimeField(_("Created at"), default=timezone.now)
    used_at = models.DateTimeField(_("Used at"), null=True, blank=True)

    class Meta:
        ordering = ["survey", "category", "pk"]
        verbose_name = _("Rater code")
        verbose_name_plural = _("Rater codes")
        indexes = [models.Index(fields=["survey", "used_at"], name="token_survey_used")]

    def __str__(self) -> str:
        return self.code


class TokenUse(models.Model):
    """That a code has voted for a unit: kept even when the answers are anonymised."""

    token = models.ForeignKey(RaterToken, on_delete=models.CASCADE, related_name="uses")
    unit = models.ForeignKey("units.Unit", on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("Code use")
        verbose_name_plural = _("Code uses")
        constraints = [
            models.UniqueConstraint(fields=["token", "unit"], name="token_use_once_per_unit")
        ]

    def __str__(self) -> str:
        return f"{self.token} · {self.unit_id}"


class SurveyResponse(models.Model):
    """One rater's answers about one unit."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="responses")
    unit = models.ForeignKey(
        "units.Unit", verbose_name=_("Units"), on_delete=models.PROTECT, related_name="+"
    )
    category = models.ForeignKey(
        RaterCategory,
        verbose_name=_("Rater category"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="responses",
    )
    # Null in anonymised surveys (the TokenUse row still blocks a second vote) and in
    # open mode.
    token = models.ForeignKey(
        RaterToken, null=True, blank=True, on_delete=models.SET_NULL, related_name="responses"
    )
    is_open = models.BooleanField(_("Open public mode"), default=False)
    # A date only: a time stamp would let answers be matched to codes by time of use.
    submitted_on = models.DateField(_("Date"), default=timezone.localdate)
    comment = models.TextField(_("Comments and suggestions"), blank=True)

    class Meta:
        ordering = ["survey", "pk"]
        verbose_name = _("Survey response")
        verbose_name_plural = _("Survey responses")
        constraints = [
            models.UniqueConstraint(
                fields=["token", "unit"],
                condition=Q(token__isnull=False),
                name="response_once_per_token_unit",
            ),
            models.CheckConstraint(
                condition=Q(is_open=True) | Q(category__isnull=False),
                name="response_category_unless_open",
            ),
        ]
        indexes = [models.Index(fields=["survey", "unit", "is_open"], name="resp_survey_unit")]

    def __str__(self) -> str:
        return f"{self.survey} · {self.unit}"


class SurveyAnswer(models.Model):
    response = models.ForeignKey(SurveyResponse, on_delete=models.CASCADE, related_name="answers")
    dimension = models.ForeignKey(SurveyDimension, on_delete=models.PROTECT, related_name="+")
    option = models.ForeignKey(ScaleOption, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("Survey answer")
        verbose_name_plural = _("Survey answers")
        constraints = [
            models.UniqueConstraint(fields=["response", "dimension"], name="answer_once")
        ]

    def __str__(self) -> str:
        return f"{self.dimension} · {self.option}"


class EvaluationAssignment(models.Model):
    """Which evaluator scores which unit in a scheme."""

    scheme = models.ForeignKey(
        AssessmentScheme, on_delete=models.CASCADE, related_name="assignments"
    )
    evaluator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("Evaluator"),
        on_delete=models.PROTECT,
        related_name="assessment_assignments",
    )
    unit = models.ForeignKey("units.Unit", verbose_name=_("Units"), on_delete=models.PROTECT)

    class Meta:
        ordering = ["scheme", "unit__path"]
        verbose_name = _("Evaluation assignment")
        verbose_name_plural = _("Evaluation assignments")
        constraints = [
            models.UniqueConstraint(
                fields=["scheme", "evaluator", "unit"], name="assignment_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.evaluator} · {self.unit}"


class Evaluation(models.Model):
    """组织考评打分: one evaluator's score for one unit on one indicator."""

    scheme = models.ForeignKey(
        AssessmentScheme, on_delete=models.CASCADE, related_name="evaluations"
    )
    indicator = models.ForeignKey(
        Indicator,
        verbose_name=_("Indicator"),
        on_delete=models.CASCADE,
        related_name="evaluations",
    )
    unit = models.ForeignKey(
        "units.Unit", verbose_name=_("Units"), on_delete=models.PROTECT, related_name="+"
    )
    evaluator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("Evaluator"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    score = models.DecimalField(
        _("Score"), validators=[MinValueValidator(0)], max_digits=8, decimal_places=2
    )
    comment = models.CharField(_("Remark"), max_length=255, blank=True)
    updated_at = models.DateTimeField(_("Updated at"), auto_now=True)

    class Meta:
        ordering = ["scheme", "unit", "indicator"]
        verbose_name = _("Evaluation score")
        verbose_name_plural = _("Evaluation scores")
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "unit", "evaluator"], name="evaluation_unique"
            ),
            models.CheckConstraint(condition=Q(score__gte=0), name="evaluation_non_negative"),
        ]

    # --- What scoring derives (replaced as a whole on every run) ---------------------------

    def __str__(self) -> str:
        return f"{self.unit} · {self.indicator} · {self.score}"


class SurveyCategoryScore(models.Model):
    """Mean satisfaction (0–1) of one rater category about one unit."""

    scheme = models.ForeignKey(AssessmentScheme, on_delete=models.CASCADE, related_name="+")
    unit = models.ForeignKey("units.Unit", on_delete=models.CASCADE, related_name="+")
    category = models.ForeignKey(RaterCategory, on_delete=models.CASCADE, related_name="+")
    weight = models.DecimalField(max_digits=8, decimal_places=2)
    answers = models.PositiveIntegerField()
    mean = models.DecimalField(max_digits=9, decimal_places=4)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["scheme", "unit", "category"], name="survey_cat_score_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.unit_id} · {self.category_id} · {self.mean}"


class SurveyDimensionScore(models.Model):
    """Mean satisfaction (0–1) of one unit on one of the eight dimensions."""

    scheme = models.ForeignKey(AssessmentScheme, on_delete=models.CASCADE, related_name="+")
    unit = models.ForeignKey("units.Unit", on_delete=models.CASCADE, related_name="+")
    dimension = models.CharField(max_length=32)
    answers = models.PositiveIntegerField()
    mean = models.DecimalField(max_digits=9, decimal_places=4)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["scheme", "unit", "dimension"], name="survey_dim_score_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.unit_id} · {self.dimension} · {self.mean}"


class IndicatorScore(models.Model):
    """Mean of the evaluators' scores for one unit on one indicator."""

    scheme = models.ForeignKey(AssessmentScheme, on_delete=models.CASCADE, related_name="+")
    unit = models.ForeignKey("units.Unit", on_delete=models.CASCADE, related_name="+")
    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="+")
    evaluations = models.PositiveIntegerField()
    mean = models.DecimalField(max_digits=9, decimal_places=4)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["scheme", "unit", "indicator"], name="indicator_score_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.unit_id} · {self.indicator_id} · {self.mean}"


class AssessmentResult(models.Model):
    """考核结果 of one unit in one scheme."""

    scheme = models.ForeignKey(
        AssessmentScheme,
        verbose_name=_("Assessment scheme"),
        on_delete=models.CASCADE,
        related_name="results",
    )
    unit = models.ForeignKey(
        "units.Unit", verbose_name=_("Units"), on_delete=models.PROTECT, related_name="+"
    )
    group = models.ForeignKey(
        "units.AssessmentGroup",
        verbose_name=_("Assessment group"),
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    survey_score = models.DecimalField(_("Mass survey"), max_digits=8, decimal_places=2)
    special_score = models.DecimalField(_("Special evaluation"), max_digits=8, decimal_places=2)
    organisational_score = models.DecimalField(
        _("Organisational evaluation"), max_digits=8, decimal_places=2
    )
    composite = models.DecimalField(_("Weighted score"), max_digits=8, decimal_places=2)
    adjustments = models.DecimalField(_("Additions and deductions"), max_digits=8, decimal_places=2)
    total = models.DecimalField(_("Total"), max_digits=8, decimal_places=2)
    rank_overall = models.PositiveIntegerField(_("Overall rank"), null=True)
    rank_in_group = models.PositiveIntegerField(_("Rank in group"), null=True)
    group_size = models.PositiveIntegerField(_("Units in group"), null=True)
    tied_with = models.PositiveIntegerField(_("Units with the same total"), default=1)
    rank_from_bottom = models.PositiveIntegerField(null=True)
    rank_from_bottom_in_group = models.PositiveIntegerField(null=True)
    grade = models.CharField(_("Grade"), max_length=16, choices=Grade.choices, blank=True)
    veto_excellent = models.BooleanField(_("Vetoed from excellent"), default=False)
    no_promotion = models.BooleanField(
        _("Leaders not excellent, no promotion for a year"), default=False
    )
    commended = models.BooleanField(_("Commendation circular"), default=False)
    talk = models.BooleanField(_("Reminder talk by the leader in charge"), default=False)

    class Meta:
        ordering = ["scheme", "rank_overall", "unit__path"]
        verbose_name = _("Assessment result")
        verbose_name_plural = _("Assessment results")
        constraints = [
            models.UniqueConstraint(fields=["scheme", "unit"], name="result_unique"),
        ]
        indexes = [models.Index(fields=["scheme", "group", "rank_in_group"], name="result_rank")]

    def __str__(self) -> str:
        return f"{self.scheme} · {self.unit}"


class AdjustmentLine(models.Model):
    """加扣分明细: one occurrence of a rule's fact, naming the evidence behind it."""

    scheme = models.ForeignKey(
        AssessmentScheme, on_delete=models.CASCADE, related_name="adjustment_lines"
    )
    unit = models.ForeignKey(
        "units.Unit", verbose_name=_("Units"), on_delete=models.PROTECT, related_name="+"
    )
    rule = models.ForeignKey(
        AdjustmentRule, verbose_name=_("Rule"), on_delete=models.CASCADE, related_name="lines"
    )
    evidence_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    evidence_id = models.PositiveBigIntegerField()
    evidence = GenericForeignKey("evidence_type", "evidence_id")
    evidence_date = models.DateField(_("Date"), null=True)
    occurrence = models.PositiveIntegerField(_("Occurrence"))
    points = models.DecimalField(_("Points"), max_digits=8, decimal_places=2)
    capped = models.BooleanField(_("Reduced by the cap"), default=False)

    class Meta:
        ordering = ["scheme", "unit", "rule", "occurrence"]
        verbose_name = _("Adjustment line")
        verbose_name_plural = _("Adjustment lines")
        indexes = [
            models.Index(fields=["scheme", "unit"], name="line_scheme_unit"),
            models.Index(fields=["evidence_type", "evidence_id"], name="line_evidence"),
        ]

    def __str__(self) -> str:
        return f"{self.rule} · {self.points}"
