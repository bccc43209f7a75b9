"""The campaign fixtures, shared with tests/campaign."""

from tests.campaign.conftest import campaign, make_item  # noqa: F401
