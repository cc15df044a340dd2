"""The catalogue of notification types and what each one means for delivery.

Every type has defaults per channel (what a new account gets), channels the user may not switch off
(security alerts always go by email), whether repeated events of the type collapse into one group
("Ana and 12 others liked your post"), whether the same actor doing the same thing twice within the
dedupe window makes a second notification, and whether the stranger policy applies to it.
"""

from dataclasses import dataclass

from django.db import models


class NotificationType(models.TextChoices):
    FOLLOW = "follow", "New follower"
    FOLLOW_REQUEST = "follow_request", "Follow request"
    FOLLOW_ACCEPTED = "follow_accepted", "Follow request accepted"
    LIKE = "like", "Like"
    COMMENT = "comment", "Comment"
    REPLY = "reply", "Reply"
    MENTION = "mention", "Mention"
    REPOST = "repost", "Repost"
    QUOTE = "quote", "Quote"
    NEW_POST = "new_post", "New post"
    NEW_VIDEO = "new_video", "New video"
    VIDEO_READY = "video_ready", "Video ready"
    VIDEO_FAILED = "video_failed", "Video processing failed"
    STREAM_LIVE = "stream_live", "Live stream started"
    SUBSCRIPTION_NEW = "subscription_new", "New subscriber"
    SUBSCRIPTION_RENEWED = "subscription_renewed", "Subscription renewed"
    SUBSCRIPTION_ENDED = "subscription_ended", "Subscription ended"
    TIP_RECEIVED = "tip_received", "Tip received"
    PAYOUT_PAID = "payout_paid", "Payout paid"
    PAYOUT_FAILED = "payout_failed", "Payout failed"
    AD_APPROVED = "ad_approved", "Ad approved"
    AD_REJECTED = "ad_rejected", "Ad rejected"
    CAMPAIGN_BUDGET_SPENT = "campaign_budget_spent", "Campaign budget spent"
    REPORT_RESOLVED = "report_resolved", "Report resolved"
    MODERATION_WARNING = "moderation_warning", "Moderation warning"
    ACCOUNT_SUSPENDED = "account_suspended", "Account suspended"
    SECURITY_ALERT = "security_alert", "Security alert"


class Channel(models.TextChoices):
    IN_APP = "in_app", "In-app"
    EMAIL = "email", "Email"
    PUSH = "push", "Push"


CHANNELS = tuple(Channel.values)
DELIVERY_CHANNELS = (Channel.EMAIL.value, Channel.PUSH.value)


@dataclass(frozen=True)
class TypeSpec:
    defaults: frozenset  # channels on for a new account
    locked: frozenset = frozenset()  # channels the user cannot switch off
    groupable: bool = False  # collapse into "X and N others ..." in the grouped view
    dedupe: bool = False  # same actor + same target within the window → one notification
    social: bool = False  # an interaction by another person: the stranger policy applies
    urgent: bool = False  # bypasses quiet hours (security)
    verb: str = ""  # grouped text: "{actor} and N others {verb}"
    group_by_target: bool = True  # False: all events of the type form one group ("N people followed you")


def _spec(*channels, **kw) -> TypeSpec:
    return TypeSpec(defaults=frozenset(channels), **kw)


IN, EM, PU = Channel.IN_APP.value, Channel.EMAIL.value, Channel.PUSH.value
T = NotificationType

CATALOGUE: dict[str, TypeSpec] = {
    T.FOLLOW: _spec(IN, PU, groupable=True, dedupe=True, social=True, verb="followed you", group_by_target=False),
    T.FOLLOW_REQUEST: _spec(
        IN, PU, groupable=True, dedupe=True, social=True, verb="asked to follow you", group_by_target=False
    ),
    T.FOLLOW_ACCEPTED: _spec(IN, PU, dedupe=True, verb="accepted your follow request"),
    # Likes are frequent and low value: in-app only unless the user asks for more.
    T.LIKE: _spec(IN, groupable=True, dedupe=True, social=True, verb="liked your {kind}"),
    T.COMMENT: _spec(IN, PU, groupable=True, social=True, verb="commented on your {kind}"),
    T.REPLY: _spec(IN, PU, social=True, verb="replied to your comment"),
    T.MENTION: _spec(IN, PU, social=True, verb="mentioned you"),
    T.REPOST: _spec(IN, groupable=True, dedupe=True, social=True, verb="reposted your {kind}"),
    T.QUOTE: _spec(IN, PU, social=True, verb="quoted your {kind}"),
    T.NEW_POST: _spec(IN, dedupe=True, verb="published a new post"),
    T.NEW_VIDEO: _spec(IN, PU, dedupe=True, verb="published a new video"),
    T.VIDEO_READY: _spec(IN, PU, EM, verb="Your video is ready"),
    T.VIDEO_FAILED: _spec(IN, PU, EM, verb="Your video could not be processed"),
    T.STREAM_LIVE: _spec(IN, PU, dedupe=True, verb="is live now"),
    T.SUBSCRIPTION_NEW: _spec(IN, PU, EM, groupable=True, dedupe=True, verb="subscribed to you", group_by_target=False),
    T.SUBSCRIPTION_RENEWED: _spec(IN, EM, verb="renewed their subscription"),
    T.SUBSCRIPTION_ENDED: _spec(IN, EM, verb="subscription ended"),
    T.TIP_RECEIVED: _spec(IN, PU, EM, verb="sent you a tip"),
    T.PAYOUT_PAID: _spec(IN, EM, verb="Your payout was paid"),
    T.PAYOUT_FAILED: _spec(IN, PU, EM, verb="Your payout failed"),
    T.AD_APPROVED: _spec(IN, EM, verb="Your ad was approved"),
    T.AD_REJECTED: _spec(IN, EM, verb="Your ad was rejected"),
    T.CAMPAIGN_BUDGET_SPENT: _spec(IN, EM, verb="Your campaign budget is spent"),
    T.REPORT_RESOLVED: _spec(IN, verb="Your report was resolved"),
    T.MODERATION_WARNING: _spec(IN, EM, verb="You received a moderation warning"),
    T.ACCOUNT_SUSPENDED: _spec(IN, EM, locked=frozenset({EM}), urgent=True, verb="Your account was suspended"),
    # New login, password changed, 2FA changed: always by email, and never held by quiet hours.
    T.SECURITY_ALERT: _spec(IN, PU, EM, locked=frozenset({EM}), urgent=True, verb="Security alert"),
}

assert set(CATALOGUE) == set(NotificationType.values), "every type needs a TypeSpec"


def spec_for(type_: str) -> TypeSpec:
    return CATALOGUE[type_]


def default_channels() -> dict[str, dict[str, bool]]:
    """The full type × channel matrix a new account starts with."""
    return {t: {c: c in spec.defaults for c in CHANNELS} for t, spec in CATALOGUE.items()}
