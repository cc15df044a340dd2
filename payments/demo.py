"""Demo money for `manage.py seed_demo`: tiers for each creator, paid-up fans, two weeks of earnings.

With Stripe configured (STRIPE_SECRET_KEY, e.g. pointed at localstripe) tiers are created through
the real service (Product + Plan). Without it, tier rows are written without Stripe ids, so the
dashboard and the subscribers-only visibility have something to show; subscribing to them answers
503 "payments are not configured" as it would anyway. Ledger entries use `demo:` keys, which no
Stripe id can collide with, so reconcile_stripe reports them only if Stripe is configured.
"""

import datetime as dt

from django.utils import timezone

from payments import gateway, ledger
from payments.models import JournalEntry, Subscription, Tier
from payments.services import tier_create

STEPS = 3
TIERS = [("Supporter", 300, ["Supporter badge"]), ("Insider", 900, ["Subscriber-only posts", "Monthly Q&A"])]


def seed(ctx, step):
    creators, fans = ctx.get("creators", []), ctx.get("fans", [])
    tiers = {}
    for creator in creators:
        for name, price, benefits in TIERS:
            tier = Tier.objects.filter(creator=creator, name=name).first()
            if tier is None:
                if gateway.is_configured():
                    tier = tier_create(
                        creator=creator, name=name, price_amount=price, currency="usd", benefits=benefits
                    )
                else:
                    tier = Tier.objects.create(
                        creator=creator, name=name, price_amount=price, currency="usd", benefits=benefits
                    )
            tiers[(creator.pk, name)] = tier
    step("payment tiers")

    now = timezone.now()
    for i, fan in enumerate(fans[:3]):
        creator = creators[i % len(creators)] if creators else None
        if creator is None or Subscription.objects.filter(fan=fan, creator=creator).exists():
            continue
        tier = tiers[(creator.pk, TIERS[i % 2][0])]
        Subscription.objects.create(
            fan=fan,
            creator=creator,
            tier=tier,
            status=Subscription.Status.ACTIVE,
            price_amount=tier.price_amount,
            paid_through=now + dt.timedelta(days=30),
            current_period_end=now + dt.timedelta(days=30),
        )
    step("subscriptions")

    for c, creator in enumerate(creators):
        for day in range(14):
            when = now - dt.timedelta(days=day, hours=c)
            ledger.ledger_post_earning(
                external_key=f"demo:tip:{creator.username}:{day}",
                creator=creator,
                gross=200 + 150 * ((day + c) % 5),
                currency="usd",
                source=JournalEntry.Source.TIP,
                occurred_at=when,
            )
            if day % 7 == 0:
                ledger.ledger_post_earning(
                    external_key=f"demo:subscription:{creator.username}:{day}",
                    creator=creator,
                    gross=900,
                    currency="usd",
                    source=JournalEntry.Source.SUBSCRIPTION,
                    source_ref=f"tier:{tiers[(creator.pk, 'Insider')].pk}",
                    occurred_at=when,
                )
    ledger.ledger_release_matured(now=now)
    step("earnings")
    ctx["tiers"] = tiers
