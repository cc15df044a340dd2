"""A small world owned by user A, built through the apps' services (factories only for rows whose
service needs a payment provider): one object behind every kind of object route."""

from dataclasses import dataclass, field
from datetime import timedelta

from django.utils import timezone

from ads.tests.factories import campaign_fields, creative_fields, make_advertiser
from content.models import Post, Video
from content.services.posts import post_create
from content.services.videos import video_create
from content.tests.factories import SubscriptionFactory, TierFactory
from livestream.services.chat import chat_message_send
from livestream.services.streams import stream_create
from notifications.services.sending import notification_send
from payments.models import ConnectAccount, Payout, Tip
from social.services.comments import comment_create
from social.services.saves import collection_create
from users.models import FollowRequest, User
from users.services.api_keys import api_key_create
from users.services.export import data_export_request
from users.services.relationships import follow_create
from users.services.sessions import session_start
from users.tests.factories import UserFactory


@dataclass
class World:
    owner: User
    other: User
    suspended: User
    objects: dict = field(default_factory=dict)
    tokens: dict = field(default_factory=dict)


def bearer(user: User) -> str:
    _session, tokens = session_start(user=user, method="password", user_agent="reliability")
    return tokens["access"]


def build_world(prefix: str = "w") -> World:
    from ads.services.campaigns import campaign_create
    from ads.services.creatives import creative_create

    owner = UserFactory(username=f"{prefix}owner", role="creator")
    other = UserFactory(username=f"{prefix}other")
    suspended = UserFactory(username=f"{prefix}susp", status=User.Status.SUSPENDED)
    fan = UserFactory(username=f"{prefix}fan")
    world = World(owner=owner, other=other, suspended=suspended)
    o = world.objects

    o["post"] = post_create(author=owner, text=f"Hello #climbing @{fan.username}")
    o["private_post"] = post_create(author=owner, text="only me", visibility=Post.Visibility.PRIVATE)
    o["video"] = video_create(
        author=owner, filename="clip.mp4", size=1_000_000, content_type="video/mp4", title="Crag day"
    )
    o["private_video"] = video_create(
        author=owner,
        filename="p.mp4",
        size=1_000_000,
        content_type="video/mp4",
        title="Secret",
        visibility=Video.Visibility.PRIVATE,
    )
    o["comment"] = comment_create(author=owner, target=o["post"], text="first!")
    o["collection"] = collection_create(owner=owner, name="Favourites")
    o["stream"], _key = stream_create(host=owner, title="Live bouldering")
    o["tier"] = TierFactory(creator=owner, name="Gold")
    o["subscription"] = SubscriptionFactory(fan=owner, tier=TierFactory(creator=fan, name="Fan tier"))
    o["tip"] = Tip.objects.create(fan=owner, creator=fan, amount=500, currency="usd")
    account = ConnectAccount.objects.create(user=owner, stripe_account_id=f"acct_{prefix}owner")
    o["payout"] = Payout.objects.create(creator=owner, account=account, amount=5000, currency="usd")
    o["api_key"], _raw = api_key_create(user=owner, name="ci", scopes=["read", "write"])
    o["session"], _tokens = session_start(user=owner, method="password", user_agent="reliability")
    o["export"] = data_export_request(user=owner)
    owner.is_private = True
    owner.save(update_fields=["is_private"])
    follow_create(follower=fan, following=owner)
    o["follow_request"] = FollowRequest.objects.filter(target=owner).first()
    owner.is_private = False
    owner.save(update_fields=["is_private"])
    o["notification"] = notification_send(recipient=owner, type="follow", actor=fan)
    advertiser = make_advertiser(owner)
    o["campaign"] = campaign_create(
        advertiser=advertiser, **campaign_fields(start_at=timezone.now() + timedelta(days=1))
    )
    o["creative"] = creative_create(campaign=o["campaign"], **creative_fields())
    o["fan"] = fan
    return world


def add_live_chat(world: World):
    """Start A's stream and post one chat message, for the chat-message routes."""
    from livestream.services.streams import stream_start

    stream = stream_start(stream=world.objects["stream"], actor=world.owner)
    world.objects["stream"] = stream
    world.objects["chat_message"] = chat_message_send(stream_id=stream.pk, user=world.owner, body="hi all")
    return world
