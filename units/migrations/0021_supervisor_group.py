"""The supervisors' role group (监督员). It carries no permission: what a supervisor sees is
the roster's list of units they watch (units.models.supervisors), never a unit grant."""

from django.db import migrations

SUPERVISOR = "监督员"


def forwards(apps, schema_editor):
    apps.get_model("auth", "Group").objects.get_or_create(name=SUPERVISOR)


def backwards(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name=SUPERVISOR).delete()


class Migration(migrations.Migration):
    dependencies = [("units", "0020_supervisors")]

    operations = [migrations.RunPython(forwards, backwards)]
