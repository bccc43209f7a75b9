"""Inspection staff record accountability actions; leaders read them."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GRANTS = {
    "纪检监察人员": ["add_accountabilityaction", "change_accountabilityaction", "view_accountabilityaction"],
    "领导": ["view_accountabilityaction"],
}


def forwards(apps, schema_editor):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in GRANTS.items():
        group = Group.objects.get(name=name)
        group.permissions.add(
            *Permission.objects.filter(content_type__app_label="complaints", codename__in=codenames)
        )


class Migration(migrations.Migration):
    dependencies = [
        ("complaints", "0001_initial"),
        ("units", "0002_roles_and_schedule"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
