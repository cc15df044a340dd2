"""Factories for social tests. Posts and videos come from content's factories (their starting state);
likes, comments, follows and saves are made through the services, since they carry side effects."""

from content.tests.factories import PostFactory, SubscriptionFactory, TierFactory, VideoFactory
from users.tests.factories import UserFactory

__all__ = ["PostFactory", "SubscriptionFactory", "TierFactory", "UserFactory", "VideoFactory"]
