"""Reconciliation against localstripe's balance transactions, and the earnings report."""

import datetime as dt
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from payments import ledger
from payments.models import JournalEntry, Tip
from payments.reconciliation import reconcile_day
from payments.tests.conftest import make_event

pytestmark = pytest.mark.django_db


def _paid_tip(client_for, fan, creator, card, deliver, amount=1000, **extra):
    body = {"creator": str(creator.pk), "amount": amount, "currency": "usd", "payment_method": card(), **extra}
    tip = Tip.objects.get(pk=client_for(fan).post("/api/v1/tips", body, format="json").json()["tip"]["id"])
    deliver(make_event("payment_intent.succeeded", {"id": tip.stripe_payment_intent_id, "object": "payment_intent"}))
    tip.refresh_from_db()
    return tip


def test_reconcile_matches_and_reports_differences(stripe_on, user, creator, client_for, card, deliver, stripe_api):
    tip = _paid_tip(client_for, user, creator, card, deliver)
    refund = stripe_api.v1.refunds.create(params={"charge": tip.stripe_charge_id, "amount": 300})  # no webhook yet
    report = reconcile_day(day=timezone.now().date())
    by_id = {d.stripe_id: d for d in report.differences}
    assert tip.stripe_charge_id not in by_id  # the charge matched its earning
    assert by_id[refund.id].kind == "missing_in_ledger" and by_id[refund.id].stripe_amount == -300

    deliver(make_event("charge.refunded", {"id": tip.stripe_charge_id, "object": "charge"}))
    report = reconcile_day(day=timezone.now().date())
    assert refund.id not in {d.stripe_id for d in report.differences}

    # A ledger entry Stripe knows nothing about is reported too.
    ledger.ledger_post_earning(
        external_key="earning:ch_ghost", creator=creator, gross=700, currency="usd", source="tip"
    )
    out = StringIO()
    with pytest.raises(CommandError):
        call_command("reconcile_stripe", "--date", timezone.now().date().isoformat(), stdout=out)
    assert "missing_at_stripe" in out.getvalue() and "ch_ghost" in out.getvalue()


def test_earnings_by_day_source_and_content(stripe_on, user, creator, other_user, client_for, card, deliver):
    _paid_tip(client_for, user, creator, card, deliver, amount=1000, target_type="post", target_id="p1")
    _paid_tip(client_for, user, creator, card, deliver, amount=2000, target_type="live_stream", target_id="s1")
    ledger.ledger_post_ad_revenue_share(
        creator=creator, amount=150, currency="usd", external_key="adshare:2026-11-28", source_ref="video:v1"
    )
    today = timezone.now().date()
    query = f"from={today - dt.timedelta(days=1)}&to={today}"
    by_source = client_for(creator).get(f"/api/v1/earnings?{query}&group_by=source").json()
    assert {r["source"]: r["amount"] for r in by_source["rows"]} == {
        "ad_revenue_share": 150,
        "stream_donation": 1800,
        "tip": 900,
    }
    assert by_source["total"] == 2850
    by_day = client_for(creator).get(f"/api/v1/earnings?{query}&group_by=day").json()
    assert by_day["rows"] == [{"date": today.isoformat(), "amount": 2850, "currency": "usd"}]
    by_content = client_for(creator).get(f"/api/v1/earnings?{query}&group_by=content").json()
    assert {r["source_ref"]: r["amount"] for r in by_content["rows"]} == {
        "live_stream:s1": 1800,
        "post:p1": 900,
        "video:v1": 150,
    }
    # Another user sees only their own (empty) earnings.
    assert client_for(other_user).get(f"/api/v1/earnings?{query}").json()["rows"] == []
    assert client_for(creator).get("/api/v1/earnings?from=2026-01-02&to=2026-01-01").status_code == 400


def test_ad_revenue_share_is_posted_once(db, creator):
    for _ in range(2):
        ledger.ledger_post_ad_revenue_share(
            creator=creator, amount=150, currency="usd", external_key="adshare:x", source_ref=""
        )
    assert JournalEntry.objects.filter(external_key="adshare:x").count() == 1
    assert ledger.creator_balances(user=creator, currency="usd")["pending"] == 150
