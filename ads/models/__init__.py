from ads.models.advertiser import Advertiser
from ads.models.campaign import Campaign, CampaignQuerySet
from ads.models.creative import Creative, CreativeReviewQueue
from ads.models.events import AdClick, AdEvent, AdImpression, CreatorAdEarning

__all__ = [
    "AdClick",
    "AdEvent",
    "AdImpression",
    "Advertiser",
    "Campaign",
    "CampaignQuerySet",
    "CreatorAdEarning",
    "Creative",
    "CreativeReviewQueue",
]
