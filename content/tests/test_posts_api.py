"""Posts over the API: create, read, edit history, delete, reposts, quotes, mentions, scheduling."""

import datetime
import io

import pytest
from django.utils import timezone
from PIL import Image

from content.models import Hashtag, Mention, Post, PostHashtag
from content.services.publishing import scheduled_publish_due
from content.tests.factories import PostFactory
from notifications.models import Notification
from users.models import Block, Follow
from users.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _png(size=(32, 24)) -> io.BytesIO:
    buf = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(buf, "PNG")
    buf.seek(0)
    buf.name = "pic.png"
    return buf


def test_create_with_images_hashtags_and_mentions(user, other_user, client_for):
    client = client_for(user)
    media = [client.post("/api/v1/media/images", {"file": _png()}, format="multipart").json()["id"] for _ in range(2)]
    response = client.post(
        "/api/v1/posts",
        {"text": "Morning climb with @ben #Climbing #outdoors #climbing", "media": media},
        format="json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert [m["id"] for m in body["media"]] == media
    assert body["author"]["username"] == "ana" and body["visibility"] == "public"
    post = Post.objects.get(pk=body["id"])
    assert sorted(PostHashtag.objects.filter(post=post).values_list("hashtag__name", flat=True)) == [
        "climbing",
        "outdoors",
    ]
    assert Hashtag.objects.get(name="climbing").display_name == "Climbing"
    assert Hashtag.objects.get(name="climbing").posts_count == 1
    assert list(Mention.objects.filter(post=post).values_list("mentioned__username", flat=True)) == ["ben"]
    notification = Notification.objects.get(recipient=other_user, type="mention")
    assert notification.actor_id == user.pk


def test_text_is_required_and_bounded(auth_client):
    assert auth_client.post("/api/v1/posts", {"text": "   "}, format="json").status_code == 400
    assert auth_client.post("/api/v1/posts", {"text": "x" * 5001}, format="json").status_code == 400
    assert auth_client.post("/api/v1/posts", {"text": "x" * 5000}, format="json").status_code == 201


def test_unverified_cannot_post(unverified_user, client_for):
    assert client_for(unverified_user).post("/api/v1/posts", {"text": "hi"}, format="json").status_code == 403


def test_cannot_attach_someone_elses_image(user, other_user, client_for):
    image = client_for(other_user).post("/api/v1/media/images", {"file": _png()}, format="multipart").json()["id"]
    response = client_for(user).post("/api/v1/posts", {"text": "hi", "media": [image]}, format="json")
    assert response.status_code == 400 and "media" in response.json()["errors"]


def test_mention_of_blocking_user_is_not_notified(user, other_user, client_for):
    Block.objects.create(blocker=other_user, blocked=user)
    client_for(user).post("/api/v1/posts", {"text": "hey @ben"}, format="json")
    assert not Notification.objects.filter(recipient=other_user).exists()


def test_mention_on_followers_only_post_skips_strangers(user, other_user, client_for):
    client_for(user).post("/api/v1/posts", {"text": "hey @ben", "visibility": "followers"}, format="json")
    assert not Notification.objects.filter(recipient=other_user).exists()


def test_edit_keeps_history_and_only_author_may(user, other_user, client_for):
    client = client_for(user)
    post_id = client.post("/api/v1/posts", {"text": "first #one"}, format="json").json()["id"]
    assert client_for(other_user).patch(f"/api/v1/posts/{post_id}", {"text": "hack"}, format="json").status_code == 404
    response = client.patch(f"/api/v1/posts/{post_id}", {"text": "second #two"}, format="json")
    assert response.status_code == 200 and response.json()["text"] == "second #two"
    assert response.json()["edited_at"] is not None
    client.patch(f"/api/v1/posts/{post_id}", {"text": "third"}, format="json")
    history = client_for(other_user).get(f"/api/v1/posts/{post_id}/history").json()
    assert history["current"]["text"] == "third"
    assert [e["text"] for e in history["edits"]] == ["first #one", "second #two"]
    assert Hashtag.objects.get(name="one").posts_count == 0
    assert Hashtag.objects.get(name="two").posts_count == 0


def test_delete_is_soft_and_author_only(user, other_user, client_for):
    client = client_for(user)
    post_id = client.post("/api/v1/posts", {"text": "bye"}, format="json").json()["id"]
    assert client_for(other_user).delete(f"/api/v1/posts/{post_id}").status_code == 404
    assert client.delete(f"/api/v1/posts/{post_id}").status_code == 204
    assert client.get(f"/api/v1/posts/{post_id}").status_code == 404
    assert Post.all_objects.get(pk=post_id).deleted_at is not None


def test_hidden_post_is_404_for_every_verb(user, other_user, client_for):
    post = PostFactory(author=user, visibility="private")
    other = client_for(other_user)
    assert other.get(f"/api/v1/posts/{post.pk}").status_code == 404
    assert other.get(f"/api/v1/posts/{post.pk}/history").status_code == 404
    assert other.post(f"/api/v1/posts/{post.pk}/repost").status_code == 404
    assert other.post("/api/v1/posts", {"text": "q", "quote_of": str(post.pk)}, format="json").status_code == 400
    assert client_for(None).get(f"/api/v1/posts/{post.pk}").status_code == 404


def test_repost_is_idempotent_and_undoable(user, other_user, client_for):
    original = PostFactory(author=user)
    client = client_for(other_user)
    first = client.post(f"/api/v1/posts/{original.pk}/repost")
    second = client.post(f"/api/v1/posts/{original.pk}/repost")
    assert (first.status_code, second.status_code) == (201, 200)
    assert first.json()["id"] == second.json()["id"]
    assert first.json()["repost_of"]["id"] == str(original.pk) and first.json()["reposted"] is True
    original.refresh_from_db()
    assert original.reposts_count == 1
    assert Notification.objects.filter(recipient=user, type="repost").count() == 1
    assert client.delete(f"/api/v1/posts/{original.pk}/repost").status_code == 204
    assert client.delete(f"/api/v1/posts/{original.pk}/repost").status_code == 204
    original.refresh_from_db()
    assert original.reposts_count == 0
    assert client.post(f"/api/v1/posts/{original.pk}/repost").status_code == 201  # again after undoing
    original.refresh_from_db()
    assert original.reposts_count == 1


def test_reposting_a_repost_reposts_the_original(user, other_user, client_for):
    original = PostFactory(author=user)
    repost_id = client_for(UserFactory()).post(f"/api/v1/posts/{original.pk}/repost").json()["id"]
    response = client_for(other_user).post(f"/api/v1/posts/{repost_id}/repost")
    assert response.json()["repost_of"]["id"] == str(original.pk)


def test_repost_disappears_with_its_original(user, other_user, client_for):
    original = PostFactory(author=user)
    repost_id = client_for(other_user).post(f"/api/v1/posts/{original.pk}/repost").json()["id"]
    original.soft_delete()
    assert client_for(None).get(f"/api/v1/posts/{repost_id}").status_code == 404


def test_quotes_move_counters_and_can_be_forbidden(user, other_user, client_for):
    original = PostFactory(author=user)
    client = client_for(other_user)
    response = client.post("/api/v1/posts", {"text": "so true", "quote_of": str(original.pk)}, format="json")
    assert response.status_code == 201
    assert response.json()["quote_of"]["id"] == str(original.pk)
    original.refresh_from_db()
    assert original.quotes_count == 1
    assert Notification.objects.filter(recipient=user, type="quote").count() == 1
    listed = client.get(f"/api/v1/posts/{original.pk}/quotes").json()["results"]
    assert [p["id"] for p in listed] == [response.json()["id"]]

    closed = PostFactory(author=user, allow_quotes=False)
    refused = client.post("/api/v1/posts", {"text": "no", "quote_of": str(closed.pk)}, format="json")
    assert refused.status_code == 403

    client.delete(f"/api/v1/posts/{response.json()['id']}")
    original.refresh_from_db()
    assert original.quotes_count == 0


def test_quote_of_a_now_hidden_post_is_not_leaked(user, other_user, client_for):
    original = PostFactory(author=user)
    quote_id = (
        client_for(other_user)
        .post("/api/v1/posts", {"text": "look", "quote_of": str(original.pk)}, format="json")
        .json()["id"]
    )
    Post.objects.filter(pk=original.pk).update(visibility="private")
    body = client_for(None).get(f"/api/v1/posts/{quote_id}").json()
    assert body["quote_of"] is None and body["quote_unavailable"] is True


def test_followers_only_reposting_is_refused(user, other_user, client_for):
    Follow.objects.create(follower=other_user, following=user)
    post = PostFactory(author=user, visibility="followers")
    assert client_for(other_user).post(f"/api/v1/posts/{post.pk}/repost").status_code == 403


def test_scheduled_post_publishes_by_beat(user, other_user, client_for):
    when = timezone.now() + datetime.timedelta(hours=2)
    client = client_for(user)
    response = client.post("/api/v1/posts", {"text": "later @ben", "scheduled_at": when.isoformat()}, format="json")
    assert response.status_code == 201 and response.json()["published_at"] is None
    post_id = response.json()["id"]
    assert client_for(other_user).get(f"/api/v1/posts/{post_id}").status_code == 404
    assert not Notification.objects.filter(recipient=other_user).exists()
    assert scheduled_publish_due(now=timezone.now()) == 0
    Post.objects.filter(pk=post_id).update(scheduled_at=timezone.now() - datetime.timedelta(seconds=1))
    assert scheduled_publish_due() == 1
    assert scheduled_publish_due() == 0
    assert client_for(other_user).get(f"/api/v1/posts/{post_id}").status_code == 200
    assert Notification.objects.filter(recipient=other_user, type="mention").count() == 1


def test_scheduled_at_must_be_future(auth_client):
    past = (timezone.now() - datetime.timedelta(minutes=1)).isoformat()
    assert auth_client.post("/api/v1/posts", {"text": "x", "scheduled_at": past}, format="json").status_code == 400


def test_scheduled_at_is_private_to_the_author(user, other_user, client_for):
    post = PostFactory(author=user, scheduled_at=timezone.now() - datetime.timedelta(hours=1))
    assert "scheduled_at" in client_for(user).get(f"/api/v1/posts/{post.pk}").json()
    assert "scheduled_at" not in client_for(other_user).get(f"/api/v1/posts/{post.pk}").json()


def test_min_tier_must_be_own_tier(user, client_for):
    from content.tests.factories import TierFactory

    foreign = TierFactory()
    response = client_for(user).post(
        "/api/v1/posts", {"text": "x", "visibility": "subscribers", "min_tier": str(foreign.pk)}, format="json"
    )
    assert response.status_code == 400 and "min_tier" in response.json()["errors"]


def test_idempotency_key_creates_once(auth_client):
    headers = {"HTTP_IDEMPOTENCY_KEY": "post-1"}
    first = auth_client.post("/api/v1/posts", {"text": "once"}, format="json", **headers)
    second = auth_client.post("/api/v1/posts", {"text": "once"}, format="json", **headers)
    assert first.json()["id"] == second.json()["id"]
    assert Post.objects.filter(text="once").count() == 1


def test_list_by_author(user, other_user, client_for):
    mine = PostFactory(author=user)
    PostFactory(author=other_user)
    response = client_for(None).get("/api/v1/posts", {"author": "ana"})
    assert [p["id"] for p in response.json()["results"]] == [str(mine.pk)]
    assert client_for(None).get("/api/v1/posts", {"author": "nobody"}).status_code == 404
