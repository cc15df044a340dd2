import pytest

from content.models import CommentPolicy, PostVisibility
from notifications.models import Notification
from social import services
from social.models import Comment
from social.tests.factories import PostFactory, SubscriptionFactory, TierFactory, UserFactory
from users import services as graph

pytestmark = pytest.mark.django_db


def comments_url(item, kind="posts"):
    return f"/api/v1/{kind}/{item.pk}/comments"


def test_comment_create_counts_and_notifies_owner(as_user, user, post):
    response = as_user.post(comments_url(post), {"text": "  Nice send!  "}, format="json")

    assert response.status_code == 201
    assert response.data["text"] == "Nice send!"
    assert response.data["author"]["username"] == "ana"
    assert response.data["item"] == {"kind": "post", "id": str(post.pk)}
    post.refresh_from_db()
    assert post.comments_count == 1
    assert Notification.objects.filter(recipient=post.author, actor=user, type="comment").count() == 1


def test_comment_on_video(as_user, video):
    assert as_user.post(comments_url(video, "videos"), {"text": "Great"}, format="json").status_code == 201
    video.refresh_from_db()
    assert video.comments_count == 1


@pytest.mark.parametrize("text", ["", "   ", "x" * 2001])
def test_comment_text_length_rules(as_user, post, text):
    assert as_user.post(comments_url(post), {"text": text}, format="json").status_code == 400
    assert not Comment.objects.exists()


def test_comment_text_at_2000_is_accepted(as_user, post):
    assert as_user.post(comments_url(post), {"text": "x" * 2000}, format="json").status_code == 201


def test_reply_notifies_parent_author_and_counts(as_user, as_other, user, other_user, post):
    parent = services.comment_create(author=user, target=post, text="First!")

    response = as_other.post(comments_url(post), {"text": "Second", "parent": str(parent.pk)}, format="json")

    assert response.status_code == 201
    assert response.data["parent_id"] == str(parent.pk)
    parent.refresh_from_db()
    post.refresh_from_db()
    assert (parent.reply_count, post.comments_count) == (1, 2)
    assert Notification.objects.filter(recipient=user, actor=other_user, type="reply").count() == 1
    replies = as_user.get(f"/api/v1/comments/{parent.pk}/replies").data["results"]
    assert [r["text"] for r in replies] == ["Second"]


def test_reply_parent_must_be_on_the_same_item(as_user, user, post, creator):
    elsewhere = services.comment_create(author=user, target=PostFactory(author=creator), text="hi")

    response = as_user.post(comments_url(post), {"text": "x", "parent": str(elsewhere.pk)}, format="json")

    assert response.status_code == 400


def test_top_level_list_newest_and_top(as_user, user, other_user, post):
    a = services.comment_create(author=user, target=post, text="a")
    b = services.comment_create(author=other_user, target=post, text="b")
    c = services.comment_create(author=user, target=post, text="c")
    services.comment_create(author=user, target=post, text="reply", parent=a)
    services.like_create(user=other_user, target=b)
    services.like_create(user=user, target=b)
    services.like_create(user=other_user, target=a)

    newest = as_user.get(comments_url(post)).data["results"]
    top = as_user.get(comments_url(post) + "?sort=top").data["results"]

    assert [x["text"] for x in newest] == ["c", "b", "a"]
    assert [x["text"] for x in top] == ["b", "a", "c"]
    assert {x["text"]: x["viewer_liked"] for x in top} == {"b": True, "a": False, "c": False}
    assert c.pk  # silence unused


def test_top_sort_pages_without_repeats(as_user, user, post):
    made = [services.comment_create(author=user, target=post, text=f"c{i}") for i in range(5)]
    for liker_count, comment in zip([0, 2, 2, 1, 0], made, strict=True):
        for _ in range(liker_count):
            services.like_create(user=UserFactory(), target=comment)

    seen, url = [], comments_url(post) + "?sort=top&limit=2"
    while url:
        page = as_user.get(url).data
        seen += [x["text"] for x in page["results"]]
        url = page["next"]

    assert seen == ["c2", "c1", "c3", "c4", "c0"]


def test_bad_sort_is_400(as_user, post):
    assert as_user.get(comments_url(post) + "?sort=loudest").status_code == 400


def test_edit_by_author_only(as_user, as_other, as_creator, user, post):
    comment = services.comment_create(author=user, target=post, text="tpyo")

    assert as_other.patch(f"/api/v1/comments/{comment.pk}", {"text": "hack"}, format="json").status_code == 403
    assert as_creator.patch(f"/api/v1/comments/{comment.pk}", {"text": "hack"}, format="json").status_code == 403
    response = as_user.patch(f"/api/v1/comments/{comment.pk}", {"text": "typo"}, format="json")

    assert response.status_code == 200
    assert response.data["text"] == "typo"
    assert response.data["edited_at"] is not None


@pytest.mark.parametrize("deleter", ["author", "owner", "moderator"])
def test_delete_by_author_owner_or_moderator(client_for, user, creator, moderator, post, deleter):
    comment = services.comment_create(author=user, target=post, text="hm")
    who = {"author": user, "owner": creator, "moderator": moderator}[deleter]

    assert client_for(who).delete(f"/api/v1/comments/{comment.pk}").status_code == 204

    comment.refresh_from_db()
    post.refresh_from_db()
    assert comment.is_deleted
    assert comment.deleted_by == who
    assert post.comments_count == 0


def test_delete_refused_to_others(as_other, user, post):
    comment = services.comment_create(author=user, target=post, text="mine")

    assert as_other.delete(f"/api/v1/comments/{comment.pk}").status_code == 403
    assert Comment.objects.filter(pk=comment.pk).exists()


def test_deleted_comment_with_replies_shows_as_removed(as_user, as_other, user, other_user, post):
    parent = services.comment_create(author=user, target=post, text="controversial")
    services.comment_create(author=other_user, target=post, text="answer", parent=parent)
    lonely = services.comment_create(author=user, target=post, text="alone")
    as_user.delete(f"/api/v1/comments/{parent.pk}")
    as_user.delete(f"/api/v1/comments/{lonely.pk}")

    results = as_other.get(comments_url(post)).data["results"]

    assert len(results) == 1
    assert results[0]["is_removed"] is True
    assert results[0]["text"] == ""
    assert results[0]["author"] is None
    replies = as_other.get(f"/api/v1/comments/{parent.pk}/replies").data["results"]
    assert [r["text"] for r in replies] == ["answer"]
    assert as_other.get(f"/api/v1/comments/{lonely.pk}").status_code == 404


def test_pin_one_comment_by_owner(as_creator, as_user, user, other_user, post):
    a = services.comment_create(author=user, target=post, text="a")
    b = services.comment_create(author=other_user, target=post, text="b")

    assert as_user.post(f"/api/v1/comments/{a.pk}/pin").status_code == 403
    assert as_creator.post(f"/api/v1/comments/{a.pk}/pin").status_code == 200
    assert as_creator.post(f"/api/v1/comments/{b.pk}/pin").status_code == 200

    a.refresh_from_db()
    b.refresh_from_db()
    assert a.pinned_at is None and b.pinned_at is not None
    first_page = as_user.get(comments_url(post)).data["results"]
    assert [(x["text"], x["is_pinned"]) for x in first_page] == [("b", True), ("a", False)]


def test_replies_cannot_be_pinned(as_creator, user, post):
    parent = services.comment_create(author=user, target=post, text="a")
    reply = services.comment_create(author=user, target=post, text="b", parent=parent)

    assert as_creator.post(f"/api/v1/comments/{reply.pk}/pin").status_code == 400


@pytest.mark.parametrize(
    ("policy", "as_follower", "as_subscriber", "expected"),
    [
        (CommentPolicy.EVERYONE, False, False, 201),
        (CommentPolicy.FOLLOWERS, False, False, 403),
        (CommentPolicy.FOLLOWERS, True, False, 201),
        (CommentPolicy.SUBSCRIBERS, True, False, 403),
        (CommentPolicy.SUBSCRIBERS, False, True, 201),
        (CommentPolicy.NOBODY, True, True, 403),
    ],
)
def test_comment_policy(as_user, user, creator, follow, policy, as_follower, as_subscriber, expected):
    post = PostFactory(author=creator, comment_policy=policy)
    if as_follower:
        follow(user, creator)
    if as_subscriber:
        SubscriptionFactory(fan=user, tier=TierFactory(creator=creator))

    assert as_user.post(comments_url(post), {"text": "hi"}, format="json").status_code == expected


def test_owner_may_comment_under_nobody_policy(as_creator, creator):
    post = PostFactory(author=creator, comment_policy=CommentPolicy.NOBODY)

    assert as_creator.post(comments_url(post), {"text": "closing remarks"}, format="json").status_code == 201


def test_video_with_comments_disabled(as_user, creator):
    from social.tests.factories import VideoFactory

    video = VideoFactory(author=creator, comments_enabled=False)

    assert as_user.post(comments_url(video, "videos"), {"text": "hi"}, format="json").status_code == 403


def test_mentions_notify_those_who_can_see_the_item(as_user, user, creator):
    post = PostFactory(author=creator, visibility=PostVisibility.FOLLOWERS)
    graph.follow_create(follower=user, following=creator)
    fan = UserFactory(username="fan_one")
    graph.follow_create(follower=fan, following=creator)
    UserFactory(username="stranger")

    response = as_user.post(comments_url(post), {"text": "@fan_one @stranger @nobody_here look"}, format="json")

    assert response.status_code == 201
    mentions = Notification.objects.filter(type="mention")
    assert [n.recipient.username for n in mentions] == ["fan_one"]


def test_comments_on_invisible_item_are_404(as_other, user, creator):
    hidden = PostFactory(author=creator, visibility=PostVisibility.PRIVATE)

    assert as_other.get(comments_url(hidden)).status_code == 404
    assert as_other.post(comments_url(hidden), {"text": "x"}, format="json").status_code == 404


def test_comment_of_invisible_item_is_404_everywhere(as_other, creator):
    hidden = PostFactory(author=creator, visibility=PostVisibility.PRIVATE)
    comment = services.comment_create(author=creator, target=hidden, text="note to self")

    for method, path in [
        ("get", ""),
        ("patch", ""),
        ("delete", ""),
        ("get", "/replies"),
        ("post", "/like"),
        ("get", "/likes"),
        ("post", "/pin"),
    ]:
        response = getattr(as_other, method)(f"/api/v1/comments/{comment.pk}{path}", {"text": "x"}, format="json")
        assert response.status_code == 404, (method, path)


def test_blocked_authors_comments_are_hidden_and_unreachable(as_user, user, other_user, post):
    theirs = services.comment_create(author=other_user, target=post, text="troll")
    services.comment_create(author=user, target=post, text="mine")
    graph.block_create(blocker=user, blocked=other_user)

    assert [c["text"] for c in as_user.get(comments_url(post)).data["results"]] == ["mine"]
    assert as_user.get(f"/api/v1/comments/{theirs.pk}").status_code == 404


def test_cannot_reply_to_someone_who_blocked_you(as_user, user, other_user, post):
    theirs = services.comment_create(author=other_user, target=post, text="hi")
    graph.block_create(blocker=other_user, blocked=user)

    response = as_user.post(comments_url(post), {"text": "hey", "parent": str(theirs.pk)}, format="json")

    assert response.status_code == 404


def test_comment_list_query_count_is_flat(client_for, post, django_assert_max_num_queries):
    client = client_for(UserFactory())
    services.comment_create(author=UserFactory(), target=post, text="0")
    with django_assert_max_num_queries(6) as one:
        assert len(client.get(comments_url(post)).data["results"]) == 1
    for i in range(19):
        services.comment_create(author=UserFactory(), target=post, text=str(i))
    with django_assert_max_num_queries(6) as twenty:
        assert len(client.get(comments_url(post)).data["results"]) == 20
    assert len(one.captured_queries) == len(twenty.captured_queries)


def test_anonymous_can_read_comments_of_public_posts(api_client, user, post):
    services.comment_create(author=user, target=post, text="hello")

    assert [c["text"] for c in api_client.get(comments_url(post)).data["results"]] == ["hello"]
    assert api_client.post(comments_url(post), {"text": "x"}, format="json").status_code == 401


def test_replies_query_count_is_flat(client_for, user, post, django_assert_max_num_queries):
    client = client_for(UserFactory())
    parent = services.comment_create(author=user, target=post, text="root")
    services.comment_create(author=UserFactory(), target=post, text="r0", parent=parent)
    with django_assert_max_num_queries(7) as one:
        assert len(client.get(f"/api/v1/comments/{parent.pk}/replies").data["results"]) == 1
    for i in range(19):
        services.comment_create(author=UserFactory(), target=post, text=f"r{i + 1}", parent=parent)
    with django_assert_max_num_queries(7) as twenty:
        assert len(client.get(f"/api/v1/comments/{parent.pk}/replies").data["results"]) == 20
    assert len(one.captured_queries) == len(twenty.captured_queries)
