"""Every moderation action, over REST and over the socket, recorded and broadcast."""

import pytest
from channels.db import database_sync_to_async

from livestream import services
from livestream.models import ChatMessage, ChatModerationAction, ChatSanction
from users.services.relationships import follow_create
from users.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _say(stream, user, body):
    return services.chat_message_send(stream_id=stream.pk, user=user, body=body)


def _actions(stream):
    return list(ChatModerationAction.objects.filter(stream=stream).order_by("id").values_list("action", flat=True))


def test_moderators_appointed_by_host_only(live_stream, creator, user, other_user, client_for):
    url = f"/api/v1/streams/{live_stream.pk}/moderators"
    assert client_for(user).post(url, {"user": other_user.username}).status_code == 403
    res = client_for(creator).post(url, {"user": user.username})
    assert res.status_code == 201 and res.json()["user"]["username"] == "ana"
    assert client_for(creator).post(url, {"user": str(user.pk)}).status_code == 201  # repeat: same row
    assert [m["user"]["username"] for m in client_for(user).get(url).json()] == ["ana"]
    assert client_for(other_user).get(url).status_code == 403
    assert client_for(creator).post(url, {"user": "nobody_here"}).status_code == 404
    # An appointed moderator may act but not appoint.
    assert client_for(user).post(url, {"user": other_user.username}).status_code == 403
    assert client_for(user).delete(f"{url}/{user.pk}").status_code == 403
    assert client_for(creator).delete(f"{url}/{user.username}").status_code == 204
    assert _actions(live_stream) == ["moderator_add", "moderator_remove"]


def test_delete_message(live_stream, creator, user, other_user, client_for):
    message = _say(live_stream, other_user, "rude words")
    url = f"/api/v1/streams/{live_stream.pk}/chat/{message.pk}"
    assert client_for(user).delete(url).status_code == 403
    assert client_for(creator).delete(url).status_code == 204
    assert not ChatMessage.objects.filter(pk=message.pk).exists()
    gone = ChatMessage.all_objects.get(pk=message.pk)
    assert gone.deleted_by == creator and gone.deletion_reason == "moderator"
    history = client_for(user).get(f"/api/v1/streams/{live_stream.pk}/chat").json()["results"]
    assert "rude words" not in [m["body"] for m in history]
    assert _actions(live_stream) == ["delete_message"]


def test_timeout_blocks_until_expiry(live_stream, creator, user, client_for, settings):
    url = f"/api/v1/streams/{live_stream.pk}/timeouts"
    assert client_for(creator).post(url, {"user": user.username, "minutes": 0}).status_code == 400
    assert client_for(creator).post(url, {"user": user.username, "minutes": 10, "reason": "spam"}).status_code == 204
    with pytest.raises(Exception) as exc:
        _say(live_stream, user, "hello?")
    assert exc.value.code == "timed_out"
    sanction = ChatSanction.objects.get(user=user)
    ChatSanction.objects.filter(pk=sanction.pk).update(expires_at=sanction.created_at)  # the clock moves on
    assert _say(live_stream, user, "back").body == "back"
    assert _actions(live_stream) == ["timeout"]


def test_ban_hides_earlier_messages_and_unban(live_stream, creator, user, other_user, client_for):
    kept = _say(live_stream, other_user, "kept")
    for body in ("spam 1", "spam 2"):
        _say(live_stream, user, body)
    url = f"/api/v1/streams/{live_stream.pk}/bans"
    assert client_for(other_user).post(url, {"user": user.username}).status_code == 403
    assert client_for(creator).post(url, {"user": user.username, "reason": "spam"}).status_code == 204
    assert client_for(creator).post(url, {"user": user.username}).status_code == 204  # already banned: no-op
    history = client_for(other_user).get(f"/api/v1/streams/{live_stream.pk}/chat").json()["results"]
    assert [m["body"] for m in history if m["kind"] == "chat"] == ["kept"]
    with pytest.raises(Exception) as exc:
        _say(live_stream, user, "let me back")
    assert exc.value.code == "banned"
    assert client_for(creator).delete(f"{url}/{user.username}").status_code == 204
    assert client_for(creator).delete(f"{url}/{user.username}").status_code == 404
    assert _say(live_stream, user, "thanks").body == "thanks"
    assert kept.pk in ChatMessage.objects.values_list("pk", flat=True)
    assert _actions(live_stream) == ["ban", "unban"]


def test_host_and_moderators_cannot_be_sanctioned(live_stream, creator, user, other_user, client_for):
    services.moderator_add(stream_id=live_stream.pk, actor=creator, user=user)
    assert (
        client_for(user).post(f"/api/v1/streams/{live_stream.pk}/bans", {"user": creator.username}).status_code == 403
    )
    assert (
        client_for(creator).post(f"/api/v1/streams/{live_stream.pk}/bans", {"user": user.username}).status_code == 403
    )
    assert (
        client_for(user).post(f"/api/v1/streams/{live_stream.pk}/bans", {"user": other_user.username}).status_code
        == 204
    )


def test_pin_and_unpin(live_stream, creator, user, client_for):
    message = _say(live_stream, user, "welcome all")
    c = client_for(creator)
    assert client_for(user).post(f"/api/v1/streams/{live_stream.pk}/chat/{message.pk}/pin").status_code == 403
    assert c.post(f"/api/v1/streams/{live_stream.pk}/chat/{message.pk}/pin").status_code == 200
    detail = client_for(user).get(f"/api/v1/streams/{live_stream.pk}").json()
    assert detail["pinned_message"]["body"] == "welcome all"
    assert c.delete(f"/api/v1/streams/{live_stream.pk}/pin").status_code == 204
    assert client_for(user).get(f"/api/v1/streams/{live_stream.pk}").json()["pinned_message"] is None
    assert _actions(live_stream) == ["pin", "unpin"]


def test_chat_modes_followers_subscribers_account_age(live_stream, creator, user, other_user, client_for, subscribe):
    url = f"/api/v1/streams/{live_stream.pk}/chat-settings"
    assert client_for(user).patch(url, {"followers_only_chat": True}).status_code == 403
    assert client_for(creator).patch(url, {"followers_only_chat": True}).json()["followers_only_chat"] is True
    with pytest.raises(Exception) as exc:
        _say(live_stream, user, "hi")
    assert exc.value.code == "followers_only"
    follow_create(follower=user, following=creator)
    assert _say(live_stream, user, "hi").body == "hi"
    client_for(creator).patch(url, {"followers_only_chat": False, "subscribers_only_chat": True})
    with pytest.raises(Exception) as exc:
        _say(live_stream, user, "hi again")
    assert exc.value.code == "subscribers_only"
    subscribe(other_user, creator)
    assert _say(live_stream, other_user, "paid up").body == "paid up"
    client_for(creator).patch(url, {"subscribers_only_chat": False, "min_account_age_minutes": 60})
    newcomer = UserFactory()
    with pytest.raises(Exception) as exc:
        _say(live_stream, newcomer, "first!")
    assert exc.value.code == "account_too_new"
    assert _say(live_stream, creator, "hosts are exempt").body == "hosts are exempt"
    assert _actions(live_stream) == [
        "followers_only", "followers_only", "subscribers_only", "subscribers_only", "min_account_age",
    ]  # fmt: skip


def test_slow_mode_and_banned_words_settings_recorded(live_stream, creator, client_for):
    res = client_for(creator).patch(
        f"/api/v1/streams/{live_stream.pk}/chat-settings", {"slow_mode_seconds": 15, "banned_words": ["Foo"]}
    )
    assert res.status_code == 200 and res.json()["slow_mode_seconds"] == 15
    log = client_for(creator).get(f"/api/v1/streams/{live_stream.pk}/moderation-log").json()["results"]
    assert sorted(entry["action"] for entry in log) == ["banned_words", "slow_mode"]


def test_clear_chat(live_stream, creator, user, client_for):
    for i in range(3):
        services.chat_message_send(stream_id=live_stream.pk, user=creator, body=f"m{i}")
    assert client_for(user).post(f"/api/v1/streams/{live_stream.pk}/chat/clear").status_code == 403
    res = client_for(creator).post(f"/api/v1/streams/{live_stream.pk}/chat/clear")
    assert res.status_code == 200 and res.json()["hidden"] == 4  # three chats and the "is live" notice
    assert client_for(user).get(f"/api/v1/streams/{live_stream.pk}/chat").json()["results"] == []
    assert _actions(live_stream) == ["clear_chat"]


def test_history_cursor_before(live_stream, creator, user, client_for, django_assert_max_num_queries, settings):
    settings.LIVE_CHAT_BURST = 10
    ids = [services.chat_message_send(stream_id=live_stream.pk, user=creator, body=f"m{i}").pk for i in range(5)]
    c = client_for(user)
    with django_assert_max_num_queries(8):
        page = c.get(f"/api/v1/streams/{live_stream.pk}/chat?limit=2").json()
    assert [m["body"] for m in page["results"]] == ["m4", "m3"]
    page2 = c.get(f"/api/v1/streams/{live_stream.pk}/chat?limit=2&before={page['next_before']}").json()
    assert [m["body"] for m in page2["results"]] == ["m2", "m1"]
    page3 = c.get(f"/api/v1/streams/{live_stream.pk}/chat?limit=2&before={page2['next_before']}").json()
    assert [m["kind"] for m in page3["results"]] == ["chat", "system"] and page3["next_before"] is None
    assert page3["results"][0]["id"] == str(ids[0])
    assert c.get(f"/api/v1/streams/{live_stream.pk}/chat?before=xyz").status_code == 400


def test_history_hidden_for_teaser_and_private(make_stream, user, client_for):
    subs = make_stream(visibility="subscribers")
    assert client_for(user).get(f"/api/v1/streams/{subs.pk}/chat").status_code == 403
    followers = make_stream(visibility="followers")
    assert client_for(user).get(f"/api/v1/streams/{followers.pk}/chat").status_code == 404


def test_rest_send_uses_the_same_rules(live_stream, user, client_for, api_client):
    url = f"/api/v1/streams/{live_stream.pk}/chat"
    assert api_client.post(url, {"body": "anon"}).status_code == 401
    assert client_for(user).post(url, {"body": " "}).status_code == 400
    res = client_for(user).post(url, {"body": "from REST"})
    assert res.status_code == 201 and res.json()["user"]["username"] == "ana"


@pytest.mark.django_db(transaction=True)
@pytest.mark.asyncio
async def test_moderation_over_the_socket_is_broadcast(live_stream, creator, user, other_user, chat_client):
    host, ana, ben = chat_client(live_stream.pk), chat_client(live_stream.pk), chat_client(live_stream.pk)
    joined = await host.join(creator)
    assert joined["you"]["is_moderator"] is True
    await ana.join(user)
    await ben.join(other_user)
    await ana.send({"type": "chat", "body": "bad take"})
    message = (await ben.recv_type("chat"))["message"]
    # Delete a message.
    await host.send({"type": "moderate", "action": "delete_message", "message_id": message["id"]})
    event = await ben.recv_type("moderation")
    assert event["action"] == "delete_message" and event["message_ids"] == [message["id"]]
    # Pin another one.
    await ben.send({"type": "chat", "body": "good point"})
    good = (await ana.recv_type("chat"))["message"]
    if good["body"] == "bad take":  # ana's own echo of her first message comes first
        good = (await ana.recv_type("chat"))["message"]
    await host.send({"type": "moderate", "action": "pin", "message_id": good["id"]})
    assert (await ana.recv_type("pinned"))["message"]["body"] == "good point"
    # Time out, ban (earlier messages listed for removal), unban.
    await host.send({"type": "moderate", "action": "timeout", "user": str(user.pk), "minutes": 5})
    event = await ben.recv_type("moderation")
    assert event["action"] == "timeout" and event["user"]["username"] == "ana" and event["minutes"] == 5
    assert (await ana.recv_type("moderation"))["action"] == "timeout"  # the timed-out user is told too
    await host.send({"type": "moderate", "action": "ban", "user": str(other_user.pk)})
    assert (await ana.recv_type("pinned"))["message"] is None  # the pinned message was ben's
    event = await ana.recv_type("moderation")
    assert event["action"] == "ban" and event["message_ids"] == [good["id"]]
    await host.send({"type": "moderate", "action": "unban", "user": str(other_user.pk)})
    assert (await ana.recv_type("moderation"))["action"] == "unban"
    # Chat settings and clear.
    await host.send({"type": "moderate", "action": "settings", "settings": {"slow_mode_seconds": 20}})
    event = await ana.recv_type("moderation")
    assert event["action"] == "slow_mode" and event["settings"] == {"slow_mode_seconds": 20}
    await host.send({"type": "moderate", "action": "clear_chat"})
    assert (await ana.recv_type("moderation"))["action"] == "clear_chat"
    # A viewer may not moderate.
    await ben.send({"type": "moderate", "action": "clear_chat"})
    assert (await ben.recv_type("error"))["code"] == "permission_denied"
    actions = await database_sync_to_async(_actions)(live_stream)
    assert actions == ["delete_message", "pin", "timeout", "ban", "unban", "slow_mode", "clear_chat"]
    for client in (host, ana, ben):
        await client.close()
