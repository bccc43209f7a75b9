"""Seed the problem catalogue, grant role permissions, schedule the sweeps."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

from campaign.catalogue import flatten

MODELS = [
    "campaign", "phase", "deliverable", "submission", "problemcategory", "rectificationitem",
    "progressupdate", "extensionrequest", "inspection", "finding", "circular", "circularmention",
]
GRANTS = {
    "纪检监察人员": [f"{verb}_{model}" for model in MODELS for verb in ("add", "change", "view")]
    + ["view_rectificationtransition", "view_submissiontransition", "view_circulartransition",
       "view_campaigntransition"],
    "领导": [f"view_{model}" for model in MODELS],
}
TASKS = [
    ("整改事项和规定动作到期提醒", "campaign.tasks.sweep_reminders",
     {"minute": "30", "hour": "8", "day_of_month": "*"},
     "到期前3个、1个工作日和逾期当日提醒责任人和单位负责人，每条提醒只发一次。"),
    ("每月起草整改情况通报", "campaign.tasks.draft_monthly_circulars",
     {"minute": "0", "hour": "7", "day_of_month": "1"},
     "每月1日按整改率、按期整改率和逾期数为进行中的专项活动起草整改完成情况通报，供编辑后发布。"),
]


def forwards(apps, schema_editor):
    ProblemCategory = apps.get_model("campaign", "ProblemCategory")
    by_code = {}
    for code, parent, name, name_en, source, order in flatten():
        category, _ = ProblemCategory.objects.update_or_create(
            code=code,
            defaults={"parent": by_code.get(parent), "name": name, "name_en": name_en,
                      "source": source, "sort_order": order},
        )
        by_code[code] = category

    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in GRANTS.items():
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.add(
            *Permission.objects.filter(content_type__app_label="campaign", codename__in=codenames)
        )

    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    for name, task, when, description in TASKS:
        schedule, _ = CrontabSchedule.objects.get_or_create(
            day_of_week="*", month_of_year="*", timezone="Asia/Shanghai", **when
        )
        PeriodicTask.objects.update_or_create(
            name=name, defaults={"task": task, "crontab": schedule, "description": description}
        )


def backwards(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(
        name__in=[name for name, *_ in TASKS]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("campaign", "0001_initial"),
        ("units", "0002_roles_and_schedule"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
