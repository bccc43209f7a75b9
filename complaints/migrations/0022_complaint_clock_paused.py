from django.db import migrations, models


def mark_paused(apps, schema_editor):
    """Cases whose clock is paused now (an open pause) say so."""
    Complaint = apps.get_model("complaints", "Complaint")
    ComplaintPause = apps.get_model("complaints", "ComplaintPause")
    open_pauses = ComplaintPause.objects.filter(ended_on__isnull=True).values("complaint_id")
    Complaint.objects.filter(pk__in=open_pauses).update(clock_paused=True)


class Migration(migrations.Migration):
    dependencies = [
        ("complaints", "0021_figures_scoped_rollup"),
    ]

    operations = [
        migrations.AddField(
            model_name="complaint",
            name="clock_paused",
            field=models.BooleanField(
                default=False, db_default=False, editable=False, verbose_name="Clock paused"
            ),
        ),
        migrations.RunPython(mark_paused, migrations.RunPython.noop),
    ]
