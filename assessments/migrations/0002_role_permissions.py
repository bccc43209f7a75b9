"""Inspection staff run the assessment; leaders read the dashboard; evaluators score."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

MANAGED = [
    "assessmentscheme", "indicator", "graderule", "recognitionrule", "adjustmentrule",
    "survey", "ratercategory", "surveydimension", "scaleoption", "ratertoken",
    "evaluationassignment",
]

GRANTS = {
    "纪检监察人员": [
        *[f"{verb}_{model}" for model in MANAGED for verb in ("add", "change", "view")],
        "run_scoring", "publish_results", "view_dashboard", "view_assessmentresult",
        "view_adjustmentline", "view_evaluation", "view_surveyresponse",
    ],
    "领导": [
        "view_dashboard", "view_assessmentscheme", "view_assessmentresult",
        "view_adjustmentline", "view_survey",
    ],
    "考评人员": ["add_evaluation", "change_evaluation", "view_evaluation"],
}


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
            *Permission.objects.filter(content_type__app_label="assessments", codename__in=codenames)
        )


class Migration(migrations.Migration):
    dependencies = [
        ("assessments", "0001_initial"),
        ("units", "0002_roles_and_schedule"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
