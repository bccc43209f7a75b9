"""Helpers that drive complaints through the real services to any state."""

from __future__ import annotations

import datetime

import pytest

from complaints import services
from complaints.identity import Identity
from complaints.models import Complaint, ComplaintCategory

NAME, PHONE, ID_NUMBER = "张秘密", "13912345678", "110101199001011234"
IDENTITY = Identity(
    name=NAME, phone=PHONE, id_number=ID_NUMBER, contact="微信 zhangmimi", ip="203.0.113.9"
)


@pytest.fixture
def category(db) -> ComplaintCategory:
    return ComplaintCategory.objects.get(name="服务态度")


def complaint_drive(
    cast,
    category: ComplaintCategory,
    status: str = Complaint.Status.REGISTERED,
    *,
    unit=None,
    identity: Identity = IDENTITY,
    verdict: str = Complaint.Verdict.SUBSTANTIATED,
    deadline: datetime.date | None = None,
    title: str = "窗口办事推诿扯皮",
) -> Complaint:
    """A named complaint against dept_a (or `unit`), driven to `status` by the real services."""
    unit = unit or cast.dept_a
    officer = cast.officer
    complaint = services.complaint_submit(
        channel=Complaint.Channel.WEB,
        title=title,
        content="到县市场监督管理局窗口办理营业执照变更，工作人员多次推诿。",
        category=category,
        subject_unit=unit,
        identity=identity,
    )
    # Only the submitting instance knows the clear code (the table keeps its hash).
    code = complaint.tracking_code
    path = {
        Complaint.Status.REGISTERED: [],
        Complaint.Status.ACCEPTED: ["accept"],
        Complaint.Status.REJECTED: ["reject"],
        Complaint.Status.MERGED: ["merge"],
        Complaint.Status.ASSIGNED: ["accept", "assign"],
        Complaint.Status.REROUTE_REQUESTED: ["accept", "assign", "reroute"],
        Complaint.Status.ANSWERED: ["accept", "assign", "answer"],
        Complaint.Status.SENT_BACK: ["accept", "assign", "answer", "send_back"],
        Complaint.Status.RETURN_VISIT: ["accept", "assign", "answer", "approve"],
        Complaint.Status.CLOSED: ["accept", "assign", "answer", "approve", "rate"],
    }[status]
    head = cast.head_a if unit.path.startswith(cast.dept_a.path) else cast.head_b
    for step in path:
        if step == "accept":
            complaint = services.complaint_accept(complaint=complaint, actor=officer)
        elif step == "reject":
            complaint = services.complaint_reject(
                complaint=complaint, actor=officer, reason="不属于作风问题投诉范围"
            )
        elif step == "merge":
            other = services.complaint_submit(
                channel=Complaint.Channel.WEB, title="同一事项", content="重复反映"
            )
            complaint = services.complaint_merge(complaint=complaint, into=other, actor=officer)
        elif step == "assign":
            complaint = services.complaint_assign(
                complaint=complaint, unit=unit, actor=officer, deadline=deadline
            )
        elif step == "reroute":
            complaint = services.complaint_request_reroute(
                complaint=complaint, actor=head, reason="非本单位职责"
            )
        elif step == "answer":
            complaint = services.complaint_answer(
                complaint=complaint,
                actor=head,
                facts="经查，窗口工作人员确有推诿。",
                verdict=verdict,
                measures="已对当事人批评教育。",
                public_reply="经核查，情况属实，已责令整改并向您致歉。",
            )
        elif step == "send_back":
            complaint = services.complaint_review(
                complaint=complaint, actor=officer, approve=False, note="事实不清"
            )
        elif step == "approve":
            complaint = services.complaint_review(complaint=complaint, actor=officer, approve=True)
        elif step == "rate":
            complaint = services.complaint_rate(
                complaint=complaint, satisfaction=Complaint.Satisfaction.SATISFIED
            )
    complaint.tracking_code = code
    return complaint


@pytest.fixture
def make_complaint(cast, category):
    """make_complaint("answered") → a named complaint against dept_a, driven there."""

    def make(status: str = Complaint.Status.REGISTERED, **kwargs) -> Complaint:
        return complaint_drive(cast, category, status, **kwargs)

    return make


@pytest.fixture
def seed_data(transactional_db):
    """Role groups, grants and categories that migrations create.

    A transactional test that ran earlier flushes them and serialized_rollback does not
    bring them back in this setup, so transactional tests re-apply the data migrations.
    """
    import importlib

    from django.apps import apps

    # The migrations toggle models_module on the app configs they get: keep the real ones.
    saved = {config.label: config.models_module for config in apps.get_app_configs()}
    try:
        for module in (
            "units.migrations.0002_roles_and_schedule",
            "complaints.migrations.0002_role_permissions",
            "complaints.migrations.0004_roles_categories_schedule",
        ):
            importlib.import_module(module).forwards(apps, None)
    finally:
        for config in apps.get_app_configs():
            config.models_module = saved[config.label]
