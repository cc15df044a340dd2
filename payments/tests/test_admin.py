"""Every payments model has a working, read-only-where-it-matters admin."""

import pytest
from django.urls import reverse

from payments import ledger
from payments.models import JournalEntry

pytestmark = pytest.mark.django_db

MODELS = ["tier", "subscription", "stripecustomer", "tip", "advertiserfunding", "connectaccount", "payout",
          "webhookevent", "journalentry", "journalline", "ledgeraccount"]  # fmt: skip


@pytest.fixture
def admin_client(client, moderator):
    moderator.is_superuser = True
    moderator.save()
    client.force_login(moderator)
    return client


@pytest.mark.parametrize("model", MODELS)
def test_changelists_load(admin_client, creator, model):
    ledger.ledger_post_earning(
        external_key="earning:ch_admin", creator=creator, gross=1000, currency="usd", source="tip"
    )
    response = admin_client.get(reverse(f"admin:payments_{model}_changelist"))
    assert response.status_code == 200


def test_ledger_is_read_only_in_admin(admin_client, creator):
    entry = ledger.ledger_post_earning(
        external_key="earning:ch_ro", creator=creator, gross=1000, currency="usd", source="tip"
    )
    assert admin_client.get(reverse("admin:payments_journalentry_add")).status_code == 403
    page = admin_client.get(reverse("admin:payments_journalentry_change", args=[entry.pk]))
    assert page.status_code == 200 and b'name="_save"' not in page.content
    admin_client.post(reverse("admin:payments_journalentry_delete", args=[entry.pk]), {"post": "yes"})
    assert JournalEntry.objects.filter(pk=entry.pk).exists()
