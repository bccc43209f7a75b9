"""Schedule the daily sweep of 为民办实事 milestones (campaign.tasks.sweep_project_milestones):
a reminder before the due date, an overdue notice from the day after, 挂牌督办 later."""

from django.db import migrations

SWEEP = "为民办实事项目节点提醒和督办"
SWEEP_TASK = "campaign.tasks.sweep_project_milestones"


def schedule(apps, schema_editor):
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTasks = apps.get_model("django_celery_beat", "PeriodicTasks")
    crontab, _ = CrontabSchedule.objects.get_or_create(
        timezone="Asia/Shanghai",
        minute="40",
        hour="8",
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
                "为民办实事项目节点到期前3个工作日提醒责任人和单位负责人，逾期次日发逾期提醒，"
                "逾期超过5个工作日仍未完成的转挂牌督办并告知纪检监察人员；每条只发一次。"
            ),
        },
    )
    from django.utils import timezone

    PeriodicTasks.objects.update_or_create(ident=1, defaults={"last_update": timezone.now()})


def unschedule(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=SWEEP).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("campaign", "0010_people_projects"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(schedule, unschedule)]
