"""The unit picker's lookup (units:unit_lookup): its authorization cases.

The token names a field's queryset kept in the cache, and every test starts with an empty
cache (tests/conftest.py), so here the token is unknown: a signed-in user gets 404, the
public is sent to log in. The allowed users with live tokens (the officer's, a unit head's,
the public's on the complaint form) are in tests/units/test_picker.py.
"""

from __future__ import annotations

from tests.authz.cases.base import url

UNKNOWN = "=0123456789abcdef0123456789abcdef01234567"

url(
    "units:unit_lookup",
    UNKNOWN,
    sibling=["officer", "head_a", "township_officer", "outsider"],
    method_user="officer",
    na={
        "allowed": "a live token exists only once its form is rendered in the same test: "
        "tests/units/test_picker.py",
        "read-only": "a search: nothing to do beyond reading",
    },
)
