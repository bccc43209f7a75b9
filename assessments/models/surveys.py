"""The mass survey (民主评议): categories, dimensions, scale, codes, responses."""

from __future__ import annotations

import secrets
from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from assessments.models.schemes import AssessmentScheme
from units.models import TransitionRecord


def random_key() -> int:
    """A random primary key (62 bits) for the answers of a survey.

    Sequential keys would number the answers in the order they were given; matched with
    the order in which codes were handed out or seen being used, that order would tell
    whose answers are whose. Random keys carry no order.
    """
    return secrets.randbelow(2**62 - 1) + 1


class Survey(models.Model):
    """民主评议 / 满意度测评: raters with one-time codes rate the units it covers.

    An anonymised survey keeps nothing that links a code to its answers: the response has
    no code, the code records only that it was used (no time, no units), and answers carry
    random keys and a date. Once it has votes, `anonymised` cannot change (the service, the
    admin and, on PostgreSQL, a trigger refuse it).
    """

    class Status(models.TextChoices):
        DRAFT = "draft", pgettext_lazy("survey status", "Not started")
        OPEN = "open", pgettext_lazy("survey status", "Open")
        CLOSED = "closed", pgettext_lazy("survey status", "Closed")

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
        help_text=_(
            "Keep no link between a code and its answers. Fixed once the survey has votes: "
            "a link cut cannot be restored."
        ),
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

    def has_votes(self) -> bool:
        """Any answer given or code used: from then on the anonymity setting is fixed."""
        return (
            SurveyResponse.objects.filter(survey_id=self.pk).exists()
            or RaterToken.objects.filter(survey_id=self.pk, used=True).exists()
        )


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
    # The category supervisors (units.Supervisor) vote in with the codes issued to them
    # (assessments.services.supervisor_codes_issue); one per survey.
    for_supervisors = models.BooleanField(
        _("Supervisors vote here"), default=False, db_default=False
    )

    class Meta:
        ordering = ["survey", "sort_order", "pk"]
        verbose_name = _("Rater category")
        verbose_name_plural = _("Rater categories")
        constraints = [
            models.UniqueConstraint(fields=["survey", "name"], name="rater_category_unique"),
            models.UniqueConstraint(
                fields=["survey"],
                condition=Q(for_supervisors=True),
                name="rater_category_one_for_supervisors",
            ),
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
    """评议码: a one-time code for one rater of one category.

    `used` is all an anonymised survey keeps of a vote on the code's side: a time of use
    would line the code up with its answers (the time of the answers, their order).
    """

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="tokens")
    category = models.ForeignKey(RaterCategory, on_delete=models.PROTECT, related_name="tokens")
    code = models.CharField(_("Code"), max_length=32, unique=True)
    created_at = models.DateTimeField(_("Created at"), default=timezone.now)
    used = models.BooleanField(_("Used"), default=False, db_default=False)
    # Named surveys only; always empty in an anonymised one.
    used_at = models.DateTimeField(_("Used at"), null=True, blank=True)

    class Meta:
        ordering = ["survey", "category", "pk"]
        verbose_name = _("Rater code")
        verbose_name_plural = _("Rater codes")
        indexes = [models.Index(fields=["survey", "used"], name="token_survey_used_flag")]
        constraints = [
            models.CheckConstraint(
                condition=Q(used=True) | Q(used_at__isnull=True), name="token_used_at_only_if_used"
            )
        ]

    def __str__(self) -> str:
        return self.code


class TokenUse(models.Model):
    """That a code has voted for a unit, in named surveys only.

    Never written for an anonymised survey: the set of units a code rated would single out
    its answers. There the code's `used` mark alone refuses a second vote.
    """

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

    id = models.BigIntegerField(primary_key=True, default=random_key, editable=False)
    # No index of its own: resp_survey_unit begins with it (each vote writes five rows).
    survey = models.ForeignKey(
        Survey, on_delete=models.CASCADE, related_name="responses", db_index=False
    )
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
        indexes = [
            models.Index(fields=["survey", "unit", "is_open"], name="resp_survey_unit"),
            # 意见建议 newest first (assessments:feedback_list): a page's ids from the index
            # alone, the last page read from the other end; a province has 270,000 comments.
            models.Index(
                fields=["submitted_on", "id"],
                include=["unit"],
                condition=~Q(comment=""),
                name="resp_feedback_order",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.survey} · {self.unit}"


class SurveyAnswer(models.Model):
    id = models.BigIntegerField(primary_key=True, default=random_key, editable=False)
    # No index of its own: answer_once begins with it (each vote writes forty rows).
    response = models.ForeignKey(
        SurveyResponse, on_delete=models.CASCADE, related_name="answers", db_index=False
    )
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


class SupervisorCode(models.Model):
    """The rating code issued to a supervisor for a survey: they vote with it from their
    workspace, in the supervisors' category. Only the code is linked to the person, as a
    code slip handed to a named rater is; in an anonymised survey nothing links the code
    to its answers."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="supervisor_codes")
    supervisor = models.ForeignKey(
        "units.Supervisor", on_delete=models.CASCADE, related_name="survey_codes"
    )
    token = models.OneToOneField(
        RaterToken, on_delete=models.CASCADE, related_name="supervisor_code"
    )

    class Meta:
        verbose_name = _("Supervisor's rating code")
        verbose_name_plural = _("Supervisors' rating codes")
        constraints = [
            models.UniqueConstraint(
                fields=["survey", "supervisor"], name="supervisor_code_once_per_survey"
            )
        ]

    def __str__(self) -> str:
        return f"{self.survey_id} · {self.supervisor_id}"
