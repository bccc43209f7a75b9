"""问责: one action's page, reached from its source and from the results that cite it."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from campaign import permissions


@login_required
@require_GET
def accountability_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """What, against whom, why, by which document and decision, who recorded it, its source."""
    action = permissions.get_accountability_for_user_or_404(request.user, pk)
    source = action.source  # the complaint, finding or inspection (one query, any kind)
    return render(
        request,
        "campaign/accountability_detail.html",
        {
            "action": action,
            "source": source,
            "source_url": source.get_absolute_url() if source is not None else "",
            "source_kind": action.source_type.model_class()._meta.verbose_name  # type: ignore[union-attr]
            if action.source_type_id
            else "",
        },
    )
