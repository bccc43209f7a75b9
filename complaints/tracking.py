"""Tracking codes (查询码): generated, shown once, stored only as a keyed hash.

The complainant's 16-character code (80 random bits, Crockford base 32) is the only thing
that opens the public status page and the rating. The table keeps HMAC-SHA256(key, code):
whoever reads it cannot open a case or rate on the complainant's behalf. The code has 80
bits of randomness, so a fast keyed hash suffices (no slow password hash is needed) and a
look-up is one equality on a unique index.

The key is ZUOFENG_TRACKING_KEY; unset, it is derived from SECRET_KEY with a fixed salt
(django.utils.crypto.salted_hmac). Changing that key (or SECRET_KEY when it is derived)
makes every code already given out stop working: set ZUOFENG_TRACKING_KEY in production.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

from django.conf import settings
from django.utils.crypto import salted_hmac

CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
TRACKING_CODE_LENGTH = 16  # 16 × 5 bits = 80 bits of randomness
HASH_SALT = "zuofeng.complaints.tracking_code"


def tracking_code_new() -> str:
    return "".join(secrets.choice(CROCKFORD) for _i in range(TRACKING_CODE_LENGTH))


def tracking_code_normalise(text: str) -> str:
    """What the complainant typed or read aloud, as hashed (Crockford's decoding rules)."""
    cleaned = "".join(ch for ch in text.upper() if ch.isalnum())
    return cleaned.translate(str.maketrans("OIL", "011"))


def tracking_key() -> bytes:
    key = str(getattr(settings, "ZUOFENG_TRACKING_KEY", "") or "")
    if key:
        return key.encode()
    return salted_hmac(HASH_SALT, "key", algorithm="sha256").digest()


def tracking_hasher():  # type: ignore[no-untyped-def]
    """hash(code) with the key read once: for bulk work (the migration, the bench)."""
    key = tracking_key()

    def digest(code: str) -> str:
        normalised = tracking_code_normalise(code).encode()
        return hmac.new(key, normalised, hashlib.sha256).hexdigest()

    return digest


def tracking_hash(code: str) -> str:
    """The stored form of a code (64 hex characters); what a look-up compares."""
    return tracking_hasher()(code)


def tracking_code_matches(code: str, stored_hash: str) -> bool:
    """Constant-time check of a typed code against a stored hash (where Python compares)."""
    return hmac.compare_digest(tracking_hash(code), stored_hash)


def tracking_code_display(code: str) -> str:
    """XXXX-XXXX-XXXX-XXXX, as read out on the phone and printed on the receipt page."""
    return "-".join(code[i : i + 4] for i in range(0, len(code), 4))
