"""The helper data migrations use to grant role groups their permissions."""

import pytest
from django.apps import apps
from django.contrib.auth.models import Group, Permission

from units.migration_ops import permissions_grant

pytestmark = pytest.mark.django_db


def test_permissions_are_created_and_granted_once():
    Permission.objects.filter(content_type__app_label="units", codename="view_digest").delete()
    grants = {"测试角色": ["view_digest", "view_jobrun"]}
    permissions_grant(apps, app_label="units", grants=grants)
    permissions_grant(apps, app_label="units", grants=grants)
    group = Group.objects.get(name="测试角色")
    assert sorted(group.permissions.values_list("codename", flat=True)) == [
        "view_digest",
        "view_jobrun",
    ]
