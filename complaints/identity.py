"""Complainant identity, encrypted at rest with MultiFernet (rotation: newest key first)."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass

from cryptography.fernet import Fernet, InvalidToken, MultiFernet

from complaints import conf


@dataclass(frozen=True)
class Identity:
    name: str = ""
    phone: str = ""
    id_number: str = ""
    contact: str = ""
    ip: str = ""

    @property
    def is_named(self) -> bool:
        """Whether the complainant told us who they are (the IP alone is not a name)."""
        return bool(self.name or self.phone or self.id_number or self.contact)


def _fernet() -> MultiFernet:
    return MultiFernet([Fernet(key) for key in conf.identity_keys()])


def encrypt(identity: Identity) -> str:
    if identity == Identity():
        return ""
    payload = json.dumps(asdict(identity), ensure_ascii=False).encode()
    return _fernet().encrypt(payload).decode()


def decrypt(token: str) -> Identity:
    if not token:
        return Identity()
    try:
        data = json.loads(_fernet().decrypt(token.encode()))
    except InvalidToken:
        raise ValueError("identity token cannot be decrypted with the configured keys") from None
    return Identity(**{k: str(v) for k, v in data.items() if k in Identity.__dataclass_fields__})


def rotate(token: str) -> str:
    """Re-encrypt with the newest key (after adding one in front of ZUOFENG_IDENTITY_KEYS)."""
    return _fernet().rotate(token.encode()).decode() if token else ""
