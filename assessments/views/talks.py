"""约谈提醒 pages: the scheme's talks for the officer, a leader's own, one talk and its record."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext_noop
from django.views.decorators.http import require_GET, require_POST

from assessments import permissions, selectors, services
from assessments.forms import TalkRecordForm
from assessments.models import ReminderTalk
from units.actions import Action, perform


@login_required
@require_GET
def scheme_talks(request: HttpRequest, pk: int) -> HttpResponse:
    """Every talk of a scheme with its state, for the officer (the scheme's readers)."""
    scheme = permissions.get_scheme_for_user_or_404(request.user, pk)
    talks = list(selectors.talk_list(user=request.user, scheme=scheme))
    draft = getattr(scheme, "commendation", None)
    return render(
        request,
        "assessments/talk_list.html",
        {
            "scheme": scheme,
            "talks": talks,
            "circular": draft.circular if draft else None,
            "counts": _counts(talks),
        },
    )


@login_required
@require_GET
def my_talks(request: HttpRequest) -> HttpResponse:
    """The talks the user holds (a leader in charge), or reads (the officer: every scheme)."""
    talks = list(selectors.talk_list(user=request.user))
    return render(
        request,
        "assessments/talk_list.html",
        {"scheme": None, "talks": talks, "circular": None, "counts": _counts(talks)},
    )


def _counts(talks: list[ReminderTalk]) -> dict[str, int]:
    counts = dict.fromkeys(ReminderTalk.Status.values, 0)
    for talk in talks:  # the rows already on the page
        counts[talk.status] += 1
    return counts


def _talk_page(
    request: HttpRequest, talk: ReminderTalk, extra: dict[str, Any] | None = None
) -> HttpResponse:
    context = {
        "talk": talk,
        "scheme": talk.scheme,
        "result": talk.scheme.results.filter(unit_id=talk.unit_id).first(),
        "records": _records(talk),
        "can_record": talk.status == ReminderTalk.Status.OPEN
        and permissions.can_record_talk(request.user, talk),
        "is_reader": permissions.can_view_dashboard(request.user)
        or permissions.can_manage_schemes(request.user),
        **(extra or {}),
    }
    context.setdefault("record_form", TalkRecordForm(auto_id="record_%s"))
    return render(request, "assessments/talk_detail.html", context)


def _records(talk: ReminderTalk) -> list[Any]:
    labels = dict(ReminderTalk.Status.choices)
    records = list(talk.transitions.select_related("actor"))
    for record in records:  # one talk's few moves
        record.to_label = labels.get(record.to_status, record.to_status)  # type: ignore[attr-defined]
    return records


@login_required
@require_GET
def talk_detail(request: HttpRequest, pk: int) -> HttpResponse:
    talk = permissions.get_talk_for_user_or_404(request.user, pk)
    return _talk_page(request, talk)


TALK_ACTIONS = {
    "record": Action(
        form=TalkRecordForm,
        allowed=permissions.can_record_talk,
        call=lambda request, talk, data: services.talk_record(
            talk=talk, actor=request.user, **data
        ),
        done=gettext_noop("The record of the talk is saved."),
    ),
}


@login_required
@require_POST
def talk_record(request: HttpRequest, pk: int) -> HttpResponse:
    talk = permissions.get_talk_for_user_or_404(request.user, pk)
    return perform(
        request,
        talk,
        name="record",
        actions=TALK_ACTIONS,
        success_url=reverse("assessments:talk_detail", args=[talk.pk]),
        refused=_talk_page,
    )
