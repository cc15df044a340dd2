import factory

from payments.models import Tier
from users.tests.factories import UserFactory


class CreatorFactory(UserFactory):
    role = "creator"


class TierFactory(factory.django.DjangoModelFactory):
    """A tier row without Stripe objects, for read-only tests (services create the real ones)."""

    class Meta:
        model = Tier

    creator = factory.SubFactory(CreatorFactory)
    name = factory.Sequence(lambda n: f"Tier {n}")
    price_amount = 500
    currency = "usd"
