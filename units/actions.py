"""The one way a page performs a state change (modelled on the complaints ACTIONS table).

A view declares a table of named actions: the form that validates the input, who may do it,
the one service it calls and the message it leaves. `perform` fetches nothing itself (the
view has already fetched the object through its permission helper): it checks the ability,
validates the form, calls the service and redirects; bad input or a refused move answers 400
with the page re-rendered and a Chinese message, never a 500 and never a silent redirect.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from units.transitions import InvalidTransition

Refused = Callable[[HttpRequest, Any, dict[str, Any]], HttpResponse]


def error_text(exc: ValidationError | InvalidTransition | str) -> str:
    """One line of Chinese for a refused move or bad input (messages joined with ；)."""
    if isinstance(exc, ValidationError):
        return "；".join(str(m) for m in exc.messages)
    return str(exc)


def form_error_text(form: forms.BaseForm) -> str:
    """A form's errors as one line: “label：error” per field."""
    parts = []
    for field, errors in form.errors.items():
        label = form.fields[field].label if field in form.fields else ""
        joined = "；".join(str(e) for e in errors)
        parts.append(f"{label}：{joined}" if label else joined)
    return " ".join(parts)


def attach_errors(form: forms.BaseForm, exc: ValidationError) -> None:
    """A service's ValidationError onto the form (field errors where the field exists)."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


@dataclass(frozen=True)
class Action:
    """One named move a page offers."""

    form: type[forms.BaseForm] | None
    allowed: Callable[[Any, Any], bool]
    call: Callable[[HttpRequest, Any, dict[str, Any]], Any]
    done: str  # gettext_noop'd; translated when shown
    form_kwargs: Callable[[HttpRequest, Any], dict[str, Any]] | None = None


def perform(
    request: HttpRequest,
    obj: Any,
    *,
    name: str,
    actions: Mapping[str, Action],
    success_url: str,
    refused: Refused,
) -> HttpResponse:
    """Run action `name` on `obj`: redirect on success; `refused(...)` with status 400 if not.

    `refused(request, obj, context)` renders the page again; its context carries
    `<name>_form` (with its errors), `failed_action` and `error` (one Chinese line).
    """
    action = actions.get(name)
    if action is None:
        raise Http404
    if not action.allowed(request.user, obj):
        raise PermissionDenied(_("You may not do this."))
    form = None
    data: dict[str, Any] = {}
    if action.form is not None:
        extra = action.form_kwargs(request, obj) if action.form_kwargs else {}
        form = action.form(request.POST, request.FILES or None, auto_id=f"{name}_%s", **extra)
        if not form.is_valid():
            return _refuse(request, obj, name, form, form_error_text(form), refused)
        data = form.cleaned_data
    try:
        action.call(request, obj, data)
    except ValidationError as exc:
        if form is not None:
            attach_errors(form, exc)
        return _refuse(request, obj, name, form, error_text(exc), refused)
    except InvalidTransition as exc:
        if form is not None:
            form.add_error(None, str(exc))
        return _refuse(request, obj, name, form, error_text(exc), refused)
    messages.success(request, _(action.done))
    return redirect(success_url)


def _refuse(
    request: HttpRequest,
    obj: Any,
    name: str,
    form: forms.BaseForm | None,
    text: str,
    refused: Refused,
) -> HttpResponse:
    messages.error(request, text)
    context: dict[str, Any] = {"failed_action": name, "error": text}
    if form is not None:
        context[f"{name}_form"] = form
    response = refused(request, obj, context)
    response.status_code = 400
    return response
