"""Reads of the ads app: the advertiser's own objects (others' are 404) and ad serving."""

from django.conf import settings
from django.core.cache import cache
from django.urls import reverse

from ads.models import Advertiser, Campaign, Creative
from ads.serving.choose import ServedAd, choose_ads
from ads.serving.context import creator_for_context
from ads.serving.index import INDEX_KEYS
from ads.viewer_profile import interests_cache_key, viewer_profile_for_request
from content.models import Post
from core.exceptions import NotFound
from payments.ledger import advertiser_balance


def advertiser_get_for_user(*, user) -> Advertiser:
    advertiser = Advertiser.objects.filter(user=user).first() if user.is_authenticated else None
    if advertiser is None:
        raise NotFound("You have no advertiser account yet.")
    return advertiser


def advertiser_balance_minor(*, advertiser: Advertiser) -> int:
    """The prepaid balance in the advertiser's currency (funded through payments)."""
    return advertiser_balance(user=advertiser.user).get(advertiser.currency, 0)


def campaign_list_for_advertiser(*, viewer):
    return Campaign.objects.filter(advertiser__user=viewer).select_related("advertiser")


def campaign_get_for_advertiser(*, viewer, id) -> Campaign:
    campaign = campaign_list_for_advertiser(viewer=viewer).filter(pk=id).first()
    if campaign is None:
        raise NotFound("No such campaign.")
    return campaign


def creative_list_for_campaign(*, viewer, campaign_id):
    campaign = campaign_get_for_advertiser(viewer=viewer, id=campaign_id)
    return Creative.objects.filter(campaign=campaign).select_related("campaign")


def creative_get_for_advertiser(*, viewer, id) -> Creative:
    creative = Creative.objects.filter(pk=id, campaign__advertiser__user=viewer).select_related("campaign").first()
    if creative is None:
        raise NotFound("No such ad.")
    return creative


def promotable_post(*, viewer, id):
    """A post the viewer may promote: their own, visible to them (ownership/publicity checked on submit)."""
    post = Post.objects.filter(pk=id, author=viewer).first()
    if post is None:
        raise NotFound("No such post.")
    return post


def ads_for_viewer(*, viewer, placement: str, count: int, user_agent: str = "", remote_addr: str = "",
                   context: str = "") -> list[ServedAd]:  # fmt: skip
    """Ads to show this viewer now (empty for ad-free premium users), each with a signed token."""
    creator = creator_for_context(viewer=viewer, context=context, placement=placement)
    # One cache round trip for the index version and the viewer's interests.
    keys = [*INDEX_KEYS] + ([interests_cache_key(viewer)] if viewer is not None else [])
    prefetched = cache.get_many(keys)
    profile = viewer_profile_for_request(
        user=viewer, user_agent=user_agent, remote_addr=remote_addr, prefetched=prefetched
    )
    return choose_ads(
        profile=profile, placement=placement, count=count, creator_id=creator.pk if creator is not None else None,
        index_keys=prefetched,
    )  # fmt: skip


def served_ad_payload(ad: ServedAd) -> dict:
    c = ad.candidate
    return {
        "id": c.creative_id,
        "campaign_id": c.campaign_id,
        "advertiser": c.advertiser_name,
        "format": c.format,
        "headline": c.headline,
        "body": c.body,
        "media_url": c.media_url,
        "promoted_post_id": c.promoted_post_id,
        "cta_label": c.cta_label,
        "cta_url": c.cta_url,
        "click_url": settings.SITE_URL.rstrip("/") + reverse("ads-click", kwargs={"token": ad.token}),
        "impression_token": ad.token,
        "reason": ad.reason,
        "promoted": True,
    }


def ads_for_feed(*, viewer, count: int, feed: str = "", request=None) -> list[dict]:
    """Promoted items for the social feed (its SOCIAL_FEED_PROMOTED_PROVIDER): placement `feed`, each
    shaped as /ads/serve returns it plus `kind: "promoted"`; `ad_reason` keeps why it was shown, since
    the feed replaces `reason` with its own promoted label. The client reports impressions and clicks
    with the item's `impression_token` and `click_url`, as for /ads/serve.
    """
    meta = request.META if request is not None else {}
    ads = ads_for_viewer(
        viewer=viewer if getattr(viewer, "is_authenticated", False) else None,
        placement=Campaign.Placement.FEED,
        count=count,
        user_agent=meta.get("HTTP_USER_AGENT", ""),
        remote_addr=meta.get("REMOTE_ADDR", ""),
    )
    return [{**served_ad_payload(ad), "kind": "promoted", "ad_reason": ad.reason} for ad in ads]
