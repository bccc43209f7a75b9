"""Apps plug into the shell through their AppConfig, in INSTALLED_APPS order; no probing."""

import pytest
from django.apps import apps

from units import extensions
from units.jobs import enqueue, registered_task


def test_hooks_come_from_the_app_configs_in_installed_apps_order():
    assert [hook.__module__ for hook in extensions.hooks("demo")] == [
        "campaign.demo",
        "complaints.demo",
        "assessments.demo",
    ]
    assert [hook.__module__ for hook in extensions.hooks("digest_backlog")] == [
        "campaign.nav",
        "complaints.nav",
    ]


def test_every_declared_hook_is_a_callable():
    plugged = [c for c in apps.get_app_configs() if isinstance(c, extensions.ShellAppConfig)]
    assert [config.label for config in plugged] == ["campaign", "complaints", "assessments"]
    for config in plugged:
        for name in extensions.HOOKS:
            path = getattr(config, name)
            if path:
                assert path.startswith(f"{config.name}."), path
                assert callable(extensions._load(path))


def test_an_unknown_hook_is_an_error_not_silence():
    with pytest.raises(ValueError):
        list(extensions.hooks("nav_item"))


def test_a_service_enqueues_a_task_by_its_name():
    task = registered_task("units.tasks.deliver_notification_emails")
    assert task.name == "units.tasks.deliver_notification_emails"
    with pytest.raises(KeyError):
        registered_task("units.tasks.no_such_task")


@pytest.mark.django_db
def test_enqueue_by_name_runs_the_task():
    assert enqueue("units.tasks.deliver_notification_emails", []) is True
