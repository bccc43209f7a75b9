"""The survey's floor: one INSERT per request, only under the bench's URLs."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import override_settings
from django.urls import NoReverseMatch, reverse

from bench import floor_view

pytestmark = pytest.mark.django_db


def test_production_urls_have_no_floor():
    with pytest.raises(NoReverseMatch):
        reverse("bench_floor", args=["X"])


@override_settings(ROOT_URLCONF="bench.urls")
def test_the_floor_inserts_one_row_per_post_and_refuses_get(client):
    with connection.cursor() as cursor:
        cursor.execute(floor_view.CREATE)
        cursor.execute(f"SELECT count(*) FROM {floor_view.TABLE}")  # noqa: S608 (constant)
        before = cursor.fetchone()[0]
    url = reverse("bench_floor", args=["F1x2"])
    response = client.post(url, {"r_1_2": "3", "r_1_3": "4"})
    assert response.status_code == 200 and response.content == b"ok"
    assert client.get(url).status_code == 405
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT code, fields FROM {floor_view.TABLE} ORDER BY id DESC LIMIT 1"  # noqa: S608
        )
        assert cursor.fetchone() == ("F1x2", 2)
        cursor.execute(f"SELECT count(*) FROM {floor_view.TABLE}")  # noqa: S608 (constant)
        assert cursor.fetchone()[0] == before + 1
    # Every production URL is still there.
    assert reverse("assessments:survey_vote", args=[1, "CODE"]).startswith("/assessments/")
