"""Role groups with their global permissions (the schedule is in 0007_periodic_schedule)."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

INSPECTION_STAFF = "纪检监察人员"
LEADERSHIP = "领导"
UNIT_HEAD = "单位负责人"
LEADER_IN_CHARGE = "分管领导"
EVALUATOR = "考评人员"

MANAGED = ["unit", "person", "responsibility", "assessmentgroup", "leadinggroup",
           "leadinggroupmember", "calendaroverride"]

GROUP_PERMISSIONS = {
    INSPECTION_STAFF: [
        ("units", "view_all_units"),
        ("units", "oversee_all_units"),
        *[("units", f"{verb}_{model}") for model in MANAGED for verb in ("add", "change", "view")],
        ("units", "view_notification"),
        ("units", "view_unittransition"),
        ("django_celery_beat", "view_periodictask"),
        ("django_celery_beat", "change_periodictask"),
        ("django_celery_beat", "view_crontabschedule"),
        ("django_celery_beat", "view_intervalschedule"),
    ],
    LEADERSHIP: [
        ("units", "view_all_units"),
        *[("units", f"view_{model}") for model in MANAGED],
    ],
    UNIT_HEAD: [],
    LEADER_IN_CHARGE: [],
    EVALUATOR: [],
}


def forwards(apps, schema_editor):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, perms in GROUP_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=name)
        for app_label, codename in perms:
            group.permissions.add(
                Permission.objects.get(content_type__app_label=app_label, codename=codename)
            )


def backwards(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=list(GROUP_PERMISSIONS)).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("units", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
