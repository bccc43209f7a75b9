"""The supervisors' roster (特邀监督员、效能监督员、察访员; "两代表一委员").

Supervisors are people outside the inspection staff whom an officer appoints, for a term of
office, to watch named units in the officer's jurisdiction. They hold no permission on any
unit: what they see is exactly the units listed here (never the unit's complaints, ledger
or people), and their own reports.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from units.models.organisation import OVERSEE, Unit, unit_scope_q
from units.types import AnyUser


class SupervisorQuerySet(models.QuerySet["Supervisor"]):
    def serving_on(self, day: datetime.date) -> SupervisorQuerySet:
        """In office on `day`: the term's first and last days included."""
        return self.filter(term_start__lte=day, term_end__gte=day, user__is_active=True)

    def serving(self) -> SupervisorQuerySet:
        return self.serving_on(timezone.localdate())

    def visible_to(self, user: AnyUser) -> SupervisorQuerySet:
        """The roster an officer keeps: supervisors appointed within their jurisdiction."""
        return self.filter(unit_scope_q(user=user, codename=OVERSEE, prefix="jurisdiction__"))


class Supervisor(models.Model):
    """One supervisor: their account, category, political standing, term and watched units."""

    class Category(models.TextChoices):
        SPECIAL = "special", _("Special supervisor")
        EFFICIENCY = "efficiency", _("Efficiency supervisor")
        VISITOR = "visitor", _("Inspection visitor")

    class Standing(models.TextChoices):
        # "两代表一委员": deputies to the people's congress and the party congress, CPPCC members.
        PEOPLES_DEPUTY = "npc", _("People's congress deputy")
        CPPCC_MEMBER = "cppcc", _("CPPCC member")
        PARTY_DEPUTY = "party", _("Party congress deputy")
        OTHER = "other", _("Other")

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("Login account"),
        on_delete=models.PROTECT,
        related_name="supervisor",
    )
    name = models.CharField(_("Name"), max_length=64)
    phone = models.CharField(_("Mobile phone"), max_length=32, blank=True)
    workplace = models.CharField(_("Work unit and position"), max_length=128, blank=True)
    category = models.CharField(_("Supervisor category"), max_length=16, choices=Category.choices)
    standing = models.CharField(
        _("Deputy or member"), max_length=16, choices=Standing.choices, default=Standing.OTHER
    )
    term_start = models.DateField(_("Term starts"))
    term_end = models.DateField(_("Term ends"), help_text=_("The last day of the term."))
    # The appointing officer's jurisdiction: who keeps the roster entry, and the bound of
    # the watched units.
    jurisdiction = models.ForeignKey(
        Unit,
        verbose_name=_("Jurisdiction"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    units = models.ManyToManyField(
        Unit, verbose_name=_("Units watched"), related_name="supervisors"
    )
    appointed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("Created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("Updated at"), auto_now=True)

    objects = SupervisorQuerySet.as_manager()

    class Meta:
        ordering = ["name", "pk"]
        verbose_name = _("Supervisor")
        verbose_name_plural = _("Supervisors")
        constraints = [
            models.CheckConstraint(
                condition=Q(term_end__gte=models.F("term_start")),
                name="supervisor_term_end_after_start",
            )
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.get_category_display()}）"

    def serving_on(self, day: datetime.date | None = None) -> bool:
        day = day or timezone.localdate()
        return self.term_start <= day <= self.term_end
