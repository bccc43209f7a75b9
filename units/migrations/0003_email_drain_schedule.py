"""Every five minutes, e-mail the notices whose delivery was never enqueued."""

from django.db import migrations

NAME = "补发未送达的通知邮件"


def forwards(apps, schema_editor):
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    every, _ = IntervalSchedule.objects.get_or_create(every=5, period="minutes")
    PeriodicTask.objects.update_or_create(
        name=NAME,
        defaults={
            "task": "units.tasks.drain_notification_emails",
            "interval": every,
            "description": "消息队列曾不可用或任务丢失时，补发尚未发出的通知邮件。",
        },
    )


def backwards(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=NAME).delete()


class Migration(migrations.Migration):
    dependencies = [("units", "0002_roles_and_schedule")]

    operations = [migrations.RunPython(forwards, backwards)]
