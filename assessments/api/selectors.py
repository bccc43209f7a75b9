"""What an API caller reads of the assessment: published results only; a person what the
results pages show them (`results_visible_to`), a client its unit subtree's rows."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from assessments import selectors
from assessments.models import AssessmentResult, AssessmentScheme
from units.models import IntegrationClient
from units.types import AnyUser

PUBLISHED = AssessmentScheme.Status.PUBLISHED


def api_results(*, client: IntegrationClient | None, user: AnyUser) -> QuerySet[AssessmentResult]:
    """The published results the caller may read."""
    if client is not None:
        qs = AssessmentResult.objects.filter(client.subtree_q("unit__"))
    else:
        qs = selectors.results_visible_to(user=user)
    return qs.filter(scheme__status=PUBLISHED)


def api_schemes(*, client: IntegrationClient | None, user: AnyUser) -> QuerySet[AssessmentScheme]:
    """Published schemes with a result the caller may read, the latest year first."""
    return AssessmentScheme.objects.filter(
        status=PUBLISHED,
        pk__in=api_results(client=client, user=user).order_by().values("scheme_id"),
    ).order_by("-year", "-pk")


def api_scheme_or_404(
    *, client: IntegrationClient | None, user: AnyUser, year: int
) -> AssessmentScheme:
    scheme = api_schemes(client=client, user=user).filter(year=year).first()
    if scheme is None:
        raise Http404(_("No published rankings for that year."))
    return scheme


def api_ranking(
    *,
    client: IntegrationClient | None,
    user: AnyUser,
    scheme: AssessmentScheme,
    group_id: int | None = None,
) -> QuerySet[AssessmentResult]:
    """The ranking as the leaders' dashboard orders it (`selectors.ranking`), confined to
    what the caller reads; the unit's path breaks ties, so pages never overlap."""
    if client is not None:
        qs = selectors.ranking(scheme=scheme, group_id=group_id).filter(client.subtree_q("unit__"))
    else:
        qs = selectors.ranking(scheme=scheme, group_id=group_id, reader=user)
    return qs.filter(scheme__status=PUBLISHED).select_related("scheme")
