"""The audit trail: the security log, the hash chain's links and archive marks; inspection
staff may read the security log and the archive marks in the admin; the sweeper that seals
audit records which escaped sealing runs every 5 minutes.

The append-only triggers are not created here: units installs them after every migrate, on
the audit tables of every app (units/audit.py).
"""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

SWEEPER = "封存审计记录（哈希链）"
SWEEPER_TASK = "units.tasks.seal_audit_records"


def grant_and_schedule(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    app_config = apps.get_app_config("units")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Permission = apps.get_model("auth", "Permission")
    # Only the county's inspection staff: the log covers every account (not 辖区纪检监察人员).
    views = Permission.objects.filter(
        content_type__app_label="units",
        codename__in=["view_securityevent", "view_auditarchive"],
    )
    for group in apps.get_model("auth", "Group").objects.filter(name="纪检监察人员"):
        group.permissions.add(*views)

    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTasks = apps.get_model("django_celery_beat", "PeriodicTasks")
    every, _ = IntervalSchedule.objects.get_or_create(every=5, period="minutes")
    PeriodicTask.objects.update_or_create(
        name=SWEEPER,
        defaults={
            "task": SWEEPER_TASK,
            "interval": every,
            "crontab": None,
            "description": "为批量写入或封存失败而尚未进入哈希链的审计记录补做封存（可重复执行）。",
        },
    )
    from django.utils import timezone

    PeriodicTasks.objects.update_or_create(ident=1, defaults={"last_update": timezone.now()})


def unschedule(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=SWEEPER).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("units", "0010_notification_claims"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="AuditArchive",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("table", models.CharField(max_length=100, verbose_name="Table")),
                ("through_seq", models.PositiveBigIntegerField(verbose_name="Archived through sequence number")),
                ("chain", models.CharField(max_length=64, verbose_name="Chain value at that point")),
                ("rows", models.PositiveIntegerField(verbose_name="Records archived")),
                ("before", models.DateTimeField(verbose_name="Records older than")),
                ("file", models.CharField(max_length=500, verbose_name="Archive file")),
                ("file_sha256", models.CharField(max_length=64, verbose_name="Archive file SHA-256")),
                ("archived_at", models.DateTimeField(default=django.utils.timezone.now, verbose_name="Archived at")),
            ],
            options={
                "verbose_name": "Audit archive",
                "verbose_name_plural": "Audit archives",
                "ordering": ["-archived_at", "table"],
            },
        ),
        migrations.CreateModel(
            name="AuditSeal",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("table", models.CharField(max_length=100, verbose_name="Table")),
                ("seq", models.PositiveBigIntegerField(verbose_name="Sequence number")),
                ("row_id", models.BigIntegerField(verbose_name="Record ID")),
                ("fields", models.TextField(verbose_name="Columns sealed")),
                ("row_hash", models.CharField(max_length=64, verbose_name="Record hash")),
                ("prev_chain", models.CharField(max_length=64, verbose_name="Previous chain value")),
                ("chain", models.CharField(max_length=64, verbose_name="Chain value")),
                ("sealed_at", models.DateTimeField(default=django.utils.timezone.now, verbose_name="Sealed at")),
            ],
            options={
                "verbose_name": "Audit seal",
                "verbose_name_plural": "Audit seals",
                "ordering": ["table", "seq"],
            },
        ),
        migrations.CreateModel(
            name="SecurityEvent",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("at", models.DateTimeField(db_index=True, default=django.utils.timezone.now, verbose_name="Time")),
                ("kind", models.CharField(choices=[("login", "Signed in"), ("logout", "Signed out"), ("login_failed", "Sign-in failed"), ("lockout", "Locked out after failed sign-ins"), ("two_factor_failed", "Wrong two-factor code"), ("permission_denied", "Access refused"), ("session_ended", "Sessions ended"), ("identity_request", "Asked to see a complainant's identity"), ("identity_decision", "Decided on a request to see an identity"), ("audit_archived", "Audit records archived")], max_length=32, verbose_name="Event")),
                ("username", models.CharField(blank=True, max_length=150, verbose_name="Username")),
                ("ip", models.CharField(blank=True, max_length=45, verbose_name="IP address")),
                ("path", models.CharField(blank=True, max_length=500, verbose_name="Address visited")),
                ("detail", models.TextField(blank=True, verbose_name="Detail")),
                ("user", models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name="+", to=settings.AUTH_USER_MODEL, verbose_name="Account")),
            ],
            options={
                "verbose_name": "Security log entry",
                "verbose_name_plural": "Security log",
                "ordering": ["-at", "-pk"],
                "indexes": [
                    models.Index(fields=["kind", "-at"], name="securityevent_kind_recent"),
                    models.Index(fields=["user", "-at"], name="securityevent_user_recent"),
                ],
            },
        ),
        migrations.AddConstraint(
            model_name="auditarchive",
            constraint=models.UniqueConstraint(fields=("table", "through_seq"), name="auditarchive_one_per_point"),
        ),
        migrations.AddConstraint(
            model_name="auditseal",
            constraint=models.UniqueConstraint(fields=("table", "seq"), name="auditseal_one_per_seq"),
        ),
        migrations.AddConstraint(
            model_name="auditseal",
            constraint=models.UniqueConstraint(fields=("table", "row_id"), name="auditseal_one_per_row"),
        ),
        migrations.RunPython(grant_and_schedule, unschedule),
    ]
