"""Every engagement endpoint on a post or video answers 404 to a viewer who may not see the item."""

import pytest

from content.models import PostVisibility, VideoVisibility
from social.tests.factories import PostFactory, UserFactory, VideoFactory
from users import services as graph

pytestmark = pytest.mark.django_db

ENDPOINTS = [
    ("post", "like"),
    ("delete", "like"),
    ("get", "likes"),
    ("get", "comments"),
    ("post", "comments"),
    ("post", "save"),
    ("delete", "save"),
]


def hidden_item(kind, author):
    if kind == "posts":
        return PostFactory(author=author, visibility=PostVisibility.PRIVATE)
    return VideoFactory(author=author, visibility=VideoVisibility.PRIVATE)


@pytest.mark.parametrize("kind", ["posts", "videos"])
@pytest.mark.parametrize(("method", "action"), ENDPOINTS)
def test_hidden_item_is_404_to_others_and_open_to_its_author(client_for, creator, kind, method, action):
    item = hidden_item(kind, creator)
    path = f"/api/v1/{kind}/{item.pk}/{action}"

    stranger = getattr(client_for(UserFactory()), method)(path, {"text": "hi"}, format="json")
    author = getattr(client_for(creator), method)(path, {"text": "hi"}, format="json")

    assert stranger.status_code == 404
    assert author.status_code in (200, 201)


@pytest.mark.parametrize("kind", ["posts", "videos"])
def test_items_of_someone_who_blocked_you_are_404(as_user, user, creator, kind):
    item = PostFactory(author=creator) if kind == "posts" else VideoFactory(author=creator)
    graph.block_create(blocker=creator, blocked=user)

    for method, action in ENDPOINTS:
        response = getattr(as_user, method)(f"/api/v1/{kind}/{item.pk}/{action}", {"text": "hi"}, format="json")
        assert response.status_code == 404, (method, action)


def test_unknown_and_malformed_ids_are_404(as_user):
    assert as_user.post("/api/v1/posts/not-a-uuid/like").status_code == 404
    assert as_user.get("/api/v1/comments/not-a-uuid").status_code == 404
    assert as_user.post("/api/v1/follow-requests/not-a-uuid/accept").status_code == 404
    assert as_user.delete("/api/v1/collections/not-a-uuid").status_code == 404
