"""System checks for the audit trail: `manage.py check` (and so every start) refuses a
retention under the legal minimum or an audit model that does not exist."""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.conf import settings
from django.core.checks import Error, Tags, register

# Cybersecurity Law art. 21: network logs kept at least six months.
MINIMUM_RETENTION_DAYS = 180


@register(Tags.security)
def check_audit_retention(app_configs: Any = None, **kwargs: Any) -> list[Error]:
    days = getattr(settings, "ZUOFENG_AUDIT_RETENTION_DAYS", None)
    if not isinstance(days, int) or isinstance(days, bool) or days < MINIMUM_RETENTION_DAYS:
        return [
            Error(
                f"ZUOFENG_AUDIT_RETENTION_DAYS is {days!r}; audit records must be kept at "
                f"least {MINIMUM_RETENTION_DAYS} days (网络安全法第二十一条：日志留存不少于六个月).",
                hint="Set ZUOFENG_AUDIT_RETENTION_DAYS to 180 or more.",
                id="units.E101",
            )
        ]
    return []


@register()
def check_audit_models(app_configs: Any = None, **kwargs: Any) -> list[Error]:
    errors = []
    for label, time_field in getattr(settings, "ZUOFENG_AUDIT_EXTRA_MODELS", {}).items():
        try:
            model = apps.get_model(label)
        except (LookupError, ValueError):
            errors.append(
                Error(
                    f"ZUOFENG_AUDIT_EXTRA_MODELS names {label!r}, which is not a model.",
                    id="units.E102",
                )
            )
            continue
        names = {field.name for field in model._meta.concrete_fields}
        if time_field not in names:
            errors.append(
                Error(
                    f"ZUOFENG_AUDIT_EXTRA_MODELS: {label} has no field {time_field!r}.",
                    id="units.E103",
                )
            )
    return errors
