import pytest

from ads import services
from ads.tests.factories import campaign_fields, creative_fields, make_advertiser
from users.tests.factories import UserFactory


@pytest.fixture
def reviewer(db):
    return UserFactory(username="rita", role="moderator", is_staff=True)


@pytest.fixture
def advertiser(user):
    return make_advertiser(user)


@pytest.fixture
def launch(advertiser, reviewer, django_capture_on_commit_callbacks):
    """`launch(**campaign_overrides)` → (campaign, creative): created, approved and active, through the
    services, with after-commit effects (index invalidation, notifications) run as in production."""

    def make(*, owner=None, creative=None, activate=True, **overrides):
        with django_capture_on_commit_callbacks(execute=True):
            campaign = services.campaign_create(advertiser=owner or advertiser, **campaign_fields(**overrides))
            ad = services.creative_create(campaign=campaign, **creative_fields(**(creative or {})))
            ad = services.creative_approve(creative=ad, by=reviewer)
            if activate:
                campaign = services.campaign_activate(campaign=campaign)
        return campaign, ad

    return make


@pytest.fixture
def commit(django_capture_on_commit_callbacks):
    """`with commit(): ...` runs the block's after-commit callbacks, as a real commit would."""
    return lambda: django_capture_on_commit_callbacks(execute=True)
