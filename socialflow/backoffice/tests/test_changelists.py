"""No N+1 on any changelist: the queries of every registered ModelAdmin's changelist are the same at 5
rows and at 50."""

import pytest
from django.contrib import admin
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from socialflow.backoffice.tests.rows import RowBuilder
from users.tests.factories import UserFactory

pytestmark = pytest.mark.django_db

MODELS = sorted(admin.site._registry, key=lambda m: m._meta.label)


def _queries(client, url) -> tuple[int, int, list[str]]:
    with CaptureQueriesContext(connection) as ctx:
        answer = client.get(url)
    assert answer.status_code == 200, answer.content[:500]
    return len(ctx), answer.context_data["cl"].result_count, [q["sql"] for q in ctx.captured_queries]


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m._meta.label)
def test_changelist_queries_do_not_grow_with_rows(client, model):
    staff = UserFactory(username="changelist-root", is_staff=True, is_superuser=True)
    client.force_login(staff)
    url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
    builder = RowBuilder()
    builder.rows(model, 5)
    at_5, shown_5, _ = _queries(client, url)
    builder.rows(model, 45)
    at_50, shown_50, sql = _queries(client, url)
    assert shown_50 >= shown_5 + 45, f"the rows built do not show in {model._meta.label}'s changelist"
    assert at_50 <= at_5, f"{model._meta.label}: {at_5} queries at 5 rows, {at_50} at 50\n" + "\n".join(sql[-10:])
