"""A deliverable's page: units that have not handed in read 未报送, never "None"."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from campaign import services

pytestmark = pytest.mark.django_db


def test_units_that_have_not_handed_in_show_no_none(client_for, cast, campaign):
    deliverable = campaign.deliverables.get(kind="action_plan")
    services.submission_submit(
        deliverable=deliverable, unit=cast.dept_a, actor=cast.head_a, text="本单位行动方案。"
    )
    html = (
        client_for(cast.officer)
        .get(reverse("campaign:deliverable_detail", args=[deliverable.pk]))
        .content.decode()
    )
    table = html[html.index('data-testid="deliverable-units"') :]
    table = table[: table.index("</table>")]
    text = re.sub(r"<[^>]+>", " ", table)
    assert "None" not in text
    assert "本单位行动方案。" in text
    rows = re.findall(r"<tr>(.*?)</tr>", table, re.S)
    missing = [row for row in rows if cast.dept_b.name in row]
    assert missing and "未报送" in missing[0]
