"""Inspection staff read the operations view (job runs)."""

from django.contrib.auth.management import create_permissions
from django.db import migrations


def forwards(apps, schema_editor):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    Group.objects.get(name="纪检监察人员").permissions.add(
        Permission.objects.get(content_type__app_label="units", codename="view_jobrun")
    )


class Migration(migrations.Migration):
    dependencies = [("units", "0004_jobrun")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
