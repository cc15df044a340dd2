"""Money leaves the ads app through the payments ledger, inside the event's own transaction.

Each chargeable event posts what it moved (whole minor units, see services.spend) under its own id
as the external key, so the campaign counters and the ledger commit or roll back together and a
retried request finds the key taken. The advertiser's prepaid balance must cover the charge; when it
cannot, the event is not paid for and the advertiser's running campaigns pause until they top up.
"""

from django.db import transaction

from ads.models import Campaign
from core.exceptions import Conflict
from payments.ledger import ad_spend_charge, advertiser_balance, ledger_post_ad_revenue_share


class InsufficientBalance(Exception):
    pass


def ledger_post_event(*, event, campaign: Campaign, charge, creator) -> None:
    kind = type(event).__name__.lower()
    key = f"ads:{kind}:{event.pk}"
    if charge.charge_minor:
        try:
            ad_spend_charge(
                advertiser_user=campaign.advertiser.user,
                amount_minor=charge.charge_minor,
                currency=campaign.currency,
                external_key=key,
            )
        except Conflict as exc:
            if exc.code == "insufficient_balance":
                raise InsufficientBalance() from exc
            raise
    if charge.creator_share_minor:
        ledger_post_ad_revenue_share(
            creator=creator,
            amount=charge.creator_share_minor,
            currency=campaign.currency,
            external_key=f"{key}:share",
            source_ref=f"ads.campaign:{campaign.pk}",
        )


def balance_covers(*, advertiser, amount_minor: int) -> bool:
    return advertiser_balance(user=advertiser.user).get(advertiser.currency, 0) >= amount_minor


@transaction.atomic
def pause_for_balance(*, campaign: Campaign) -> None:
    """Pause this campaign now and the advertiser's other running ones after commit (they share the
    empty balance). Not inline: locking sibling campaign rows while holding this one could deadlock
    with an event of a sibling doing the same in the other order."""
    from ads.services.campaigns import campaign_transition
    from ads.tasks import ads_pause_advertiser_for_balance_task

    campaign_transition(campaign=campaign, to=Campaign.Status.PAUSED, reason=Campaign.PauseReason.BALANCE)
    ads_pause_advertiser_for_balance_task.delay_on_commit(str(campaign.advertiser_id))


def advertiser_pause_for_balance(*, advertiser_id) -> int:
    from ads.services.campaigns import campaign_transition

    ids = list(
        Campaign.objects.filter(advertiser_id=advertiser_id, status=Campaign.Status.ACTIVE).values_list("id", flat=True)
    )
    for pk in ids:
        campaign_transition(campaign=Campaign(pk=pk), to=Campaign.Status.PAUSED, reason=Campaign.PauseReason.BALANCE)
    return len(ids)
