"""Schedule the daily sweep of uploads staged for an import preview and never confirmed
(units.tasks.sweep_staged_uploads; the keeping time is ZUOFENG_STAGED_UPLOAD_HOURS)."""

from django.db import migrations

SWEEP = "清理过期的导入暂存文件"
SWEEP_TASK = "units.tasks.sweep_staged_uploads"


def schedule(apps, schema_editor):
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTasks = apps.get_model("django_celery_beat", "PeriodicTasks")
    crontab, _ = CrontabSchedule.objects.get_or_create(
        timezone="Asia/Shanghai",
        minute="20",
        hour="3",
        day_of_week="*",
        day_of_month="*",
        month_of_year="*",
    )
    PeriodicTask.objects.update_or_create(
        name=SWEEP,
        defaults={
            "task": SWEEP_TASK,
            "crontab": crontab,
            "interval": None,
            "description": (
                "删除上传后只做了预览、超过保留时间（ZUOFENG_STAGED_UPLOAD_HOURS，默认24小时）"
                "仍未确认导入的文件，以及已完成导入的暂存记录（可重复执行）。"
            ),
        },
    )
    from django.utils import timezone

    PeriodicTasks.objects.update_or_create(ident=1, defaults={"last_update": timezone.now()})


def unschedule(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=SWEEP).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("units", "0016_cadre_flags"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(schedule, unschedule)]
