"""Every list endpoint of the users app costs the same number of queries at 1 and at 20 rows."""

import pytest

from users.models import DataExport
from users.services import api_key_create, session_start

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("url", "make", "queries"),
    [
        # authentication (session + user in one query), count, page
        ("/api/v1/auth/sessions", lambda u: session_start(user=u, user_agent="x"), 3),
        ("/api/v1/auth/api-keys", lambda u: api_key_create(user=u, name="k", scopes=["read"]), 2),
        ("/api/v1/users/me/exports", lambda u: DataExport.objects.create(user=u, status="ready"), 2),
    ],
)
def test_list_query_count_flat(login, user, url, make, queries, django_assert_num_queries):
    client, _ = login(user)  # this login is the first session
    if "sessions" not in url:
        make(user)
    with django_assert_num_queries(queries):
        assert len(client.get(url).json()["results"]) == 1
    for _ in range(19):
        make(user)
    with django_assert_num_queries(queries):
        assert len(client.get(url).json()["results"]) == 20
