from ads import demo
from ads.models import AdImpression, Campaign, Creative
from users import demo as users_demo


def test_demo_seed_is_idempotent(db):
    ctx: dict = {}
    users_demo.seed(ctx, lambda label: None)
    for _ in range(2):
        demo.seed(ctx, lambda label: None)
    assert Campaign.objects.count() == 2
    assert set(Creative.objects.values_list("status", flat=True)) == {"approved", "submitted"}
    assert AdImpression.objects.filter(valid=True).count() == len(ctx["fans"])
