from django.db import transaction

from ads.models import Advertiser, Campaign
from ads.serving.index import index_invalidate
from core.exceptions import Conflict, PermissionDenied

BILLING_FIELDS = ("company_name", "billing_email", "billing_address", "billing_country", "vat_id")


@transaction.atomic
def advertiser_create(*, user, company_name: str, billing_email: str, billing_address: str,
                      billing_country: str, vat_id: str = "", currency: str = "usd") -> Advertiser:  # fmt: skip
    """Any verified user may advertise; one advertiser account per user."""
    if not user.is_email_verified:
        raise PermissionDenied("Verify your email address before advertising.")
    if Advertiser.objects.filter(user=user).exists():
        raise Conflict("You already have an advertiser account.")
    advertiser = Advertiser(
        user=user, company_name=company_name, billing_email=billing_email, billing_address=billing_address,
        billing_country=billing_country.upper(), vat_id=vat_id, currency=currency.lower(),
    )  # fmt: skip
    advertiser.full_clean()
    advertiser.save()
    return advertiser


@transaction.atomic
def advertiser_update(*, advertiser: Advertiser, **fields) -> Advertiser:
    """Billing details only; the currency is fixed once campaigns exist (their money is in it)."""
    for name, value in fields.items():
        if name not in BILLING_FIELDS:
            raise PermissionDenied(f"'{name}' cannot be changed here.")
        setattr(advertiser, name, value.upper() if name == "billing_country" else value)
    advertiser.full_clean()
    advertiser.save()
    index_invalidate()  # the advertiser's display name is part of every served ad
    return advertiser


@transaction.atomic
def advertiser_set_status(*, advertiser: Advertiser, status: str) -> Advertiser:
    """Staff suspend or reinstate an advertiser. Suspension pauses every running campaign."""
    from ads.services.campaigns import campaign_transition

    advertiser = Advertiser.objects.select_for_update().get(pk=advertiser.pk)
    advertiser.status = status
    advertiser.full_clean()
    advertiser.save(update_fields=["status", "updated_at"])
    if status == Advertiser.Status.SUSPENDED:
        for campaign in advertiser.campaigns.filter(status=Campaign.Status.ACTIVE):
            campaign_transition(
                campaign=campaign, to=Campaign.Status.PAUSED, reason=Campaign.PauseReason.ADVERTISER_SUSPENDED
            )
    index_invalidate()
    return advertiser
