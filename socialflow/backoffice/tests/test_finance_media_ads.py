"""The finance, media and ad-review pages of the back office, driven as staff of each role."""

import uuid

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone

from ads import services as ads_services
from ads.tests.factories import campaign_fields, creative_fields, make_advertiser
from content.models import Video
from content.tests.factories import VideoFactory
from core.models import AuditLogEntry
from payments import ledger
from payments.models import ConnectAccount, Payout
from payments.services.payouts import payout_mark_failed
from payments.tests.conftest import card, deliver, stripe_api, stripe_on  # noqa: F401 - payments' fixtures
from payments.tests.test_reconcile_earnings import _paid_tip
from users.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def staff(client, group):
    member = UserFactory(is_staff=True)
    member.groups.add(Group.objects.get(name=group))
    client.force_login(member)
    return member


def _available(creator, amount):
    earning = ledger.ledger_post_earning(
        external_key=f"earning:test:{uuid.uuid4().hex}", creator=creator, gross=amount, currency="usd", source="tip"
    )
    ledger.ledger_release_earning(earning=earning)


def test_reconciliation_report_page(client, stripe_on, creator):  # noqa: F811
    ledger.ledger_post_earning(
        external_key="earning:ch_ghost", creator=creator, gross=700, currency="usd", source="tip"
    )
    staff(client, "Finance")
    page = client.get("/admin/reconciliation/", {"day": timezone.now().date().isoformat()})
    body = page.content.decode()
    assert page.status_code == 200
    assert "missing_at_stripe" in body and "ch_ghost" in body


def test_reconciliation_without_stripe_says_so_and_is_finance_only(client):
    staff(client, "Finance")
    body = client.get("/admin/reconciliation/", {"day": "2026-11-01"}).content.decode()
    assert "errornote" in body
    staff(client, "Moderators")
    assert client.get("/admin/reconciliation/").status_code == 403


def test_ledger_accounts_show_balances(client, creator):
    _available(creator, 1000)
    staff(client, "Finance")
    page = client.get("/admin/payments/ledgeraccount/?user__id__exact=" + str(creator.pk))
    balances = {row.kind: row.balance_total for row in page.context_data["cl"].result_list}
    # Credit balances (negative, debit positive) are what the platform owes the creator.
    assert balances["creator_available"] < 0 and not balances.get("creator_pending")
    assert client.post("/admin/payments/ledgeraccount/add/").status_code == 403


def test_retry_a_failed_payout(client, stripe_on, creator, django_capture_on_commit_callbacks):  # noqa: F811
    _available(creator, 5000)
    account = ConnectAccount.objects.create(user=creator, stripe_account_id="acct_retry", payouts_enabled=True)
    failed = Payout.objects.create(creator=creator, account=account, amount=2000, currency="usd")
    ledger.ledger_post_payout(payout=failed)
    payout_mark_failed(payout_id=failed.pk, reason="account closed")
    member = staff(client, "Finance")
    answer = client.post("/admin/payments/payout/", {"action": "retry_failed", "_selected_action": [str(failed.pk)]})
    assert answer.status_code == 302
    retry = Payout.objects.exclude(pk=failed.pk).get(creator=creator)
    assert (retry.amount, retry.status) == (2000, "pending")
    entry = AuditLogEntry.objects.get(action="payments.payout_retry")
    assert (entry.actor, entry.target_id, entry.data["retry"]) == (member, str(failed.pk), str(retry.pk))


def test_partial_refund_through_the_admin(client, user, creator, client_for, card, deliver, stripe_api):  # noqa: F811
    tip = _paid_tip(client_for, user, creator, card, deliver, amount=1000)
    staff(client, "Finance")
    answer = client.post(
        "/admin/payments/tip/", {"action": "refund_amount", "_selected_action": [str(tip.pk)], "amount": "250"}
    )
    assert answer.status_code == 302
    refunds = stripe_api.v1.refunds.list(params={"charge": tip.stripe_charge_id})
    assert [r.amount for r in refunds.data] == [250]


def test_failed_videos_show_their_reason_and_retry_in_bulk(client, django_capture_on_commit_callbacks):
    failed = [
        VideoFactory(status=Video.Status.FAILED, failure_reason=f"ffmpeg exited {n}", uploaded_at=timezone.now())
        for n in (1, 2)
    ]
    staff(client, "Moderators")
    page = client.get("/admin/content/video/?status__exact=failed").content.decode()
    assert "ffmpeg exited 1" in page and "ffmpeg exited 2" in page
    admin_user = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(admin_user)
    with django_capture_on_commit_callbacks(execute=False):
        answer = client.post(
            "/admin/content/video/", {"action": "retry_processing", "_selected_action": [str(v.pk) for v in failed]}
        )
    assert answer.status_code == 302
    assert set(Video.objects.filter(pk__in=[v.pk for v in failed]).values_list("status", flat=True)) == {"processing"}


def test_review_queue_shows_preview_checks_and_history(client):
    advertiser = make_advertiser(UserFactory(username="acme"))
    campaign = ads_services.campaign_create(advertiser=advertiser, **campaign_fields())
    old = ads_services.creative_create(campaign=campaign, **creative_fields(headline="Old claim"))
    reviewer = staff(client, "Ad reviewers")
    ads_services.creative_reject(creative=old, by=reviewer, reason="Unverifiable claim")
    pending = [ads_services.creative_create(campaign=campaign, **creative_fields(headline=f"Ad {n}")) for n in (1, 2)]
    page = client.get(f"/admin/ads/creativereviewqueue/{pending[0].pk}/change/").content.decode()
    assert "Shoes that grip." in page  # the rendered preview
    assert "Unverifiable claim" in page and "1 rejected" in page  # the advertiser's history
    answer = client.post(
        "/admin/ads/creativereviewqueue/",
        {"action": "approve_selected", "_selected_action": [str(c.pk) for c in pending]},
    )
    assert answer.status_code == 302
    assert {c.status for c in ads_services_refresh(pending)} == {"approved"}


def ads_services_refresh(creatives):
    for creative in creatives:
        creative.refresh_from_db()
    return creatives
