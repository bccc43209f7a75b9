"""The demo county's digests: 周检查, 月点评 and 季小结, of the county and of the 派驻组's
jurisdiction, each opening with a comment drafted from its figures."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from tests.otp import verify_session
from units.models import Digest, Notification, Unit

pytestmark = pytest.mark.django_db


def test_demo_has_every_kind_for_the_county_and_a_subtree_with_comments(
    client, django_capture_on_commit_callbacks
):
    out = StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("seed_demo", stdout=out, stderr=StringIO())
    assert "paizhu" in out.getvalue()  # the subtree officer is printed with the other logins
    market = Unit.objects.get(code="SLX-SCJ")
    found = set(Digest.objects.values_list("kind", "scope"))
    kinds = {"weekly", "monthly", "quarterly"}
    assert found == {(kind, scope) for kind in kinds for scope in (None, market.pk)}
    for digest in Digest.objects.all():
        # Two or three sentences drafted from the figures, naming where the overdue work is.
        assert digest.comment.count(".") + digest.comment.count("。") in (2, 3), digest.comment
        assert market.short_name in digest.comment or market.name in digest.comment
    # 月点评 and 季小结 were sent by the officer of their jurisdiction; 周检查 awaits review.
    sent = Digest.objects.filter(status=Digest.Status.SENT)
    assert set(sent.values_list("kind", flat=True)) == {"monthly", "quarterly"}
    assert set(sent.values_list("transitions__actor__username", flat=True)) == {"jiwei", "paizhu"}
    # The leader was told of each sent county digest.
    lingdao = Notification.objects.filter(recipient__username="lingdao", kind="digest")
    assert set(lingdao.values_list("object_key", flat=True)) == {
        f"digest:{pk}" for pk in sent.filter(scope=None).values_list("pk", flat=True)
    }
    weekly = Digest.objects.filter(kind="weekly")
    assert set(weekly.values_list("status", flat=True)) == {Digest.Status.DRAFT}
    drafts = Notification.objects.filter(object_key__startswith="digest-draft:")
    # Every officer of a jurisdiction reviews its drafts (baoguan, the identity custodian, is
    # county inspection staff too).
    assert set(drafts.values_list("recipient__username", flat=True)) == {
        "jiwei",
        "baoguan",
        "paizhu",
    }

    # The 派驻组 officer reads their own digests, not the county's.
    from django.contrib.auth import get_user_model

    paizhu = get_user_model().objects.get(username="paizhu")
    client.force_login(paizhu)
    verify_session(client, paizhu)
    theirs = Digest.objects.get(kind="quarterly", scope=market)
    county = Digest.objects.get(kind="quarterly", scope=None)
    assert client.get(reverse("units:digest_detail", args=[theirs.pk])).status_code == 200
    assert client.get(reverse("units:digest_detail", args=[county.pk])).status_code == 404
