"""The whole periodic schedule, in one place (django-celery-beat, editable in the admin).

Every periodic job of every app is listed here (the apps' earlier migrations no longer
schedule anything), so an operator reads one table. Times are Beijing time. Officers change
times or pause a job in the admin (周期性任务); a later change to the defaults is a new
migration like this one.
"""

from django.db import migrations

TZ = "Asia/Shanghai"

# name, task, schedule (crontab fields or {"every": minutes}), description
SCHEDULE = [
    ("补发未送达的通知邮件", "units.tasks.drain_notification_emails", {"every": 5},
     "消息队列曾不可用或任务丢失时，补发尚未发出的通知邮件。"),
    ("每日同步责任分工权限", "units.tasks.sync_responsibilities",
     {"minute": "10", "hour": "0"},
     "按开始、结束日期授予或收回责任人的单位权限。"),
    ("考核结果每日重算", "assessments.tasks.recompute_open_schemes",
     {"minute": "30", "hour": "1"},
     "考核方案进行中（未发布）时，每晚按最新加扣分、测评和考评数据重新计算考核结果和排名。"),
    ("每月起草整改情况通报", "campaign.tasks.draft_monthly_circulars",
     {"minute": "0", "hour": "7", "day_of_month": "1"},
     "每月1日按整改率、按期整改率和逾期数为进行中的专项活动起草整改完成情况通报，供编辑后发布。"),
    ("每日投诉催办督办", "complaints.tasks.escalation_sweep",
     {"minute": "30", "hour": "7"},
     "临期提醒；逾期转督办并发催办通知；仍逾期转挂牌督办。"),
    ("周检查：每周领导简报", "units.tasks.send_weekly_digest",
     {"minute": "0", "hour": "8", "day_of_week": "1"},
     "每周一汇总上周新增和逾期投诉、销号和逾期整改事项、逾期最多的单位，发送领导和纪检监察人员。"),
    ("整改事项和规定动作到期提醒", "campaign.tasks.sweep_reminders",
     {"minute": "30", "hour": "8"},
     "到期前3个、1个工作日和逾期当日提醒责任人和单位负责人，每条提醒只发一次。"),
    ("月点评：每月领导简报", "units.tasks.send_monthly_digest",
     {"minute": "30", "hour": "8", "day_of_month": "1"},
     "每月1日汇总上月情况并与前一月对比，发送领导和纪检监察人员。"),
    ("季小结：每季度领导简报", "units.tasks.send_quarterly_digest",
     {"minute": "0", "hour": "9", "day_of_month": "1", "month_of_year": "1,4,7,10"},
     "每季度首日汇总上季度情况并与前一季度对比，发送领导和纪检监察人员。"),
]


def grant_digests(apps, schema_editor):
    """Digests are read in the admin too, by the people they are written for."""
    from django.contrib.auth.management import create_permissions

    app_config = apps.get_app_config("units")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Permission = apps.get_model("auth", "Permission")
    view = Permission.objects.get(content_type__app_label="units", codename="view_digest")
    for group in apps.get_model("auth", "Group").objects.filter(name__in=["纪检监察人员", "领导"]):
        group.permissions.add(view)


def forwards(apps, schema_editor):
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTasks = apps.get_model("django_celery_beat", "PeriodicTasks")
    for name, task, when, description in SCHEDULE:
        defaults = {"task": task, "description": description, "crontab": None, "interval": None}
        if "every" in when:
            defaults["interval"], _ = IntervalSchedule.objects.get_or_create(
                every=when["every"], period="minutes"
            )
        else:
            fields = {"minute": "0", "hour": "*", "day_of_week": "*", "day_of_month": "*",
                      "month_of_year": "*", **when}
            defaults["crontab"], _ = CrontabSchedule.objects.get_or_create(timezone=TZ, **fields)
        PeriodicTask.objects.update_or_create(name=name, defaults=defaults)
    # Queryset updates do not bump beat's change marker: tell a running beat to reload.
    from django.utils import timezone

    PeriodicTasks.objects.update_or_create(ident=1, defaults={"last_update": timezone.now()})


def backwards(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(
        name__in=[name for name, *_ in SCHEDULE]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("units", "0006_digest"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [
        migrations.RunPython(forwards, backwards),
        migrations.RunPython(grant_digests, migrations.RunPython.noop),
    ]
