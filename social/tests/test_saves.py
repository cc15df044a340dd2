import pytest

from content.models import PostVisibility
from social import services
from social.models import Save
from social.tests.factories import PostFactory, UserFactory, VideoFactory

pytestmark = pytest.mark.django_db


def test_save_and_unsave_post_counts_once(as_user, user, post):
    first = as_user.post(f"/api/v1/posts/{post.pk}/save", {}, format="json")
    again = as_user.post(f"/api/v1/posts/{post.pk}/save", {}, format="json")

    assert (first.status_code, again.status_code) == (201, 200)
    post.refresh_from_db()
    assert post.saves_count == 1

    assert as_user.delete(f"/api/v1/posts/{post.pk}/save").data == {"saved": False, "collection_id": None}
    assert as_user.delete(f"/api/v1/posts/{post.pk}/save").status_code == 200
    post.refresh_from_db()
    assert post.saves_count == 0


def test_save_into_collection_and_move(as_user, user, post, video):
    climbing = as_user.post("/api/v1/collections", {"name": "Climbing"}, format="json").data
    later = as_user.post("/api/v1/collections", {"name": "Later"}, format="json").data

    as_user.post(f"/api/v1/posts/{post.pk}/save", {"collection": climbing["id"]}, format="json")
    as_user.post(f"/api/v1/videos/{video.pk}/save", {"collection": climbing["id"]}, format="json")
    moved = as_user.post(f"/api/v1/posts/{post.pk}/save", {"collection": later["id"]}, format="json")

    assert moved.data == {"saved": True, "collection_id": later["id"]}
    in_climbing = as_user.get(f"/api/v1/saves?collection={climbing['id']}").data["results"]
    assert [(s["kind"], s["video"]["id"]) for s in in_climbing] == [("video", str(video.pk))]
    everything = as_user.get("/api/v1/saves").data["results"]
    assert [s["kind"] for s in everything] == ["video", "post"]
    counts = {c["name"]: c["items_count"] for c in as_user.get("/api/v1/collections").data["results"]}
    assert counts == {"Climbing": 1, "Later": 1}


def test_collection_names_are_unique_per_owner_case_insensitively(as_user, as_other):
    assert as_user.post("/api/v1/collections", {"name": "Recipes"}, format="json").status_code == 201
    assert as_user.post("/api/v1/collections", {"name": "recipes"}, format="json").status_code == 409
    assert as_other.post("/api/v1/collections", {"name": "Recipes"}, format="json").status_code == 201


def test_collections_are_private(as_user, as_other, post):
    mine = as_user.post("/api/v1/collections", {"name": "Mine"}, format="json").data["id"]

    assert as_other.post(f"/api/v1/posts/{post.pk}/save", {"collection": mine}, format="json").status_code == 404
    assert as_other.get(f"/api/v1/saves?collection={mine}").status_code == 404
    assert as_other.patch(f"/api/v1/collections/{mine}", {"name": "x"}, format="json").status_code == 404
    assert as_other.delete(f"/api/v1/collections/{mine}").status_code == 404
    assert as_other.get("/api/v1/collections").data["results"] == []


def test_rename_and_delete_collection_keeps_saves(as_user, user, post):
    cid = as_user.post("/api/v1/collections", {"name": "Old"}, format="json").data["id"]
    as_user.post(f"/api/v1/posts/{post.pk}/save", {"collection": cid}, format="json")

    assert as_user.patch(f"/api/v1/collections/{cid}", {"name": "New"}, format="json").data["name"] == "New"
    assert as_user.delete(f"/api/v1/collections/{cid}").status_code == 204

    save = Save.objects.get(user=user)
    assert save.collection is None


def test_saves_of_others_are_not_listed(as_other, user, post):
    services.save_create(user=user, target=post)

    assert as_other.get("/api/v1/saves").data["results"] == []


def test_saved_item_that_becomes_hidden_drops_out(as_user, user, creator):
    post = PostFactory(author=creator)
    services.save_create(user=user, target=post)
    post.visibility = PostVisibility.PRIVATE
    post.save(update_fields=["visibility"])

    assert as_user.get("/api/v1/saves").data["results"] == []


def test_cannot_save_invisible_item(as_other, creator):
    hidden = PostFactory(author=creator, visibility=PostVisibility.FOLLOWERS)

    assert as_other.post(f"/api/v1/posts/{hidden.pk}/save", {}, format="json").status_code == 404


def test_saves_need_auth(api_client, post):
    assert api_client.get("/api/v1/saves").status_code == 401
    assert api_client.post(f"/api/v1/posts/{post.pk}/save", {}, format="json").status_code == 401


def test_saves_list_query_count_is_flat(client_for, django_assert_max_num_queries):
    viewer = UserFactory()
    client = client_for(viewer)
    services.save_create(user=viewer, target=PostFactory())
    services.save_create(user=viewer, target=VideoFactory())
    with django_assert_max_num_queries(4) as few:
        assert len(client.get("/api/v1/saves").data["results"]) == 2
    for i in range(18):
        services.save_create(user=viewer, target=PostFactory() if i % 2 else VideoFactory())
    with django_assert_max_num_queries(4) as many:
        assert len(client.get("/api/v1/saves").data["results"]) == 20
    assert len(few.captured_queries) == len(many.captured_queries)
