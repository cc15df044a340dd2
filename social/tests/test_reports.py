import uuid

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from content.models import PostVisibility
from core.exceptions import NotFound
from social import services
from social.models import ModerationCase, Report
from social.tests.factories import PostFactory, UserFactory
from users import services as graph

pytestmark = pytest.mark.django_db


def report(client, target_type, target_id, category="spam", **extra):
    body = {"target_type": target_type, "target_id": str(target_id), "category": category, **extra}
    return client.post("/api/v1/reports", body, format="json")


def test_reports_on_one_target_group_into_one_case(as_user, as_other, post):
    first = report(as_user, "post", post.pk, "spam", text="Buy followers link")
    second = report(as_other, "post", post.pk, "harassment")

    assert (first.status_code, second.status_code) == (201, 201)
    case = ModerationCase.objects.get()
    assert case.report_count == 2
    assert case.categories == ["spam", "harassment"]
    assert case.target_owner == post.author
    assert case.status == "open"
    assert first.data["status"] == "open"


def test_reporting_twice_is_a_conflict(as_user, post):
    report(as_user, "post", post.pk)

    assert report(as_user, "post", post.pk, "hate").status_code == 409
    assert ModerationCase.objects.get().report_count == 1


@pytest.mark.parametrize("kind", ["user", "video", "comment"])
def test_every_target_type(as_other, user, creator, video, post, kind):
    comment = services.comment_create(author=user, target=post, text="rude")
    target = {"user": creator, "video": video, "comment": comment}[kind]

    response = report(as_other, kind, target.pk, "other", related_ids=[str(post.pk)])

    assert response.status_code == 201
    assert response.data["related_ids"] == [str(post.pk)]
    assert ModerationCase.objects.get().target_type == kind


def test_reporting_something_invisible_is_404(as_other, creator):
    hidden = PostFactory(author=creator, visibility=PostVisibility.PRIVATE)

    assert report(as_other, "post", hidden.pk).status_code == 404
    assert report(as_other, "user", uuid.uuid4()).status_code == 404
    assert not ModerationCase.objects.exists()


def test_cannot_report_yourself(as_user, user):
    assert report(as_user, "user", user.pk).status_code == 400


def test_bad_category_is_400(as_user, post):
    assert report(as_user, "post", post.pk, "boring").status_code == 400


def test_a_closed_case_stays_closed_and_a_new_report_opens_a_new_one(as_user, as_other, moderator, post):
    report(as_user, "post", post.pk)
    case = ModerationCase.objects.get()
    # What the back office's case_resolve does to a case (it owns that service).
    ModerationCase.objects.filter(pk=case.pk).update(
        status="dismissed", resolved_at=timezone.now(), resolved_by=moderator
    )

    report(as_other, "post", post.pk)

    assert ModerationCase.objects.filter(status="open").count() == 1
    assert ModerationCase.objects.count() == 2
    mine = as_user.get("/api/v1/reports").data["results"]
    assert [r["status"] for r in mine] == ["dismissed"]


def test_database_allows_one_open_case_per_target(post):
    ModerationCase.objects.create(target_type="post", target_id=post.pk)
    with pytest.raises(IntegrityError), transaction.atomic():
        ModerationCase.objects.create(target_type="post", target_id=post.pk)


def test_reporters_see_only_their_own_reports(as_user, as_other, post):
    report(as_user, "post", post.pk)

    assert as_other.get("/api/v1/reports").data["results"] == []
    assert len(as_user.get("/api/v1/reports").data["results"]) == 1


def test_blocked_account_cannot_be_reported_by_the_blocked(as_user, user, creator):
    graph.block_create(blocker=creator, blocked=user)

    assert report(as_user, "user", creator.pk).status_code == 404


def test_chat_messages_resolve_through_the_configured_resolver(as_user, settings, creator):
    settings.SOCIAL_REPORT_TARGET_RESOLVERS = {"chat_message": "social.tests.test_reports.fake_chat_resolver"}
    FAKE_MESSAGES[str(_MESSAGE_ID)] = creator

    response = report(as_user, "chat_message", _MESSAGE_ID, "hate")

    assert response.status_code == 201
    assert ModerationCase.objects.get().target_owner == creator
    assert report(as_user, "chat_message", uuid.uuid4(), "hate").status_code == 404


_MESSAGE_ID = uuid.uuid4()
FAKE_MESSAGES: dict = {}


def fake_chat_resolver(*, viewer, target_id):
    """Stands in for livestream's resolver (the app above this one, named in settings)."""
    owner = FAKE_MESSAGES.get(str(target_id))
    if owner is None:
        raise NotFound("No such message.")
    return owner


def test_reports_need_auth(api_client, post):
    assert report(api_client, "post", post.pk).status_code == 401


def test_reports_list_query_count_is_flat(client_for, django_assert_max_num_queries):
    reporter = UserFactory()
    client = client_for(reporter)
    services.report_create(reporter=reporter, target_type="post", target_id=PostFactory().pk, category="spam")
    with django_assert_max_num_queries(2) as one:
        assert len(client.get("/api/v1/reports").data["results"]) == 1
    for _ in range(19):
        services.report_create(reporter=reporter, target_type="post", target_id=PostFactory().pk, category="spam")
    with django_assert_max_num_queries(2) as twenty:
        assert len(client.get("/api/v1/reports").data["results"]) == 20
    assert len(one.captured_queries) == len(twenty.captured_queries)
    assert Report.objects.count() == 20


def test_unimportable_resolver_is_a_clear_400(as_user, settings):
    settings.SOCIAL_REPORT_TARGET_RESOLVERS = {"chat_message": "nowhere.to.be.found"}

    response = report(as_user, "chat_message", uuid.uuid4())

    assert response.status_code == 400
    assert response.data["errors"] == {"target_type": ["Not reportable."]}
