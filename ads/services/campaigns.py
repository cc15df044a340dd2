"""Campaign writes and the one status transition service.

draft → active | completed;  active → paused | completed;  paused → active | completed.
Dates, budgets and the advertiser drive it: `campaigns_roll_status` completes ended campaigns, the
spend service pauses a campaign whose total budget cannot cover another event, suspension of the
advertiser pauses everything; the advertiser pauses and resumes by hand.
"""

import re

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from ads.models import Campaign
from ads.models.campaign import MILLI
from ads.services.ledger import balance_covers
from ads.serving.index import index_invalidate
from core.exceptions import Conflict, ValidationFailed

EDITABLE = (
    "name", "objective", "start_at", "end_at", "total_budget", "daily_budget", "bid_type", "bid_amount",
    "pacing", "frequency_cap", "target_countries", "target_languages", "target_age_min", "target_age_max",
    "target_interests", "placements", "target_devices",
)  # fmt: skip
_COUNTRY = re.compile(r"^[A-Z]{2}$")
_LANGUAGE = re.compile(r"^[a-z]{2,3}$")
_HASHTAG = re.compile(r"^\w{1,100}$")


def _normalise_targeting(c: Campaign) -> None:
    """Canonical forms (upper-case countries, lower-case languages and hashtags) and their validation."""
    errors: dict[str, list[str]] = {}
    c.target_countries = sorted({str(v).strip().upper() for v in c.target_countries or []})
    c.target_languages = sorted({str(v).strip().lower() for v in c.target_languages or []})
    c.target_interests = sorted({str(v).strip().lstrip("#").lower() for v in c.target_interests or []})
    c.placements = sorted(set(c.placements or []))
    c.target_devices = sorted(set(c.target_devices or []))
    checks = [
        ("target_countries", c.target_countries, lambda v: bool(_COUNTRY.match(v)), "ISO country codes, e.g. PT."),
        ("target_languages", c.target_languages, lambda v: bool(_LANGUAGE.match(v)), "Language codes, e.g. pt."),
        ("target_interests", c.target_interests, lambda v: bool(_HASHTAG.match(v)), "Hashtag names."),
        ("placements", c.placements, lambda v: v in Campaign.Placement.values, "Unknown placement."),
        ("target_devices", c.target_devices, lambda v: v in Campaign.Device.values, "Unknown device."),
    ]
    for field, values, ok, message in checks:
        bad = [v for v in values if not ok(v)]
        if bad:
            errors[field] = [f"{message} Not accepted: {', '.join(map(str, bad[:5]))}"]
    for field in ("target_age_min", "target_age_max"):
        value = getattr(c, field)
        if value is not None and not 13 <= value <= 120:
            errors[field] = ["Ages run from 13 to 120."]
    if c.target_age_min is not None and c.target_age_max is not None and c.target_age_min > c.target_age_max:
        errors["target_age_max"] = ["Must not be below the minimum age."]
    if c.daily_budget is not None and c.total_budget is not None and c.daily_budget > c.total_budget:
        errors["daily_budget"] = ["Must not exceed the total budget."]
    if c.start_at and c.end_at and c.end_at <= c.start_at:
        errors["end_at"] = ["Must be after the start."]
    if c.total_budget is not None and c.total_budget * MILLI < c.spent_total_milli:
        errors["total_budget"] = ["Must not be below what the campaign has already spent."]
    if c.bid_type == Campaign.BidType.CPC and c.bid_amount and c.daily_budget and c.bid_amount > c.daily_budget:
        errors["bid_amount"] = ["A click must not cost more than the daily budget."]
    if c.frequency_cap is not None and c.frequency_cap < 1:
        errors["frequency_cap"] = ["At least 1, or empty for no cap."]
    if errors:
        raise ValidationFailed(errors=errors)


@transaction.atomic
def campaign_create(*, advertiser, **fields) -> Campaign:
    unknown = set(fields) - set(EDITABLE)
    if unknown:
        raise ValidationFailed(errors={name: ["Unknown field."] for name in sorted(unknown)})
    campaign = Campaign(advertiser=advertiser, currency=advertiser.currency, **fields)
    _normalise_targeting(campaign)
    campaign.full_clean()
    campaign.save()
    return campaign


@transaction.atomic
def campaign_update(*, campaign: Campaign, **fields) -> Campaign:
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    if campaign.status == Campaign.Status.COMPLETED:
        raise Conflict("A completed campaign cannot be changed.")
    for name, value in fields.items():
        if name not in EDITABLE:
            raise ValidationFailed(errors={name: ["This field cannot be changed."]})
        setattr(campaign, name, value)
    _normalise_targeting(campaign)
    campaign.full_clean()
    campaign.save()
    index_invalidate()
    return campaign


def _resumable_problem(campaign: Campaign, now) -> str | None:
    if campaign.end_at <= now:
        return "The campaign has ended."
    if not campaign.advertiser.is_active:
        return "The advertiser account is suspended."
    if campaign.spent_total_milli + campaign.price_milli > campaign.total_budget * MILLI:
        return "The total budget is spent; raise it to continue."
    if not balance_covers(advertiser=campaign.advertiser, amount_minor=1):
        return "Add funds to your advertising balance first."
    return None


@transaction.atomic
def campaign_transition(*, campaign: Campaign, to: str, reason: str = "", allowed_from=None) -> Campaign:
    """The only code that changes Campaign.status. Locks the row; raises Conflict on a forbidden move
    (or when `allowed_from` is given and the current status is not in it)."""
    from ads.notify import notify_campaign_budget_spent

    campaign = Campaign.objects.select_for_update().select_related("advertiser").get(pk=campaign.pk)
    if allowed_from is not None and campaign.status not in allowed_from:
        raise Conflict(f"A {campaign.status} campaign cannot do this.")
    if campaign.status == to:
        return campaign
    if to not in Campaign.TRANSITIONS[campaign.status]:
        raise Conflict(f"A {campaign.status} campaign cannot become {to}.")
    if to == Campaign.Status.ACTIVE:
        problem = _resumable_problem(campaign, timezone.now())
        if problem:
            raise Conflict(problem)
    campaign.status = to
    campaign.pause_reason = reason if to == Campaign.Status.PAUSED else ""
    try:
        campaign.full_clean()
    except ValidationError as exc:  # pragma: no cover - the graph above keeps the row valid
        raise ValidationFailed(errors=exc.message_dict) from exc
    campaign.save(update_fields=["status", "pause_reason", "updated_at"])
    index_invalidate()
    if to == Campaign.Status.PAUSED and reason in (Campaign.PauseReason.BUDGET, Campaign.PauseReason.BALANCE):
        notify_campaign_budget_spent(campaign=campaign, reason=reason)
    return campaign


def _owned(campaign: Campaign, by) -> None:
    if by is not None and campaign.advertiser.user_id != by.pk:
        from core.exceptions import NotFound

        raise NotFound("No such campaign.")


def campaign_activate(*, campaign: Campaign, by=None) -> Campaign:
    """Draft → active (serving starts at start_at)."""
    _owned(campaign, by)
    return campaign_transition(campaign=campaign, to=Campaign.Status.ACTIVE, allowed_from={Campaign.Status.DRAFT})


def campaign_pause(*, campaign: Campaign, by=None) -> Campaign:
    _owned(campaign, by)
    return campaign_transition(campaign=campaign, to=Campaign.Status.PAUSED, reason=Campaign.PauseReason.ADVERTISER)


def campaign_resume(*, campaign: Campaign, by=None) -> Campaign:
    """Paused → active, whatever paused it, once the cause is gone (budget raised, balance funded...)."""
    _owned(campaign, by)
    return campaign_transition(campaign=campaign, to=Campaign.Status.ACTIVE, allowed_from={Campaign.Status.PAUSED})


def campaigns_roll_status(*, now=None) -> int:
    """Complete campaigns whose end has passed (run by beat); returns how many changed."""
    now = now or timezone.now()
    ids = list(
        Campaign.objects.filter(
            status__in=[Campaign.Status.ACTIVE, Campaign.Status.PAUSED, Campaign.Status.DRAFT], end_at__lte=now
        ).values_list("id", flat=True)
    )
    for pk in ids:
        campaign_transition(campaign=Campaign(pk=pk), to=Campaign.Status.COMPLETED)
    return len(ids)
