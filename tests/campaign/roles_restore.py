"""Re-create the role groups and their permissions when a previous transactional test left
the database without them (the serialized rollback does not always restore them)."""

from __future__ import annotations

import importlib

from django.apps import apps
from django.contrib.auth.management import create_permissions
from django.contrib.auth.models import Group, Permission


def _grants() -> dict[str, list[tuple[str, str]]]:
    units = importlib.import_module("units.migrations.0002_roles_and_schedule")
    complaints = importlib.import_module("complaints.migrations.0002_role_permissions")
    campaign = importlib.import_module("campaign.migrations.0002_catalogue_roles_schedule")
    grants: dict[str, list[tuple[str, str]]] = {
        name: list(perms) for name, perms in units.GROUP_PERMISSIONS.items()
    }
    for module, label in ((complaints, "complaints"), (campaign, "campaign")):
        for name, codenames in module.GRANTS.items():
            grants.setdefault(name, []).extend((label, codename) for codename in codenames)
    return grants


def ensure_roles() -> None:
    """Idempotent: permissions, groups, grants and the problem catalogue are got or created."""
    from campaign.catalogue import flatten
    from campaign.models import ProblemCategory

    by_code: dict[str, ProblemCategory] = {}
    for code, parent, name, name_en, source, order in flatten():
        by_code[code], _ = ProblemCategory.objects.get_or_create(
            code=code,
            defaults={
                "parent": by_code.get(parent) if parent else None,
                "name": name,
                "name_en": name_en,
                "source": source,
                "sort_order": order,
            },
        )
    for app_config in apps.get_app_configs():
        create_permissions(app_config, verbosity=0)
    for name, perms in _grants().items():
        group, _ = Group.objects.get_or_create(name=name)
        for app_label, codename in perms:
            permission = Permission.objects.filter(
                content_type__app_label=app_label, codename=codename
            ).first()
            if permission is not None:
                group.permissions.add(permission)
