"""A person's data export carries what every app holds about them (DATA_EXPORT_PROVIDERS)."""

import json
import zipfile

import pytest

from content.services.posts import post_create
from social.services import comment_create, like_create
from users.models import DataExport
from users.services.export import data_export_build, data_export_request

pytestmark = pytest.mark.django_db(transaction=True)


def test_export_includes_content_social_and_payments_sections(user, other_user):
    mine = post_create(author=user, text="my first #climbing post")
    theirs = post_create(author=other_user, text="hello")
    comment_create(author=user, target=theirs, text="nice one")
    like_create(user=user, target=theirs)
    export = data_export_request(user=user)
    data_export_build(export_id=export.pk)
    export = DataExport.objects.get(pk=export.pk)
    assert export.status == "ready"
    with export.file.open("rb") as f:
        archive = zipfile.ZipFile(f)
        content = json.loads(archive.read("content.json"))
        social = json.loads(archive.read("social.json"))
        payments = json.loads(archive.read("payments.json"))
    assert [p["text"] for p in content["posts"]] == ["my first #climbing post"]
    assert content["posts"][0]["id"] == str(mine.pk)
    assert [c["text"] for c in social["comments"]] == ["nice one"]
    assert social["likes"] == [{"post": str(theirs.pk), "video": None, "comment": None}]
    assert payments == {"subscriptions": [], "tips_sent": [], "tips_received": []}
