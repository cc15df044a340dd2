import pytest
from django.apps import apps
from django.contrib.auth.models import Group

from socialflow.backoffice.groups import ROLES, sync_staff_groups
from users.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def staff_in(group_name):
    member = UserFactory(is_staff=True)
    member.groups.add(Group.objects.get(name=group_name))
    return member


def changelist(app_label):
    """The admin changelist URL of the first registered model of an app."""
    from django.contrib import admin

    for model in admin.site._registry:
        if model._meta.app_label == app_label:
            return f"/admin/{app_label}/{model._meta.model_name}/"
    pytest.skip(f"no admin registered for {app_label}")


def test_groups_exist_after_migrate():
    assert set(Group.objects.values_list("name", flat=True)) >= set(ROLES)


def test_sync_is_idempotent():
    first = sync_staff_groups()
    assert sync_staff_groups() == first
    assert first["Admins"] == Group.objects.get(name="Admins").permissions.count()


def test_moderator_cannot_open_finance_pages(client):
    client.force_login(staff_in("Moderators"))
    assert client.get(changelist("payments")).status_code == 403
    assert client.get("/admin/payments/").status_code == 404  # the app is invisible to them


def test_moderator_can_open_moderation_pages(client):
    client.force_login(staff_in("Moderators"))
    assert client.get(changelist("social")).status_code == 200


def test_finance_cannot_open_moderation_pages(client):
    client.force_login(staff_in("Finance"))
    assert client.get(changelist("social")).status_code == 403
    assert client.get(changelist("payments")).status_code == 200


def test_ad_reviewer_sees_ads_only(client):
    client.force_login(staff_in("Ad reviewers"))
    assert client.get(changelist("ads")).status_code == 200
    assert client.get(changelist("payments")).status_code == 403


def test_admins_hold_every_permission():
    from django.contrib.auth.models import Permission

    assert Group.objects.get(name="Admins").permissions.count() == Permission.objects.count()
    assert apps.is_installed("socialflow")


def test_ad_reviewer_cannot_open_moderation_or_finance(client):
    client.force_login(staff_in("Ad reviewers"))
    assert client.get("/admin/social/moderationcase/").status_code == 403
    assert client.get("/admin/payments/payout/").status_code == 403
    assert client.get("/admin/ads/creativereviewqueue/").status_code == 200


def test_moderator_works_cases_and_reads_the_audit_log_but_no_money(client):
    client.force_login(staff_in("Moderators"))
    assert client.get("/admin/social/moderationcase/").status_code == 200
    assert client.get("/admin/core/auditlogentry/").status_code == 200
    assert client.get("/admin/content/video/").status_code == 200
    for page in ("/admin/payments/tip/", "/admin/payments/ledgeraccount/", "/admin/reconciliation/"):
        assert client.get(page).status_code == 403
    assert client.get("/admin/ads/creativereviewqueue/").status_code == 403


def test_finance_reads_the_ledger_but_cannot_write_it(client):
    client.force_login(staff_in("Finance"))
    assert client.get("/admin/payments/ledgeraccount/").status_code == 200
    assert client.get("/admin/payments/journalentry/").status_code == 200
    assert client.get("/admin/payments/journalentry/add/").status_code == 403
