"""Rotating the identity key: new key first, re-encrypt, old key can go."""

import pytest
from cryptography.fernet import Fernet
from django.core.management import call_command

from complaints import identity
from complaints.models import Complaint

pytestmark = pytest.mark.django_db


def test_rotation_re_encrypts_with_the_newest_key(monkeypatch):
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    monkeypatch.setenv("ZUOFENG_IDENTITY_KEYS", old)
    token = identity.encrypt(identity.Identity(name="张三", phone="13800000000"))
    complaint = Complaint.objects.create(
        title="旧密钥加密的投诉", content="内容", identity_token=token, has_identity=True
    )
    monkeypatch.setenv("ZUOFENG_IDENTITY_KEYS", f"{new},{old}")
    call_command("rotate_identity_keys")
    monkeypatch.setenv("ZUOFENG_IDENTITY_KEYS", new)
    complaint.refresh_from_db()
    assert identity.decrypt(complaint.identity_token).name == "张三"
    assert "张三" not in complaint.identity_token
