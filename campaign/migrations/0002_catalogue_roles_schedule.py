"""Seed the problem catalogue and grant role permissions (schedule: units 0007)."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

from campaign.catalogue import flatten

MODELS = [
    "campaign", "phase", "deliverable", "submission", "problemcategory", "rectificationitem",
    "progressupdate", "extensionrequest", "inspection", "finding", "circular", "circularmention",
]
GRANTS = {
    "纪检监察人员": [f"{verb}_{model}" for model in MODELS for verb in ("add", "change", "view")]
    + ["view_rectificationtransition", "view_submissiontransition", "view_circulartransition",
       "view_campaigntransition"],
    "领导": [f"view_{model}" for model in MODELS],
}

def forwards(apps, schema_editor):
    ProblemCategory = apps.get_model("campaign", "ProblemCategory")
    by_code = {}
    for code, parent, name, name_en, source, order in flatten():
        category, _ = ProblemCategory.objects.update_or_create(
            code=code,
            defaults={"parent": by_code.get(parent), "name": name, "name_en": name_en,
                      "source": source, "sort_order": order},
        )
        by_code[code] = category

    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in GRANTS.items():
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.add(
            *Permission.objects.filter(content_type__app_label="campaign", codename__in=codenames)
        )


def backwards(apps, schema_editor):
    pass


class Migration(migrations.Migration):
    dependencies = [
        ("campaign", "0001_initial"),
        ("units", "0002_roles_and_schedule"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
