"""Factories for content tests. Subscriptions are written as payments rows directly: they are the
starting state visibility reads (payments' own services are tested in payments)."""

import datetime

import factory
from django.utils import timezone

from content.models import Post, Video
from payments.models import Subscription, Tier
from users.tests.factories import UserFactory


class TierFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Tier

    creator = factory.SubFactory(UserFactory, role="creator")
    name = factory.Sequence(lambda n: f"Tier {n}")
    price_amount = 500
    currency = "usd"


class SubscriptionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Subscription

    fan = factory.SubFactory(UserFactory)
    tier = factory.SubFactory(TierFactory)
    creator = factory.LazyAttribute(lambda o: o.tier.creator)
    status = Subscription.Status.ACTIVE
    paid_through = factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(days=30))


class PostFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Post

    author = factory.SubFactory(UserFactory)
    text = factory.Sequence(lambda n: f"post number {n}")
    published_at = factory.LazyFunction(timezone.now)


class VideoFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Video

    author = factory.SubFactory(UserFactory)
    title = factory.Sequence(lambda n: f"video {n}")
    status = Video.Status.READY
    published_at = factory.LazyFunction(timezone.now)
    duration_seconds = 60.0
