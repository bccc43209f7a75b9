"""Complaint permissions for the role groups and default categories (schedule: units 0007)."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

STAFF_MODELS = ["complaint", "complaintcategory", "complaintattachment", "complainttransition",
                "extensionrequest"]
GRANTS = {
    "纪检监察人员": [
        "handle_complaint",
        "view_all_complaints",
        "view_complaint_figures",
        "view_complainant_identity",
        "view_identityreveal",
        *[f"{verb}_{model}" for model in STAFF_MODELS for verb in ("add", "change", "view")],
    ],
    "领导": ["view_all_complaints", "view_complaint_figures", "view_complaint",
             "view_complaintcategory"],
    "考评人员": ["view_complaint_figures"],
}

CATEGORIES = [
    # name, accept, handle, urgent
    ("服务态度", 3, 15, 3),
    ("办事效率", 3, 15, 3),
    ("履职尽责", 3, 15, 3),
    ("廉洁自律", 3, 15, 3),
    ("工作纪律", 3, 15, 3),
    ("政务公开", 3, 15, 3),
    ("其他", 3, 15, 3),
]


def forwards(apps, schema_editor):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in GRANTS.items():
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.add(
            *Permission.objects.filter(content_type__app_label="complaints", codename__in=codenames)
        )
    Category = apps.get_model("complaints", "ComplaintCategory")
    for order, (name, accept, handle, urgent) in enumerate(CATEGORIES, start=1):
        Category.objects.get_or_create(
            name=name,
            defaults={"accept_days": accept, "handle_days": handle, "urgent_days": urgent,
                      "sort_order": order},
        )


def backwards(apps, schema_editor):
    pass


class Migration(migrations.Migration):
    dependencies = [
        ("complaints", "0003_complaint"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
