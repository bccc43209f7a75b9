from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("units", "0009_session_cutoff")]

    operations = [
        migrations.AddField(
            model_name="notification",
            name="email_claimed_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="E-mail claimed at"),
        ),
        migrations.AddField(
            model_name="notification",
            name="sms_claimed_at",
            field=models.DateTimeField(
                blank=True, null=True, verbose_name="Text message claimed at"
            ),
        ),
    ]
