"""Policy checks on submit, the human review and the admin review queue."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from ads import services
from ads.models import Creative
from ads.policy import check_url
from ads.tests.factories import campaign_fields, creative_fields
from core.exceptions import Conflict, PermissionDenied, ValidationFailed
from notifications.models import Notification


@pytest.fixture
def campaign(advertiser):
    return services.campaign_create(advertiser=advertiser, **campaign_fields())


def _failed(url):
    return {r.check for r in check_url(url) if not r.passed}


@pytest.mark.parametrize(
    ("url", "failed"),
    [
        ("https://shop.example/a?b=1", set()),
        ("http://shop.example", {"https_url"}),
        ("javascript:alert(1)", {"safe_scheme", "https_url"}),
        ("  JavaScript:alert(1)", {"safe_scheme", "https_url"}),
        ("\tjava\nscript:alert(1)", {"safe_scheme", "https_url"}),
        ("data:text/html;base64,PHNjcmlwdD4=", {"safe_scheme", "https_url"}),
        ("https://", {"https_url"}),
        ("https://evil.example/x", {"domain_allowed"}),
        ("https://sub.evil.example/x", {"domain_allowed"}),
        ("https://notevil.example/x", set()),
    ],
)
def test_url_policy(settings, url, failed):
    settings.ADS_BLOCKED_DOMAINS = ["evil.example"]
    assert _failed(url) == failed


def test_lengths_and_media_are_checked(campaign):
    too_long = services.creative_create(campaign=campaign, **creative_fields(headline="x" * 91, cta_label=""))
    failed = {r["check"] for r in too_long.check_results if not r["passed"]}
    assert failed == {"headline_length", "cta_label_length"}
    assert too_long.status == Creative.Status.DRAFT
    gif_as_video = SimpleUploadedFile("v.mp4", b"GIF89a" + b"\x00" * 10, content_type="video/mp4")
    video = services.creative_create(campaign=campaign, **creative_fields(format="video", media=gif_as_video))
    [media] = [r for r in video.check_results if r["check"] == "media"]
    assert media == {"check": "media", "passed": False, "detail": "image/gif is not an accepted video type."}


def test_media_size_limit(campaign, settings):
    settings.ADS_MAX_IMAGE_BYTES = 100
    big = SimpleUploadedFile("a.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 200, content_type="image/png")
    creative = services.creative_create(campaign=campaign, **creative_fields(format="image", media=big))
    assert creative.status == Creative.Status.DRAFT


def test_approval_and_rejection_notify_the_advertiser(campaign, reviewer, advertiser, commit):
    with commit():
        first = services.creative_create(campaign=campaign, **creative_fields())
        second = services.creative_create(campaign=campaign, **creative_fields(headline="Other"))
        services.creative_approve(creative=first, by=reviewer)
        services.creative_reject(creative=second, by=reviewer, reason="Unverifiable health claim")
    types = dict(Notification.objects.filter(recipient=advertiser.user).values_list("type", "target_id"))
    assert types == {"ad_approved": str(first.pk), "ad_rejected": str(second.pk)}
    second.refresh_from_db()
    assert (second.status, second.rejection_reason, second.reviewed_by) == (
        "rejected", "Unverifiable health claim", reviewer,
    )  # fmt: skip


def test_review_rules(campaign, reviewer, user):
    creative = services.creative_create(campaign=campaign, **creative_fields())
    with pytest.raises(PermissionDenied):
        services.creative_approve(creative=creative, by=user)
    with pytest.raises(ValidationFailed):
        services.creative_reject(creative=creative, by=reviewer, reason="  ")
    services.creative_approve(creative=creative, by=reviewer)
    with pytest.raises(Conflict):
        services.creative_approve(creative=creative, by=reviewer)


def test_editing_an_approved_creative_sends_it_back_to_review(campaign, reviewer):
    creative = services.creative_create(campaign=campaign, **creative_fields())
    services.creative_approve(creative=creative, by=reviewer)
    edited = services.creative_update(creative=creative, cta_url="https://shop.example/new")
    assert (edited.status, edited.reviewed_by, edited.submitted_at is not None) == ("submitted", None, True)


def test_rejected_reason_is_shown_to_the_advertiser(campaign, reviewer, client_for, user):
    creative = services.creative_create(campaign=campaign, **creative_fields())
    services.creative_reject(creative=creative, by=reviewer, reason="Blurry image")
    data = client_for(user).get(f"/api/v1/ads/ads/{creative.pk}").json()
    assert (data["status"], data["rejection_reason"]) == ("rejected", "Blurry image")
    resubmitted = client_for(user).patch(f"/api/v1/ads/ads/{creative.pk}", {"headline": "Sharp"}, format="json")
    assert resubmitted.json()["status"] == "submitted"


@pytest.fixture
def admin_client(client, reviewer):
    reviewer.is_superuser = True
    reviewer.save(update_fields=["is_superuser"])
    client.force_login(reviewer)
    return client


def test_admin_queue_lists_submitted_creatives_with_preview(admin_client, campaign, reviewer):
    waiting = services.creative_create(campaign=campaign, **creative_fields(headline="Waiting"))
    done = services.creative_create(campaign=campaign, **creative_fields(headline="Done"))
    services.creative_approve(creative=done, by=reviewer)
    page = admin_client.get("/admin/ads/creativereviewqueue/")
    assert page.status_code == 200
    assert b"Waiting" in page.content and b"Done" not in page.content
    detail = admin_client.get(f"/admin/ads/creativereviewqueue/{waiting.pk}/change/")
    assert detail.status_code == 200
    assert b"https://shop.example/climb" in detail.content and b"https_url" in detail.content


def test_admin_bulk_actions_call_the_review_services(admin_client, campaign, advertiser):
    a = services.creative_create(campaign=campaign, **creative_fields(headline="A"))
    b = services.creative_create(campaign=campaign, **creative_fields(headline="B"))
    url = "/admin/ads/creativereviewqueue/"
    admin_client.post(url, {"action": "approve_selected", "_selected_action": [a.pk], "reason": ""})
    admin_client.post(
        url, {"action": "reject_selected", "_selected_action": [b.pk], "reason": ""}
    )  # refused: no reason
    b.refresh_from_db()
    assert b.status == "submitted"
    admin_client.post(url, {"action": "reject_selected", "_selected_action": [b.pk], "reason": "Off-topic"})
    a.refresh_from_db()
    b.refresh_from_db()
    assert (a.status, b.status, b.rejection_reason) == ("approved", "rejected", "Off-topic")
