"""辖区纪检监察人员: inspection staff confined to a subtree (a township's discipline office).

The group copies the abilities every app's migrations gave 纪检监察人员, so it lives in the
app at the top of the import order and runs after those grants. Left out is everything that
reaches the whole county whatever the jurisdiction: the two `*_all_units` permissions,
`complaints.view_all_complaints` (no longer a scope, and a misleading name on such a group),
the county's annual assessment (schemes, scoring, the ranking), the job runs and the beat
schedule.
Which units the officer oversees comes from `units.oversee_unit` on the subtree's root
(`manage.py create_subtree_officer`).
"""

from django.db import migrations

SOURCE = "纪检监察人员"
TARGET = "辖区纪检监察人员"
COUNTY_WIDE = {
    ("units", "view_all_units"),
    ("units", "oversee_all_units"),
    ("complaints", "view_all_complaints"),
    ("units", "view_jobrun"),  # the operations view: every job of the whole system
}
COUNTY_WIDE_APPS = {"assessments", "django_celery_beat"}


def forwards(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    target, _ = Group.objects.get_or_create(name=TARGET)
    source = Group.objects.filter(name=SOURCE).first()
    if source is None:
        return
    target.permissions.set(
        [
            perm
            for perm in source.permissions.select_related("content_type")
            if perm.content_type.app_label not in COUNTY_WIDE_APPS
            and (perm.content_type.app_label, perm.codename) not in COUNTY_WIDE
        ]
    )


def backwards(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name=TARGET).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("assessments", "0002_role_permissions"),
        ("units", "0007_periodic_schedule"),
        ("campaign", "0004_accountability_from_complaints"),
        ("complaints", "0004_roles_categories_schedule"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
