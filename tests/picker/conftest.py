"""The unit picker's fixtures: the cast's campaign, built with the real services."""

from __future__ import annotations

import pytest

from campaign.models import Campaign
from tests.campaign.conftest import campaign_start


@pytest.fixture
def campaign(cast) -> Campaign:
    return campaign_start(cast)


@pytest.fixture
def inspection(cast, campaign):
    import datetime

    from campaign import services
    from campaign.models import Inspection

    return services.inspection_record(
        campaign=campaign,
        kind=Inspection.Kind.values[0],
        date=datetime.date(2026, 3, 1),
        actor=cast.officer,
    )
