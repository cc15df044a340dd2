import pytest
from django.core.management import call_command

from notifications.models import Notification
from notifications.services import notification_send
from notifications.tests.factories import post_ref
from users.tests.factories import UserFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1/notifications"


def _likes(recipient, n, ref=None):
    actors = UserFactory.create_batch(n)
    for a in actors:
        notification_send(recipient=recipient, type="like", actor=a, target=ref or post_ref())
    return actors


def test_list_is_newest_first_with_actor_and_target(user, other_user, client_for):
    notification_send(recipient=user, type="comment", actor=other_user, target=post_ref(1), data={"text": "Nice"})
    notification_send(recipient=user, type="video_ready", target=post_ref(2, "My video"))
    res = client_for(user).get(URL)
    assert res.status_code == 200
    items = res.json()["results"]
    assert [i["type"] for i in items] == ["video_ready", "comment"]
    assert items[1]["actor"]["username"] == "ben"
    assert items[1]["target"] == {
        "app": "content",
        "kind": "post",
        "id": "post-1",
        "snapshot": {"text": "Sunset over the crag"},
    }
    assert items[1]["data"] == {"text": "Nice"}
    assert items[0]["actor"] is None
    assert items[0]["is_read"] is False


def test_list_filters_by_type_and_unread(user, other_user, client_for):
    notification_send(recipient=user, type="comment", actor=other_user, target=post_ref(1))
    read = notification_send(recipient=user, type="mention", actor=other_user, target=post_ref(2))
    client = client_for(user)
    client.post(f"{URL}/{read.id}/read")
    assert [i["type"] for i in client.get(URL, {"type": "mention"}).json()["results"]] == ["mention"]
    assert [i["type"] for i in client.get(URL, {"unread": "true"}).json()["results"]] == ["comment"]
    assert [i["type"] for i in client.get(URL, {"unread": "false"}).json()["results"]] == ["mention"]
    assert client.get(URL, {"type": "bogus"}).status_code == 400


@pytest.mark.parametrize("count", [1, 20])
def test_list_query_count_is_flat(user, client_for, django_assert_max_num_queries, count):
    _likes(user, count)
    client = client_for(user)
    with django_assert_max_num_queries(3):
        res = client.get(URL)
    assert len(res.json()["results"]) == count


def test_cursor_pagination_walks_everything_once(user, client_for):
    _likes(user, 5)
    client = client_for(user)
    seen, url = [], f"{URL}?limit=2"
    while url:
        page = client.get(url).json()
        seen += [i["id"] for i in page["results"]]
        url = page["next"]
    assert len(seen) == len(set(seen)) == 5


def test_grouped_view_says_who_and_how_many(user, other_user, client_for):
    actors = _likes(user, 13, post_ref(1))
    notification_send(recipient=user, type="comment", actor=other_user, target=post_ref(1))
    res = client_for(user).get(URL, {"grouped": "true"})
    assert res.status_code == 200
    groups = res.json()["results"]
    assert [g["type"] for g in groups] == ["comment", "like"]
    like = groups[1]
    assert like["count"] == 13 and like["unread_count"] == 13
    assert like["text"] == f"{actors[-1].username.title()} and 12 others liked your post"
    assert [a["username"] for a in like["actors"]] == [a.username for a in reversed(actors[-3:])]
    assert like["latest"]["actor"]["username"] == actors[-1].username
    assert groups[0]["text"] == "Ben commented on your post"


def test_grouped_view_keeps_posts_apart_and_follows_together(user, client_for):
    _likes(user, 2, post_ref(1))
    _likes(user, 3, post_ref(2))
    for follower in UserFactory.create_batch(4):
        notification_send(recipient=user, type="follow", actor=follower, target=follower)
    groups = client_for(user).get(URL, {"grouped": "true"}).json()["results"]
    assert [(g["type"], g["count"]) for g in groups] == [("follow", 4), ("like", 3), ("like", 2)]
    assert groups[0]["text"].endswith("and 3 others followed you")


@pytest.mark.parametrize("groups", [1, 20])
def test_grouped_query_count_is_flat(user, client_for, django_assert_max_num_queries, groups):
    for i in range(groups):
        _likes(user, 2, post_ref(i))
    client = client_for(user)
    with django_assert_max_num_queries(4):
        res = client.get(URL, {"grouped": "true"})
    assert len(res.json()["results"]) == groups


def test_grouped_pagination(user, client_for):
    for i in range(5):
        _likes(user, 1, post_ref(i))
    client = client_for(user)
    first = client.get(URL, {"grouped": "true", "limit": 3}).json()
    second = client.get(first["next"]).json()
    keys = [g["group_key"] for g in first["results"] + second["results"]]
    assert len(keys) == len(set(keys)) == 5
    assert second["next"] is None


def test_unread_count_read_and_read_all(user, other_user, client_for):
    a = notification_send(recipient=user, type="comment", actor=other_user, target=post_ref(1))
    notification_send(recipient=user, type="mention", actor=other_user, target=post_ref(2))
    notification_send(recipient=user, type="reply", actor=other_user, target=post_ref(3))
    client = client_for(user)
    assert client.get(f"{URL}/unread-count").json() == {"unread_count": 3}
    res = client.post(f"{URL}/{a.id}/read")
    assert res.status_code == 200 and res.json()["is_read"] is True
    assert client.get(f"{URL}/unread-count").json() == {"unread_count": 2}
    assert client.post(f"{URL}/read-all").json() == {"marked": 2, "unread_count": 0}
    assert client.get(f"{URL}/unread-count").json() == {"unread_count": 0}


def test_read_all_of_one_group(user, client_for):
    _likes(user, 3, post_ref(1))
    _likes(user, 2, post_ref(2))
    res = client_for(user).post(f"{URL}/read-all", {"group_key": "like:content.post:post-1"}, format="json")
    assert res.json() == {"marked": 3, "unread_count": 2}


def test_delete(user, other_user, client_for):
    n = notification_send(recipient=user, type="comment", actor=other_user, target=post_ref(1))
    client = client_for(user)
    assert client.delete(f"{URL}/{n.id}").status_code == 204
    assert not Notification.objects.filter(pk=n.pk).exists()
    assert client.delete(f"{URL}/{n.id}").status_code == 404


def test_another_users_notification_is_404_everywhere(user, other_user, creator, client_for):
    n = notification_send(recipient=user, type="comment", actor=creator, target=post_ref(1))
    intruder = client_for(other_user)
    assert intruder.get(f"{URL}/{n.id}").status_code == 404
    assert intruder.post(f"{URL}/{n.id}/read").status_code == 404
    assert intruder.delete(f"{URL}/{n.id}").status_code == 404
    assert intruder.post(f"{URL}/{n.id}/accept").status_code == 404
    assert intruder.post(f"{URL}/{n.id}/dismiss").status_code == 404
    assert intruder.get(URL).json()["results"] == []
    assert intruder.post(f"{URL}/read-all").json() == {"marked": 0, "unread_count": 0}
    n.refresh_from_db()
    assert n.read_at is None
    assert client_for(user).get(f"{URL}/{n.id}").status_code == 200


def test_anonymous_is_401(api_client):
    assert api_client.get(URL).status_code == 401
    assert api_client.get(f"{URL}/unread-count").status_code == 401
    assert api_client.get(f"{URL}/settings").status_code == 401


def test_malformed_id_is_404(user, client_for):
    assert client_for(user).post(f"{URL}/0000000000000000000000000000000z/read").status_code == 404
    assert client_for(user).post(f"{URL}/12345678-1234-1234-1234-12345678/read").status_code == 404


def test_openapi_schema_has_no_warnings_from_this_app(capsys):
    call_command("spectacular", "--validate", "--file", "/dev/null")
    out = capsys.readouterr()
    assert [line for line in (out.out + out.err).splitlines() if "notifications/" in line] == []


@pytest.mark.parametrize("count", [1, 20])
def test_requests_query_count_is_flat(user, client_for, django_assert_max_num_queries, count):
    from notifications.services import notification_settings_update

    notification_settings_update(user=user, stranger_policy="filter")
    for stranger in UserFactory.create_batch(count):
        notification_send(recipient=user, type="mention", actor=stranger, target=post_ref(1))
    client = client_for(user)
    with django_assert_max_num_queries(3):
        res = client.get(f"{URL}/requests")
    assert len(res.json()["results"]) == count
