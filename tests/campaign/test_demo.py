"""The demo county gets a live campaign: items in every state, overdue ones, an inspection."""

from io import StringIO

import pytest
from django.core.management import call_command

from campaign import selectors
from campaign.models import Campaign, Circular, Finding, RectificationItem

pytestmark = pytest.mark.django_db


def test_seed_demo_builds_the_campaign_once():
    call_command("seed_demo", stdout=StringIO(), stderr=StringIO())
    campaign = Campaign.objects.get(status="active")
    statuses = set(RectificationItem.objects.values_list("status", flat=True))
    assert statuses == set(RectificationItem.Status.values)
    assert RectificationItem.objects.overdue().exists()
    assert Finding.objects.count() == 2
    assert Circular.objects.filter(status="published", is_public=True).count() == 2
    counts = (RectificationItem.objects.count(), Circular.objects.count(), Campaign.objects.count())
    call_command("seed_demo", stdout=StringIO(), stderr=StringIO())
    assert counts == (
        RectificationItem.objects.count(),
        Circular.objects.count(),
        Campaign.objects.count(),
    )
    from django.contrib.auth import get_user_model

    danwei = get_user_model().objects.get(username="danwei")
    visible = selectors.items_visible_to(user=danwei).filter(campaign=campaign)
    assert set(visible.values_list("unit__code", flat=True)) == {"SLX-SCJ"}
