"""Attachments, served through the same scoping as their records, never from a public URL."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest
from django.views.decorators.http import require_GET

from campaign import permissions


def file_response(field: Any) -> FileResponse:
    if not field:
        raise Http404
    try:
        handle = field.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    return FileResponse(handle, as_attachment=True, filename=field.name.rsplit("/", 1)[-1])


@login_required
@require_GET
def progress_attachment(request: HttpRequest, pk: int) -> FileResponse:
    update = permissions.get_progress_for_user_or_404(request.user, pk)
    return file_response(update.attachment)


@login_required
@require_GET
def submission_attachment(request: HttpRequest, pk: int) -> FileResponse:
    submission = permissions.get_submission_for_user_or_404(request.user, pk)
    return file_response(submission.attachment)


@login_required
@require_GET
def finding_evidence(request: HttpRequest, pk: int) -> FileResponse:
    finding = permissions.get_finding_for_user_or_404(request.user, pk)
    return file_response(finding.evidence)
