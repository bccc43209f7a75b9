"""The unit picker's lookup (units:unit_lookup): its authorization cases.

The token names a field's queryset kept in the cache, and every test starts with an empty
cache (tests/conftest.py), so here the token is unknown: a signed-in user gets 404, the
public is sent to log in. The allowed users with live tokens (the officer's, a unit head's,
the public's on the complaint form) are in tests/picker/test_picker.py.
"""

from __future__ import annotations

from tests.authz.cases.base import url


def _expired(world, response) -> None:
    # What an allowed user meets here is the expired page's answer (the JSON the picker shows).
    assert set(response.json()) == {"error"}


UNKNOWN = "=0123456789abcdef0123456789abcdef01234567"

url(
    "units:unit_lookup",
    UNKNOWN,
    # The officer stands for a signed-in user whose form page has expired (its token is no
    # longer kept): the JSON answer asks for a reload. Searches with live tokens: see above.
    ok={"officer": 404},
    check=_expired,
    sibling=["head_a", "township_officer", "outsider"],
    na={"read-only": "a search: nothing to do beyond reading"},
)
