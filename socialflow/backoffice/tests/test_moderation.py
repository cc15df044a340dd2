from datetime import timedelta

import pytest
from django.utils import timezone

from content.models import Post
from content.services.moderation import banned_words_in
from content.tests.factories import PostFactory
from core.exceptions import Conflict, ValidationFailed
from core.models import AuditLogEntry
from notifications.models import Notification
from social.models import ModerationCase, Report
from social.services import report_create
from socialflow.backoffice.moderation import case_act, case_assign, case_note_add, case_notes
from users.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def offender(db):
    return UserFactory(username="troll")


@pytest.fixture
def post(offender):
    return PostFactory(author=offender, text="you are all terrible")


def report(reporter, post, category="harassment"):
    return report_create(reporter=reporter, target_type="post", target_id=post.pk, category=category)


def three_reports(post, categories=("harassment", "spam", "harassment")):
    reporters = [UserFactory(username=f"reporter{i}") for i in range(3)]
    for who, category in zip(reporters, categories, strict=True):
        report(who, post, category)
    return reporters, ModerationCase.objects.get(target_id=post.pk, status="open")


def test_three_reports_then_suspend_audits_and_notifies(
    settings, post, offender, moderator, django_capture_on_commit_callbacks
):
    settings.MODERATION_AUTO_HOLD_REPORTERS = 0  # the hold has its own test; here the post stays up
    reporters, case = three_reports(post)
    assert (case.report_count, case.categories, case.target_owner) == (3, ["harassment", "spam"], offender)

    with django_capture_on_commit_callbacks(execute=True):
        case_act(case=case, by=moderator, action="suspend", reason="targeted harassment", days=7)

    case.refresh_from_db()
    offender.refresh_from_db()
    assert (case.status, case.resolution_action, case.resolved_by) == ("resolved", "suspend", moderator)
    assert offender.status == "suspended"
    assert timedelta(days=6, hours=23) < offender.suspended_until - timezone.now() <= timedelta(days=7)
    entry = AuditLogEntry.objects.get(action="moderation.suspend")
    assert (entry.actor, entry.target_id, entry.reason) == (moderator, str(case.pk), "targeted harassment")
    assert entry.data["days"] == 7 and entry.data["offender"] == str(offender.pk)
    resolved = Notification.objects.filter(type="report_resolved")
    assert sorted(n.recipient_id for n in resolved) == sorted(r.pk for r in reporters)
    assert resolved.first().data["action"] == "suspend"
    assert Notification.objects.filter(recipient=offender, type="account_suspended").count() == 1


def test_a_closed_case_cannot_be_acted_on_twice(settings, post, moderator):
    settings.MODERATION_AUTO_HOLD_REPORTERS = 0
    _, case = three_reports(post)
    case_act(case=case, by=moderator, action="warn", reason="first and last warning")
    with pytest.raises(Conflict):
        case_act(case=case, by=moderator, action="ban", reason="again")
    with pytest.raises(ValidationFailed):
        case_act(case=ModerationCase.objects.create(target_type="post", target_id=post.pk), by=moderator,
                 action="suspend", reason="x", days=0)  # fmt: skip


def test_warn_and_hide_go_through_the_owners_services(settings, post, offender, moderator,
                                                      django_capture_on_commit_callbacks):  # fmt: skip
    settings.MODERATION_AUTO_HOLD_REPORTERS = 0
    _, case = three_reports(post)
    with django_capture_on_commit_callbacks(execute=True):
        case_act(case=case, by=moderator, action="hide", reason="insulting")
    assert Post.all_objects.get(pk=post.pk).deleted_at is not None
    warning = Notification.objects.get(recipient=offender, type="moderation_warning")
    assert warning.data["reason"] == "insulting"


def test_assign_and_notes_are_recorded(post, moderator):
    case = report(UserFactory(), post).case
    case_assign(case=case, to=moderator)
    case_note_add(case=case, by=moderator, text="checking the author's history")
    case.refresh_from_db()
    assert case.assigned_to == moderator and case.assigned_at is not None
    assert [n.reason for n in case_notes(case=case) if n.action == "moderation.note"] == [
        "checking the author's history"
    ]
    with pytest.raises(ValidationFailed):
        case_assign(case=case, to=UserFactory())  # not staff


def test_dismiss_as_benign_suppresses_duplicates_until_the_content_changes(settings, post, moderator):
    settings.MODERATION_AUTO_HOLD_REPORTERS = 0
    _, case = three_reports(post)
    case_act(case=case, by=moderator, action="dismiss", reason="banter between friends")
    case.refresh_from_db()
    assert case.status == "dismissed" and case.dismissed_fingerprint

    # Same unchanged post: the report is kept on the dismissed case, nothing reopens.
    late = report(UserFactory(), post, "spam")
    assert late.case_id == case.pk
    assert not ModerationCase.objects.filter(target_id=post.pk, status="open").exists()
    case.refresh_from_db()
    assert (case.status, case.report_count) == ("dismissed", 4)

    # Edited post: a new report opens a new case.
    Post.objects.filter(pk=post.pk).update(text="you are all terrible, and worse")
    fresh = report(UserFactory(), post)
    assert fresh.case_id != case.pk and fresh.case.status == "open"


def test_reporter_threshold_holds_the_content(settings, post, moderator):
    settings.MODERATION_AUTO_HOLD_REPORTERS = 3
    r1, r2 = UserFactory(), UserFactory()
    report(r1, post)
    report(r2, post)
    assert Post.objects.filter(pk=post.pk).exists()
    case = report(UserFactory(), post).case
    assert case.held_at is not None and case.hold_reason == "reported by 3 people"
    assert not Post.objects.filter(pk=post.pk).exists()  # hidden pending review
    assert Report.objects.filter(case=case).count() == 3

    # Benign after all: dismissal brings the post back.
    case_act(case=case, by=moderator, action="dismiss", reason="not harassment")
    assert Post.objects.filter(pk=post.pk).exists()


def test_banned_words_hold_a_new_post(settings, offender):
    from content.services.posts import post_create

    settings.MODERATION_BANNED_WORDS = ["scamcoin", "free money"]
    assert banned_words_in("Get FREE MONEY now") == ["free money"]
    assert banned_words_in("scamcoins are different") == []

    held = post_create(author=offender, text="buy ScamCoin today")
    assert not Post.objects.filter(pk=held.pk).exists()
    case = ModerationCase.objects.get(target_id=held.pk, status="open")
    assert (case.target_owner, case.hold_reason, case.report_count) == (offender, "banned words: scamcoin", 0)

    fine = post_create(author=offender, text="a perfectly normal post")
    assert Post.objects.filter(pk=fine.pk).exists()
    assert not ModerationCase.objects.filter(target_id=fine.pk).exists()


def test_a_failing_hold_hook_leaves_the_post_up(settings, offender):
    from content.services.posts import post_create

    settings.MODERATION_BANNED_WORDS = ["scamcoin"]
    settings.MODERATION_HOLD_HANDLER = "social.services.moderation.no_such_handler"
    post = post_create(author=offender, text="scamcoin to the moon")
    assert Post.objects.filter(pk=post.pk).exists()
    assert not ModerationCase.objects.filter(target_id=post.pk).exists()


def test_banned_words_hold_a_new_comment(settings, post):
    from social.models import Comment
    from social.services import comment_create

    settings.MODERATION_BANNED_WORDS = ["scamcoin"]
    comment = comment_create(author=UserFactory(), target=post, text="try SCAMCOIN")
    assert comment.deleted_at is not None and not Comment.objects.filter(pk=comment.pk).exists()
    post.refresh_from_db()
    assert post.comments_count == 0
    assert ModerationCase.objects.get(target_id=comment.pk).hold_reason == "banned words: scamcoin"
