"""Helpers for service commitments and reception days, through the real services."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from complaints import services
from complaints.models import ComplaintCategory, ServiceCommitment

FIELDS = {
    "service": "营业执照变更登记",
    "promise": "材料齐全的，当场受理，3个工作日内办结。",
    "time_limit_days": 3,
    "first_responsible": "登记窗口首问岗 张敏",
    "contact": "0571-88881234",
    "materials": "营业执照正本\n法定代表人身份证\n变更登记申请书",
}


def commitment_make(unit, head, *, publish: bool = True, **overrides) -> ServiceCommitment:
    commitment = services.commitment_create(unit=unit, actor=head, **{**FIELDS, **overrides})
    if publish:
        commitment = services.commitment_publish(commitment=commitment, actor=head)
    return commitment


def reception_day_make(cast, *, date: datetime.date | None = None, unit=None, **overrides):
    fields = {
        "leader": cast.leader,
        "leader_post": "县长",
        "unit": unit,
        "place": "县人民来访接待中心一楼",
        "date": date or timezone.localdate() + datetime.timedelta(days=7),
        "starts_at": datetime.time(9, 0),
        "ends_at": datetime.time(11, 30),
        "topic": "优化营商环境",
        **overrides,
    }
    return services.reception_day_create(actor=cast.officer, **fields)


@pytest.fixture
def category(db) -> ComplaintCategory:
    return ComplaintCategory.objects.get(name="服务态度")
