"""Schedule the daily end of 中止计时 pauses at their limit (complaints.tasks.expire_pauses),
before the escalation sweep (07:30) so that a restarted clock's moved deadline is what the
sweep reads."""

from django.db import migrations

SWEEP = "投诉中止计时到期恢复"
SWEEP_TASK = "complaints.tasks.expire_pauses"


def schedule(apps, schema_editor):
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTasks = apps.get_model("django_celery_beat", "PeriodicTasks")
    crontab, _ = CrontabSchedule.objects.get_or_create(
        timezone="Asia/Shanghai",
        minute="10",
        hour="7",
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
                "中止计时累计达到上限（默认10个工作日）的投诉自动恢复计时，办理期限顺延中止的"
                "工作日数，并告知承办单位；每次中止只恢复一次。"
            ),
        },
    )
    from django.utils import timezone

    PeriodicTasks.objects.update_or_create(ident=1, defaults={"last_update": timezone.now()})


def unschedule(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=SWEEP).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("complaints", "0018_complaint_pauses"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(schedule, unschedule)]
