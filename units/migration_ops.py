"""What an app's data migration imports to give its role groups their permissions.

Each app's data migration used to repeat the same block: create the permissions of models
created in the same migration run (Django only does it after `migrate` finishes), then add
codenames to role groups. New migrations call `permissions_grant`; the old ones keep their
own copies, so what they did when they ran stays what they do.

Only the historical models of the migration (`apps`) are used: never import app models here.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.contrib.auth.management import create_permissions


def permissions_ensure(apps: Any) -> None:
    """Create the permission rows of every model known to this migration state."""
    for app_config in apps.get_app_configs():
        # create_permissions skips apps without a models module; historical apps have none.
        previous = getattr(app_config, "models_module", None)  # historical stubs have none
        app_config.models_module = previous or True
        try:
            create_permissions(app_config, apps=apps, verbosity=0)
        finally:
            app_config.models_module = previous


def permissions_grant(apps: Any, *, app_label: str, grants: Mapping[str, Iterable[str]]) -> None:
    """Give each group (by name, created if missing) the app's permissions by codename."""
    permissions_ensure(apps)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in grants.items():
        group, _created = Group.objects.get_or_create(name=name)
        group.permissions.add(
            *Permission.objects.filter(content_type__app_label=app_label, codename__in=codenames)
        )
