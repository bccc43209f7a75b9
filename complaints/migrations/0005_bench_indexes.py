from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("complaints", "0004_roles_categories_schedule"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="complaint",
            index=models.Index(
                condition=models.Q(
                    (
                        "status__in",
                        [
                            "accepted",
                            "answered",
                            "assigned",
                            "registered",
                            "reroute_requested",
                            "return_visit",
                            "sent_back",
                        ],
                    )
                ),
                fields=["received_at", "id"],
                name="complaint_open_received",
            ),
        ),
    ]
