"""Complainant identity: encrypted at rest, shown only with the permission, every view logged."""

from __future__ import annotations

import pytest
from cryptography.fernet import Fernet
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection

from complaints import identity, services
from complaints.models import Complaint, IdentityReveal

pytestmark = pytest.mark.django_db

NAME, PHONE, ID_NUMBER = "张秘密", "13912345678", "110101199001011234"


def test_raw_database_row_holds_no_plaintext_identity(make_complaint):
    complaint = make_complaint()
    table = Complaint._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {table} WHERE id = %s", [complaint.pk])  # noqa: S608
        row = " ".join(str(value) for value in cursor.fetchone())
    for secret in (NAME, PHONE, ID_NUMBER, "zhangmimi", "203.0.113.9"):
        assert secret not in row
    assert complaint.has_identity


def test_anonymous_complaint_stores_only_the_encrypted_ip(make_complaint):
    complaint = make_complaint(identity=identity.Identity(ip="198.51.100.7"))
    assert not complaint.has_identity
    assert "198.51.100.7" not in complaint.identity_token
    assert identity.decrypt(complaint.identity_token).ip == "198.51.100.7"


def test_reveal_needs_the_permission_and_is_logged(cast, make_complaint):
    complaint = make_complaint("assigned")
    for user in (cast.head_a, cast.in_charge, cast.leader, cast.evaluator, cast.head_b):
        with pytest.raises(PermissionDenied):
            services.complaint_identity_reveal(complaint=complaint, actor=user, reason="核实")
    with pytest.raises(ValidationError):
        services.complaint_identity_reveal(complaint=complaint, actor=cast.officer, reason=" ")
    assert IdentityReveal.objects.count() == 0
    shown = services.complaint_identity_reveal(
        complaint=complaint, actor=cast.officer, reason="回访需联系投诉人"
    )
    assert (shown.name, shown.phone, shown.id_number) == (NAME, PHONE, ID_NUMBER)
    log = IdentityReveal.objects.get()
    assert (log.user, log.complaint, log.reason) == (cast.officer, complaint, "回访需联系投诉人")


def test_key_rotation_old_tokens_still_read_and_rotate(monkeypatch, make_complaint):
    old_key = Fernet.generate_key().decode()
    monkeypatch.setenv("ZUOFENG_IDENTITY_KEYS", old_key)
    token = identity.encrypt(identity.Identity(name=NAME))
    new_key = Fernet.generate_key().decode()
    monkeypatch.setenv("ZUOFENG_IDENTITY_KEYS", f"{new_key},{old_key}")
    assert identity.decrypt(token).name == NAME
    rotated = identity.rotate(token)
    monkeypatch.setenv("ZUOFENG_IDENTITY_KEYS", new_key)
    assert identity.decrypt(rotated).name == NAME
    with pytest.raises(ValueError):
        identity.decrypt(token)
