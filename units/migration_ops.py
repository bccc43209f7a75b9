"""What an app's data migration imports: role groups' permissions, a daily scheduled job.

Each app's data migration used to repeat the same block: create the permissions of models
created in the same migration run (Django only does it after `migrate` finishes), then add
codenames to role groups; or put a task on the beat's daily schedule. New migrations call
`permissions_grant` and `daily_job_schedule`; the old ones keep their own copies, so what
they did when they ran stays what they do.

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


def daily_job_schedule(
    apps: Any, *, name: str, task: str, hour: int, minute: int, description: str
) -> None:
    """Run `task` every day at hour:minute Beijing time (django-celery-beat), under `name`
    (what the operations page shows); again-safe. The beat re-reads its schedule."""
    from django.utils import timezone

    crontab, _created = apps.get_model(
        "django_celery_beat", "CrontabSchedule"
    ).objects.get_or_create(
        timezone="Asia/Shanghai",
        minute=str(minute),
        hour=str(hour),
        day_of_week="*",
        day_of_month="*",
        month_of_year="*",
    )
    apps.get_model("django_celery_beat", "PeriodicTask").objects.update_or_create(
        name=name,
        defaults={"task": task, "crontab": crontab, "interval": None, "description": description},
    )
    apps.get_model("django_celery_beat", "PeriodicTasks").objects.update_or_create(
        ident=1, defaults={"last_update": timezone.now()}
    )


def daily_job_unschedule(apps: Any, *, name: str) -> None:
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=name).delete()
