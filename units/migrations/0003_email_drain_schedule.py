"""Formerly scheduled the e-mail drain; the whole schedule is now 0007_periodic_schedule."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("units", "0002_roles_and_schedule")]

    operations: list[migrations.operations.base.Operation] = []
