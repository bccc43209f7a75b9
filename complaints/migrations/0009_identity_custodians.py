"""身份信息保管人: the officers who approve requests to see a complainant's identity.

A custodian approves or refuses another officer's request, within their jurisdiction; they
see the requests and the access log, not the identity itself (unless another custodian
approves a request of theirs). Inspection staff read the requests in the admin.
"""

from django.db import migrations

from units.migration_ops import permissions_grant

CUSTODIANS = "身份信息保管人"
GRANTS = {
    CUSTODIANS: [
        "approve_identity_request",
        "view_identityrequest",
        "view_identityrequesttransition",
        "view_identityreveal",
    ],
    "纪检监察人员": ["view_identityrequest", "view_identityrequesttransition"],
    "辖区纪检监察人员": ["view_identityrequest", "view_identityrequesttransition"],
}


def forwards(apps, schema_editor):
    permissions_grant(apps, app_label="complaints", grants=GRANTS)


def backwards(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name=CUSTODIANS).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("complaints", "0008_identity_requests"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
