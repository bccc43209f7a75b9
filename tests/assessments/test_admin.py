"""The admin pages for schemes and surveys open, and a published scheme is frozen there."""

import pytest
from django.urls import reverse

from assessments import services

pytestmark = pytest.mark.django_db


def test_officer_configures_a_scheme_in_the_admin(client_for, cast):
    scheme = services.scheme_create(year=2026, name="2026年度考核", actor=cast.officer)
    services.scheme_add_default_rules(scheme=scheme)
    client = client_for(cast.officer)
    page = client.get(reverse("admin:assessments_assessmentscheme_change", args=[scheme.pk]))
    assert page.status_code == 200
    assert "投诉举报属实" in page.content.decode()
    assert client.get(reverse("admin:assessments_assessmentresult_changelist")).status_code == 200
    scheme = services.scheme_open(scheme=scheme, actor=cast.officer)
    services.scheme_compute(scheme_id=scheme.pk)
    services.scheme_publish(scheme=scheme, actor=cast.officer, public=False)
    frozen = client.post(
        reverse("admin:assessments_assessmentscheme_change", args=[scheme.pk]), {"name": "改"}
    )
    assert frozen.status_code == 403
    assert client_for(cast.leader).get(
        reverse("admin:assessments_assessmentscheme_change", args=[scheme.pk])
    ).status_code in (302, 403)
