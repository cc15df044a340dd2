"""Recording impressions and clicks: validate the token, decide validity, charge valid events.

Every event of a campaign takes that campaign's row lock first (see services.spend), which also
serialises the duplicate checks: two simultaneous clicks by one viewer cannot both be "the first".
"""

from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from ads.models import AdClick, AdEvent, AdImpression, Campaign, Creative
from ads.services.ledger import InsufficientBalance, ledger_post_event, pause_for_balance
from ads.services.spend import budget_left_for_another, spend_charge_locked
from ads.tokens import ServeToken, TokenExpired, TokenInvalid, token_load
from ads.viewer_profile import is_bot_user_agent
from core.exceptions import NotFound, ValidationFailed
from users.models import User

R = AdEvent.InvalidReason


def _user_or_none(pk):
    if not pk:
        return None
    return User.objects.filter(pk=pk).first()


def _base_fields(token: ServeToken, user_agent: str) -> dict:
    return {
        "token_id": token.jti,
        "creative_id": token.creative_id,
        "campaign_id": token.campaign_id,
        "viewer_id": token.viewer_id,
        "viewer_key": token.viewer_key,
        "placement": token.placement,
        "country": token.country,
        "device": token.device,
        "user_agent": (user_agent or "")[:300],
    }


def _requester_mismatch(token: ServeToken, requester) -> bool:
    """A signed-in requester must be the viewer the ad was served to (tokens are not transferable)."""
    if requester is None or not getattr(requester, "is_authenticated", False):
        return token.viewer_id is not None
    return str(requester.pk) != (token.viewer_id or "")


def _lock(token: ServeToken) -> tuple[Campaign, Creative] | None:
    campaign = Campaign.objects.select_for_update().select_related("advertiser").filter(pk=token.campaign_id).first()
    creative = Creative.objects.filter(pk=token.creative_id, campaign_id=token.campaign_id).first()
    if campaign is None or creative is None:
        return None
    return campaign, creative


def _serving(campaign: Campaign, creative: Creative, now) -> bool:
    return (
        campaign.status == Campaign.Status.ACTIVE
        and campaign.start_at <= now < campaign.end_at
        and creative.status == Creative.Status.APPROVED
        and campaign.advertiser.is_active
    )


def _after_charge(campaign: Campaign, today) -> None:
    from ads.services.campaigns import campaign_transition

    if not budget_left_for_another(campaign, today):
        campaign_transition(campaign=campaign, to=Campaign.Status.PAUSED, reason=Campaign.PauseReason.BUDGET)


def _charge(*, campaign, creative, event, cost_milli: int, today, creator, counter: str) -> str:
    """Charge a valid event (counters + ledger, one transaction); the invalid reason if it cannot be."""
    try:
        with transaction.atomic():
            charge = spend_charge_locked(
                campaign=campaign, creative=creative, cost_milli=cost_milli, today=today, creator=creator,
                counter=counter,
            )  # fmt: skip
            if charge is None:
                return R.BUDGET
            ledger_post_event(event=event, campaign=campaign, charge=charge, creator=creator)
    except InsufficientBalance:
        # Rolled back to before the charge: the counters are untouched and the event is not paid for.
        pause_for_balance(campaign=campaign)
        return R.BALANCE
    event.cost_milli, event.charge_minor, event.creator_share_minor = (
        charge.cost_milli, charge.charge_minor, charge.creator_share_minor
    )  # fmt: skip
    event.ledger_posted_at = timezone.now() if (charge.charge_minor or charge.creator_share_minor) else None
    return R.NONE


@transaction.atomic
def impression_record(
    *, raw_token: str, viewable: bool, requester=None, user_agent: str = ""
) -> tuple[AdImpression, bool]:
    """Record the impression of a served ad, once per token; charge it if valid (CPM, viewable).

    Returns (impression, created). A forged token is refused (ValidationFailed): nothing in it can
    be attributed. An expired one is recorded as invalid.
    """
    try:
        token, reason = token_load(raw_token), R.NONE
    except TokenExpired as exc:
        token, reason = exc.token, R.EXPIRED
    except TokenInvalid:
        raise ValidationFailed(errors={"token": ["This impression token is not valid."]}) from None
    locked = _lock(token)
    if locked is None:
        raise NotFound("This ad no longer exists.")
    campaign, creative = locked
    # Checked under the campaign lock: a concurrent request with the same token has committed by now.
    existing = AdImpression.objects.filter(token_id=token.jti).first()
    if existing is not None:
        return existing, False
    now = timezone.now()
    if not reason:
        if is_bot_user_agent(user_agent):
            reason = R.BOT
        elif _requester_mismatch(token, requester):
            reason = R.VIEWER_MISMATCH
        elif not viewable:
            reason = R.NOT_VIEWABLE  # recorded for reach, charged only when it could be seen
        elif not _serving(campaign, creative, now):
            reason = R.NOT_SERVING
    creator = _user_or_none(token.creator_id)
    event = AdImpression(**_base_fields(token, user_agent), viewable=viewable, beside_creator=creator)
    if not reason:
        cost = campaign.price_milli if campaign.bid_type == Campaign.BidType.CPM else 0
        reason = _charge(
            campaign=campaign, creative=creative, event=event, cost_milli=cost, today=now.date(), creator=creator,
            counter="impressions_count",
        )  # fmt: skip
    event.valid = not reason
    event.invalid_reason = reason
    try:
        with transaction.atomic():
            event.save(force_insert=True)
    except IntegrityError:
        # The same token raced in (the campaign lock makes this unreachable in practice): the other
        # request was first, and this one's charge rolls back with the outer transaction.
        first = AdImpression.objects.get(token_id=token.jti)
        transaction.set_rollback(True)
        return first, False
    if event.valid:
        _after_charge(campaign, now.date())
    return event, True


def click_record(*, raw_token: str, requester=None, user_agent: str = "") -> tuple[AdClick, str]:
    """Record a click and return (click, destination URL). Invalid clicks are recorded, never charged.

    Forged tokens are recorded (with nothing attributed) and raise NotFound: there is no URL to trust.
    """
    try:
        token, reason = token_load(raw_token), R.NONE
    except TokenExpired as exc:
        token, reason = exc.token, R.EXPIRED
    except TokenInvalid:
        AdClick.objects.create(token_id="", valid=False, invalid_reason=R.FORGED, user_agent=(user_agent or "")[:300])
        raise NotFound("This ad link is not valid.") from None
    return _click_record(token=token, reason=reason, requester=requester, user_agent=user_agent)


@transaction.atomic
def _click_record(*, token: ServeToken, reason: str, requester, user_agent: str) -> tuple[AdClick, str]:
    locked = _lock(token)
    if locked is None:
        raise NotFound("This ad no longer exists.")
    campaign, creative = locked
    now = timezone.now()
    if not reason:
        window_start = now - timedelta(seconds=settings.ADS_CLICK_DEDUPE_SECONDS)
        if is_bot_user_agent(user_agent):
            reason = R.BOT
        elif not AdImpression.objects.filter(token_id=token.jti).exists():
            reason = R.NO_IMPRESSION
        elif (
            AdClick.objects.filter(token_id=token.jti, valid=True).exists()
            or AdClick.objects.filter(
                viewer_key=token.viewer_key, creative_id=token.creative_id, valid=True, created_at__gte=window_start
            ).exists()
        ):
            reason = R.DUPLICATE
        elif _requester_mismatch(token, requester) and requester is not None and requester.is_authenticated:
            # Clicks arrive by browser navigation, often without the API credentials: only a
            # *different* signed-in user is a mismatch; an anonymous navigation is fine.
            reason = R.VIEWER_MISMATCH
        elif not _serving(campaign, creative, now):
            reason = R.NOT_SERVING
    creator = _user_or_none(token.creator_id)
    event = AdClick(**_base_fields(token, user_agent), beside_creator=creator)
    if not reason:
        cost = campaign.price_milli if campaign.bid_type == Campaign.BidType.CPC else 0
        reason = _charge(
            campaign=campaign, creative=creative, event=event, cost_milli=cost, today=now.date(), creator=creator,
            counter="clicks_count",
        )  # fmt: skip
    event.valid = not reason
    event.invalid_reason = reason
    event.save(force_insert=True)
    if event.valid:
        _after_charge(campaign, now.date())
    return event, token.landing_url
