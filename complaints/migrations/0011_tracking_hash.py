"""Receipts stored as a keyed hash: hash every existing tracking code, then drop the codes.

Codes already given out keep working: a look-up hashes what the complainant types and
finds the same hash. Irreversible: the clear codes are gone (that is the point).
"""

from django.db import migrations, models

BATCH = 2000


def hash_existing_codes(apps, schema_editor):
    from complaints.tracking import tracking_hasher

    Complaint = apps.get_model("complaints", "Complaint")
    # tests/bootstrap.py replays data migrations with the current models and no editor.
    alias = schema_editor.connection.alias if schema_editor is not None else "default"
    if not Complaint.objects.using(alias).exists():
        return
    digest = tracking_hasher()
    rows = Complaint.objects.using(alias).only("pk", "tracking_code")
    batch = []
    for complaint in rows.order_by("pk").iterator(chunk_size=BATCH):
        complaint.tracking_hash = digest(complaint.tracking_code)
        batch.append(complaint)
        if len(batch) >= BATCH:
            Complaint.objects.using(alias).bulk_update(batch, ["tracking_hash"])
            batch = []
    if batch:
        Complaint.objects.using(alias).bulk_update(batch, ["tracking_hash"])


class Migration(migrations.Migration):
    dependencies = [
        ("complaints", "0010_attachment_sharing"),
    ]

    operations = [
        migrations.AddField(
            model_name="complaint",
            name="tracking_hash",
            field=models.CharField(max_length=64, null=True, verbose_name="Tracking code hash"),
        ),
        migrations.RunPython(hash_existing_codes, reverse_code=None, elidable=False),
        migrations.AlterField(
            model_name="complaint",
            name="tracking_hash",
            field=models.CharField(max_length=64, unique=True, verbose_name="Tracking code hash"),
        ),
        migrations.RemoveField(
            model_name="complaint",
            name="tracking_code",
        ),
    ]
