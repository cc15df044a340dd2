import pytest

from users import demo
from users.models import Follow, User

pytestmark = pytest.mark.django_db


def test_seed_is_idempotent_and_counters_exact():
    ctx, labels = {}, []
    demo.seed(ctx, labels.append)
    demo.seed(ctx, labels.append)
    assert labels == ["admin", "accounts", "follows"] * 2
    assert Follow.objects.count() == len(demo.FANS) * len(demo.CREATORS)
    creator = User.objects.get(username="ana_climbs")
    assert creator.followers_count == len(demo.FANS)
    assert ctx["admin"].is_superuser and len(ctx["creators"]) == 3 and len(ctx["fans"]) == 5
