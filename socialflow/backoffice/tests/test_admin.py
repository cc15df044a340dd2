import pytest
from django.contrib.auth.models import Group

from ads import services as ads_services
from ads.models import Creative
from ads.tests.factories import campaign_fields, creative_fields, make_advertiser
from content.models import Post, Video
from content.tests.factories import PostFactory, VideoFactory
from core.models import AuditLogEntry
from notifications.models import Notification
from social.models import ModerationCase
from social.services import comment_create, report_create
from users.tests.factories import UserFactory

pytestmark = pytest.mark.django_db

CASES = "/admin/social/moderationcase/"


@pytest.fixture
def admin_user(db):
    return UserFactory(username="root", is_staff=True, is_superuser=True)


@pytest.fixture
def mod_client(client):
    moderator = UserFactory(username="mia", is_staff=True, role="moderator")
    moderator.groups.add(Group.objects.get(name="Moderators"))
    client.force_login(moderator)
    client.user = moderator
    return client


def reported(target_type, target, n=1):
    case = None
    for _ in range(n):
        case = report_create(reporter=UserFactory(), target_type=target_type, target_id=target.pk, category="spam").case
    return case


def test_case_page_shows_the_content_inline_for_every_kind(mod_client, settings):
    settings.MODERATION_AUTO_HOLD_REPORTERS = 0
    post = PostFactory(text="buy followers here")
    video = VideoFactory(title="Spammy video", description="click the link")
    comment = comment_create(author=UserFactory(), target=post, text="great, buy now")
    for kind, target, expected in [
        ("post", post, "buy followers here"),
        ("video", video, "Spammy video"),
        ("comment", comment, "great, buy now"),
        ("user", post.author, post.author.username),
    ]:
        case = reported(kind, target, n=2)
        page = mod_client.get(f"{CASES}{case.pk}/change/")
        assert page.status_code == 200
        body = page.content.decode()
        assert expected in body and "Assign to me" in body and "Suspend the user for N days" in body


def test_case_page_shows_a_chat_message_in_context(mod_client, settings):
    from livestream.models import ChatMessage, Stream

    host = UserFactory()
    stream = Stream.objects.create(host=host, title="Late show")
    speaker = UserFactory(username="loud")
    before = ChatMessage.objects.create(stream=stream, user=host, body="welcome everyone")
    bad = ChatMessage.objects.create(stream=stream, user=speaker, body="awful thing")
    after = ChatMessage.objects.create(stream=stream, user=host, body="please be nice")
    # Filed directly: livestream's report resolver for chat messages is not in the tree yet.
    case = ModerationCase.objects.create(target_type="chat_message", target_id=bad.pk, target_owner=speaker)
    body = mod_client.get(f"{CASES}{case.pk}/change/").content.decode()
    assert body.index(before.body) < body.index(bad.body) < body.index(after.body)


def test_assign_note_and_act_through_the_pages(mod_client, settings):
    settings.MODERATION_AUTO_HOLD_REPORTERS = 0
    post = PostFactory(text="rude")
    case = reported("post", post, n=3)
    assert mod_client.post(f"{CASES}{case.pk}/assign-to-me/").status_code == 302
    mod_client.post(f"{CASES}{case.pk}/note/", {"text": "seen this before"})
    assert mod_client.get(f"{CASES}{case.pk}/act/?action=suspend").status_code == 200
    answer = mod_client.post(f"{CASES}{case.pk}/act/", {"action": "suspend", "reason": "repeat offender", "days": 3})
    assert answer.status_code == 302
    case.refresh_from_db()
    post.author.refresh_from_db()
    assert (case.assigned_to, case.status, post.author.status) == (mod_client.user, "resolved", "suspended")
    assert set(AuditLogEntry.objects.filter(target_id=str(case.pk)).values_list("action", flat=True)) == {
        "moderation.assign", "moderation.note", "moderation.suspend",
    }  # fmt: skip
    changelist = mod_client.get(CASES + "?assigned=me").content.decode()
    assert str(case.target_id) in changelist


def test_bulk_dismiss_asks_for_a_reason_then_applies(mod_client, settings):
    settings.MODERATION_AUTO_HOLD_REPORTERS = 0
    cases = [reported("post", PostFactory()) for _ in range(2)]
    ids = [str(c.pk) for c in cases]
    form = mod_client.post(CASES, {"action": "act_dismiss", "_selected_action": ids})
    assert form.status_code == 200 and b"Apply" in form.content
    done = mod_client.post(CASES, {"action": "act_dismiss", "_selected_action": ids, "apply": "1",
                                   "case-action": "dismiss", "case-reason": "not spam"})  # fmt: skip
    assert done.status_code == 302
    assert set(ModerationCase.objects.filter(pk__in=ids).values_list("status", flat=True)) == {"dismissed"}


def test_index_shows_what_needs_attention(client, admin_user, settings):
    settings.MODERATION_AUTO_HOLD_REPORTERS = 0
    reported("post", PostFactory())
    VideoFactory(status=Video.Status.FAILED, failure_reason="ffmpeg exited 1")
    client.force_login(admin_user)
    body = client.get("/admin/").content.decode()
    assert "Needs attention" in body
    for label in ("Open moderation cases", "Creatives awaiting review", "Failed payouts", "Failed videos"):
        assert label in body


def test_index_counts_follow_permissions(mod_client):
    body = mod_client.get("/admin/").content.decode()
    assert "Open moderation cases" in body and "Failed payouts" not in body


def test_ad_rejection_reaches_the_advertiser(client, admin_user, django_capture_on_commit_callbacks):
    owner = UserFactory(username="adco")
    advertiser = make_advertiser(owner)
    campaign = ads_services.campaign_create(advertiser=advertiser, **campaign_fields())
    creative = ads_services.creative_create(campaign=campaign, **creative_fields())
    assert creative.status == Creative.Status.SUBMITTED
    reviewer = UserFactory(username="rita", is_staff=True)
    reviewer.groups.add(Group.objects.get(name="Ad reviewers"))
    client.force_login(reviewer)
    with django_capture_on_commit_callbacks(execute=True):
        answer = client.post(
            "/admin/ads/creativereviewqueue/",
            {"action": "reject_selected", "_selected_action": [str(creative.pk)], "reason": "Misleading claim"},
        )
    assert answer.status_code == 302
    creative.refresh_from_db()
    assert (creative.status, creative.rejection_reason) == ("rejected", "Misleading claim")
    notice = Notification.objects.get(recipient=owner, type="ad_rejected")
    assert "Misleading claim" in str(notice.data)


def test_moderator_cannot_decide_without_change_permission(client, settings):
    settings.MODERATION_AUTO_HOLD_REPORTERS = 0
    case = reported("post", PostFactory())
    finance = UserFactory(is_staff=True)
    finance.groups.add(Group.objects.get(name="Finance"))
    client.force_login(finance)
    assert client.post(f"{CASES}{case.pk}/act/", {"action": "ban", "reason": "x"}).status_code == 403
    assert Post.objects.exists()


def test_case_queue_lists_reporters_without_a_query_per_case(mod_client, settings):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    settings.MODERATION_AUTO_HOLD_REPORTERS = 0

    def queries():
        with CaptureQueriesContext(connection) as ctx:
            page = mod_client.get(CASES)
        return len(ctx), page.content.decode()

    for _ in range(3):
        reported("post", PostFactory(), n=2)
    at_3, _ = queries()
    for _ in range(12):
        reported("post", PostFactory(), n=2)
    at_15, body = queries()
    assert at_15 <= at_3
    names = ModerationCase.objects.first().reports.values_list("reporter__username", flat=True)
    assert all(name in body for name in names)
