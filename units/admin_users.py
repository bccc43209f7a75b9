"""Login accounts in the admin: Django's user pages, with sessions that end when they should.

Deactivating an account, taking away a group or the staff/superuser flag ends the account's
open sessions (units.services.user_sessions_end); a superuser can also end them by hand,
from the list (an action) or the account's page (a button). Each end is recorded
(SessionEnd, read-only here) and in the account's admin history.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseNotAllowed,
    HttpResponseRedirect,
)
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from units import services
from units.admin_base import KeepsAuditTrail, ReadOnlyAdmin
from units.models import SessionEnd

User = get_user_model()


class AccountAdmin(KeepsAuditTrail, UserAdmin):
    actions = ["deactivate_accounts", "end_sessions"]

    def has_end_sessions_permission(self, request: HttpRequest) -> bool:
        return bool(request.user.is_active and request.user.is_superuser)

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        # Runs after save_model and saves the groups: the one place that sees both changes.
        user = form.instance
        groups_before = set(user.groups.values_list("pk", flat=True)) if change else set()
        super().save_related(request, form, formsets, change)
        if not change:
            return
        changed = set(form.changed_data)
        if "is_active" in changed and not user.is_active:
            reason = SessionEnd.Reason.DEACTIVATED
        elif (
            groups_before - set(user.groups.values_list("pk", flat=True))
            or ("is_staff" in changed and not user.is_staff)
            or ("is_superuser" in changed and not user.is_superuser)
        ):
            reason = SessionEnd.Reason.ROLE_REMOVED
        else:
            return
        services.user_sessions_end(user=user, actor=request.user, reason=reason)
        self.message_user(
            request,
            _("All sessions of %(username)s have been ended.") % {"username": user.get_username()},
            level=messages.INFO,
        )

    @admin.action(
        description=gettext_lazy("Deactivate the selected accounts"), permissions=["change"]
    )
    def deactivate_accounts(self, request: HttpRequest, queryset: models.QuerySet) -> None:
        done: list[str] = []
        for user in queryset:
            try:
                services.user_deactivate(user=user, actor=request.user)
            except ValidationError as error:
                self.message_user(
                    request, f"{user.get_username()}：{'；'.join(error.messages)}", messages.ERROR
                )
            else:
                self.log_change(request, user, _("Deactivated; open sessions ended."))
                done.append(user.get_username())
        if done:
            self.message_user(
                request, _("Deactivated: %(names)s") % {"names": "、".join(done)}, messages.SUCCESS
            )

    @admin.action(
        description=gettext_lazy("End all sessions of the selected users"),
        permissions=["end_sessions"],
    )
    def end_sessions(self, request: HttpRequest, queryset: models.QuerySet) -> None:
        names = []
        for user in queryset:
            self._end_sessions(request, user)
            names.append(user.get_username())
        self.message_user(
            request,
            _("Sessions ended: %(names)s") % {"names": "、".join(names)},
            messages.SUCCESS,
        )

    def _end_sessions(self, request: HttpRequest, user: Any) -> None:
        services.user_sessions_end(
            user=user, actor=request.user, reason=SessionEnd.Reason.ADMINISTRATOR
        )
        self.log_change(request, user, _("Ended all open sessions."))

    def get_urls(self) -> list[Any]:
        return [
            path(
                "<id>/end-sessions/",
                self.admin_site.admin_view(self.end_sessions_view),
                name="auth_user_end_sessions",
            ),
            *super().get_urls(),
        ]

    def end_sessions_view(self, request: HttpRequest, id: str) -> HttpResponse:
        """The button on an account's page (POST only, superusers only)."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        if not self.has_end_sessions_permission(request):
            raise PermissionDenied
        user = self.get_object(request, unquote(id))
        if user is None:
            raise Http404(_("Record not found."))
        self._end_sessions(request, user)
        self.message_user(
            request,
            _("All sessions of %(username)s have been ended.") % {"username": user.get_username()},
            messages.SUCCESS,
        )
        return HttpResponseRedirect(reverse("admin:auth_user_change", args=[user.pk]))

    def render_change_form(
        self, request: HttpRequest, context: dict[str, Any], *args: Any, **kwargs: Any
    ) -> Any:
        context["can_end_sessions"] = self.has_end_sessions_permission(request)
        return super().render_change_form(request, context, *args, **kwargs)


admin.site.unregister(User)
admin.site.register(User, AccountAdmin)


@admin.register(SessionEnd)
class SessionEndAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "user", "reason", "actor"]
    list_filter = ["reason"]
    list_select_related = ["user", "actor"]
    search_fields = ["user__username", "user__first_name"]
    date_hierarchy = "created_at"
