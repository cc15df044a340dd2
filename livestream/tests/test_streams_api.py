from datetime import timedelta

import pytest
from django.db import IntegrityError
from django.utils import timezone

from livestream import services
from livestream.models import ChatMessage, Stream
from livestream.stream_keys import stream_key_decrypt
from users.services.relationships import block_create, follow_create
from users.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_create_returns_self_hosted_ingest_and_key_only_once_encrypted(creator, client_for):
    res = client_for(creator).post(
        "/api/v1/streams",
        {"title": "Bouldering Q&A", "category": "sports", "visibility": "public", "latency": "normal",
         "slow_mode_seconds": 5, "banned_words": ["Spoiler", "spoiler", " leak "]},
    )  # fmt: skip
    assert res.status_code == 201, res.json()
    body = res.json()
    stream = Stream.objects.get(pk=body["id"])
    assert body["status"] == "scheduled"
    assert body["provider"] == "self_hosted"
    assert body["ingest_endpoint"] == "rtmp://ingest.test:1935/live"
    assert body["playback_url"] == f"https://hls.test/live/{stream.pk}/index.m3u8"
    assert body["stream_key"].startswith("sk_") and len(body["stream_key"]) > 40
    # The key is never stored in clear and never part of the playback URL.
    assert body["stream_key"] not in stream.stream_key_encrypted
    assert body["stream_key"] not in stream.playback_url
    assert stream_key_decrypt(stream.stream_key_encrypted) == body["stream_key"]
    assert stream.banned_words == ["leak", "spoiler"]
    assert stream.slow_mode_seconds == 5
    # Nobody else sees the key or the ingest endpoint; the host does again via /key.
    other = client_for(UserFactory()).get(f"/api/v1/streams/{stream.pk}").json()
    assert "stream_key" not in other and "ingest_endpoint" not in other and "banned_words" not in other
    host_view = client_for(creator).get(f"/api/v1/streams/{stream.pk}").json()
    assert "stream_key" not in host_view and host_view["ingest_endpoint"] == "rtmp://ingest.test:1935/live"
    assert client_for(creator).get(f"/api/v1/streams/{stream.pk}/key").json()["stream_key"] == body["stream_key"]
    assert client_for(UserFactory()).get(f"/api/v1/streams/{stream.pk}/key").status_code == 403


def test_create_requires_verified_account(unverified_user, client_for, api_client):
    assert client_for(unverified_user).post("/api/v1/streams", {"title": "x"}).status_code == 403
    assert api_client.post("/api/v1/streams", {"title": "x"}).status_code == 401
    assert not Stream.objects.exists()


def test_create_validates_input(creator, client_for):
    c = client_for(creator)
    res = c.post("/api/v1/streams", {"title": "", "visibility": "friends"})
    assert res.status_code == 400
    assert set(res.json()["errors"]) >= {"title", "visibility"}
    past = (timezone.now() - timedelta(hours=1)).isoformat()
    assert c.post("/api/v1/streams", {"title": "t", "scheduled_for": past}).json()["errors"] == {
        "scheduled_for": ["Schedule the stream in the future."]
    }
    res = c.post("/api/v1/streams", {"title": "t", "banned_words": ["x" * 51]})
    assert res.status_code == 400


def test_create_is_idempotent_with_key(creator, client_for):
    c = client_for(creator)
    first = c.post("/api/v1/streams", {"title": "Once"}, HTTP_IDEMPOTENCY_KEY="k-1")
    again = c.post("/api/v1/streams", {"title": "Once"}, HTTP_IDEMPOTENCY_KEY="k-1")
    assert first.status_code == again.status_code == 201
    assert first.json()["id"] == again.json()["id"]
    assert Stream.objects.count() == 1


def test_min_tier_must_be_hosts_tier_on_subscriber_streams(creator, other_user, client_for, subscribe):
    tier = subscribe(other_user, creator, price=900)
    foreign = subscribe(creator, other_user, price=300)
    c = client_for(creator)
    assert c.post("/api/v1/streams", {"title": "t", "min_tier": str(tier.pk)}).status_code == 400
    assert c.post("/api/v1/streams", {"title": "t", "visibility": "subscribers", "min_tier": str(foreign.pk)}).json()[
        "errors"
    ] == {"min_tier": ["Choose one of your own tiers."]}
    res = c.post("/api/v1/streams", {"title": "t", "visibility": "subscribers", "min_tier": str(tier.pk)})
    assert res.status_code == 201 and res.json()["min_tier"] == str(tier.pk)


def test_visibility_public_followers_subscribers_and_blocks(
    make_stream, creator, user, other_user, client_for, subscribe
):
    public = make_stream(title="pub")
    followers = make_stream(title="fol", visibility="followers")
    subs = make_stream(title="sub", visibility="subscribers")
    follow_create(follower=user, following=creator)
    subscribe(other_user, creator)

    def detail(viewer, stream):
        return client_for(viewer).get(f"/api/v1/streams/{stream.pk}")

    # Followers-only is hidden (404) from non-followers, shown with playback to followers.
    assert detail(None, followers).status_code == 404
    assert detail(other_user, followers).status_code == 404
    assert detail(user, followers).json()["playback_url"] == followers.playback_url
    # Subscribers-only is a teaser for others: visible, but no playback URL.
    teaser = detail(user, subs).json()
    assert teaser["can_watch"] is False and teaser["playback_url"] is None
    paid = detail(other_user, subs).json()
    assert paid["can_watch"] is True and paid["playback_url"] == subs.playback_url
    assert detail(None, public).json()["playback_url"] == public.playback_url
    # A block either way hides everything.
    block_create(blocker=creator, blocked=user)
    assert detail(user, public).status_code == 404
    assert detail(user, followers).status_code == 404
    # Unknown and malformed ids are 404 too.
    assert client_for(user).get("/api/v1/streams/not-a-uuid").status_code == 404


def test_min_tier_gates_playback(make_stream, creator, user, other_user, client_for, subscribe):
    subscribe(user, creator, price=300)
    gold = subscribe(other_user, creator, price=1000)
    stream = make_stream(visibility="subscribers", min_tier=gold)
    assert client_for(user).get(f"/api/v1/streams/{stream.pk}").json()["can_watch"] is False
    assert client_for(other_user).get(f"/api/v1/streams/{stream.pk}").json()["can_watch"] is True


def test_list_filters_and_hides(make_stream, creator, user, client_for):
    other_host = UserFactory(username="olga", role="creator")
    live = make_stream(title="live now")
    services.stream_start(stream=live, actor=creator)
    make_stream(title="later")
    make_stream(host=other_host, title="olga later")
    make_stream(host=other_host, title="olga followers", visibility="followers")
    cancelled = make_stream(title="gone")
    services.stream_cancel(stream=cancelled, actor=creator)
    c = client_for(user)

    def titles(url):
        res = c.get(url)
        assert res.status_code == 200, res.json()
        return sorted(s["title"] for s in res.json()["results"])

    assert titles("/api/v1/streams") == ["later", "live now", "olga later"]
    assert titles("/api/v1/streams?status=live") == ["live now"]
    assert titles("/api/v1/streams?status=scheduled&user=olga") == ["olga later"]
    assert titles(f"/api/v1/streams?user={creator.pk}") == ["later", "live now"]
    assert c.get("/api/v1/streams?status=bogus").status_code == 400
    assert c.get("/api/v1/streams?user=nobody").status_code == 404
    # The host sees their own cancelled stream; nobody else does.
    assert "gone" in [s["title"] for s in client_for(creator).get("/api/v1/streams").json()["results"]]


@pytest.mark.parametrize("count", [1, 20])
def test_list_query_count_is_flat(count, creator, user, client_for, django_assert_max_num_queries, subscribe):
    subscribe(user, creator)
    for i in range(count):
        UserFactory(username=f"host{i}")
        services.stream_create(host=creator, title=f"s{i}", visibility=["public", "followers", "subscribers"][i % 3])
    c = client_for(user)
    with django_assert_max_num_queries(6):
        res = c.get("/api/v1/streams?limit=50")
    assert res.status_code == 200


def test_patch_by_host_only_and_frozen_fields_after_live(make_stream, creator, user, client_for):
    stream = make_stream()
    assert client_for(user).patch(f"/api/v1/streams/{stream.pk}", {"title": "mine"}).status_code == 403
    res = client_for(creator).patch(
        f"/api/v1/streams/{stream.pk}", {"title": " New title ", "latency": "normal", "slow_mode_seconds": 10}
    )
    assert res.status_code == 200, res.json()
    assert res.json()["title"] == "New title" and res.json()["latency"] == "normal"
    assert res.json()["slow_mode_seconds"] == 10
    services.stream_start(stream=stream, actor=creator)
    assert client_for(creator).patch(f"/api/v1/streams/{stream.pk}", {"record": True}).status_code == 409
    assert client_for(creator).patch(f"/api/v1/streams/{stream.pk}", {"description": "now live"}).status_code == 200


def test_delete_only_scheduled(make_stream, creator, user, client_for):
    stream = make_stream()
    assert client_for(user).delete(f"/api/v1/streams/{stream.pk}").status_code == 403
    assert client_for(creator).delete(f"/api/v1/streams/{stream.pk}").status_code == 204
    stream.refresh_from_db()
    assert stream.status == "cancelled"
    assert client_for(user).get(f"/api/v1/streams/{stream.pk}").status_code == 404
    live = make_stream()
    services.stream_start(stream=live, actor=creator)
    assert client_for(creator).delete(f"/api/v1/streams/{live.pk}").status_code == 409


def test_start_and_end_are_idempotent_and_write_system_messages(make_stream, creator, user, client_for):
    stream = make_stream()
    c = client_for(creator)
    assert client_for(user).post(f"/api/v1/streams/{stream.pk}/start").status_code == 403
    assert c.post(f"/api/v1/streams/{stream.pk}/end").status_code == 409  # not started: delete instead
    first = c.post(f"/api/v1/streams/{stream.pk}/start")
    again = c.post(f"/api/v1/streams/{stream.pk}/start")
    assert first.status_code == again.status_code == 200
    assert first.json()["status"] == "live" and first.json()["started_at"] == again.json()["started_at"]
    assert c.post(f"/api/v1/streams/{stream.pk}/end").json()["status"] == "ended"
    assert c.post(f"/api/v1/streams/{stream.pk}/end").status_code == 200
    assert c.post(f"/api/v1/streams/{stream.pk}/start").status_code == 409
    events = list(ChatMessage.objects.filter(stream=stream, kind="system").values_list("data", flat=True))
    assert events == [{"event": "live"}, {"event": "ended"}]
    stream.refresh_from_db()
    assert stream.summary["status"] == "ended" and stream.summary["duration_seconds"] >= 0


def test_one_live_stream_per_host(make_stream, creator, client_for):
    first, second = make_stream(), make_stream()
    c = client_for(creator)
    assert c.post(f"/api/v1/streams/{first.pk}/start").status_code == 200
    res = c.post(f"/api/v1/streams/{second.pk}/start")
    assert res.status_code == 409 and res.json()["type"] == "urn:socialflow:error:already_live"
    # The database itself refuses a second live row, whatever code path tries.
    with pytest.raises(IntegrityError):
        Stream.objects.filter(pk=second.pk).update(status="live")


def test_rotate_key_self_hosted(make_stream, creator, user, client_for):
    stream = make_stream()
    old = services.stream_key_reveal(stream=stream, actor=creator)
    assert client_for(user).post(f"/api/v1/streams/{stream.pk}/rotate-key").status_code == 403
    res = client_for(creator).post(f"/api/v1/streams/{stream.pk}/rotate-key")
    assert res.status_code == 200
    new = res.json()["stream_key"]
    assert new != old and new.startswith("sk_")
    stream.refresh_from_db()
    assert stream_key_decrypt(stream.stream_key_encrypted) == new


def test_analytics_host_only(live_stream, creator, user, client_for):
    services.viewer_join(stream_id=live_stream.pk, user=user, viewer_key=f"u:{user.pk}")
    services.chat_message_send(stream_id=live_stream.pk, user=user, body="hi")
    assert client_for(user).get(f"/api/v1/streams/{live_stream.pk}/analytics").status_code == 403
    res = client_for(creator).get(f"/api/v1/streams/{live_stream.pk}/analytics").json()
    assert res["current_viewers"] == 1 and res["peak_viewers"] == 1 and res["unique_viewers"] == 1
    assert res["chat_messages"] == 1 and res["donations"] == [] and res["status"] == "live"


RTMP = "/api/v1/streams/webhooks/rtmp"


def test_rtmp_on_publish_authorises_by_key_and_renames_to_stream_id(settings, make_stream, creator, api_client):
    settings.LIVE_RTMP_CALLBACK_SECRET = "rtmp-secret"
    stream = make_stream()
    key = services.stream_key_reveal(stream=stream, actor=creator)
    form = {"call": "publish", "app": "live", "name": key, "addr": "203.0.113.9"}
    assert api_client.post(RTMP, form, format="multipart").status_code == 403  # no secret
    assert api_client.post(f"{RTMP}?secret=nope", form, format="multipart").status_code == 403
    assert (
        api_client.post(f"{RTMP}?secret=rtmp-secret", {**form, "name": "sk_wrong"}, format="multipart").status_code
        == 403
    )
    res = api_client.post(f"{RTMP}?secret=rtmp-secret", form, format="multipart")
    assert res.status_code == 302 and res["Location"] == str(stream.pk)
    stream.refresh_from_db()
    assert stream.status == "live"
    done = {"call": "publish_done", "app": "live", "name": str(stream.pk)}
    assert api_client.post(f"{RTMP}?secret=rtmp-secret", done, format="multipart").status_code == 204
    stream.refresh_from_db()
    assert stream.status == "ended"
    # An ended stream's key no longer publishes; a rotated key replaces the old one at once.
    assert api_client.post(f"{RTMP}?secret=rtmp-secret", form, format="multipart").status_code == 403
    other = make_stream()
    old = services.stream_key_reveal(stream=other, actor=creator)
    _other, new = services.stream_rotate_key(stream=other, actor=creator)
    assert api_client.post(f"{RTMP}?secret=rtmp-secret", {**form, "name": old}, format="multipart").status_code == 403
    assert api_client.post(f"{RTMP}?secret=rtmp-secret", {**form, "name": new}, format="multipart").status_code == 302


def test_rtmp_callbacks_refused_when_not_configured(settings, api_client):
    settings.LIVE_RTMP_CALLBACK_SECRET = ""
    res = api_client.post(f"{RTMP}?secret=", {"call": "publish", "name": "x"}, format="multipart")
    assert res.status_code == 503
