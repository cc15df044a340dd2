"""Every write of the ads app. Modules by concept; the public names are re-exported here."""

from ads.services.advertisers import advertiser_create, advertiser_set_status, advertiser_update
from ads.services.campaigns import (
    campaign_activate,
    campaign_create,
    campaign_pause,
    campaign_resume,
    campaign_transition,
    campaign_update,
    campaigns_roll_status,
)
from ads.services.creatives import (
    creative_approve,
    creative_create,
    creative_reject,
    creative_submit,
    creative_update,
)
from ads.services.events import click_record, impression_record

__all__ = [
    "advertiser_create",
    "advertiser_set_status",
    "advertiser_update",
    "campaign_activate",
    "campaign_create",
    "campaign_pause",
    "campaign_resume",
    "campaign_transition",
    "campaign_update",
    "campaigns_roll_status",
    "click_record",
    "creative_approve",
    "creative_create",
    "creative_reject",
    "creative_submit",
    "creative_update",
    "impression_record",
]
