"""Demo accounts for `manage.py seed_demo`: an admin, three creators, five fans, and who follows whom."""

from django.utils import timezone

from users.models import User
from users.services import follow_create

STEPS = 3
ADMIN = ("admin", "admin@socialflow.local", "socialflow-admin")
CREATORS = ["ana_climbs", "ben_cooks", "cora_codes"]
FANS = ["dan", "eve", "finn", "gia", "hal"]
DEMO_PASSWORD = "socialflow-demo"


def _account(username, email, password, **extra):
    user = User.objects.filter(username__iexact=username).first()
    if user is None:
        user = User.objects.create_user(
            email, username, password, status=User.Status.ACTIVE, email_verified_at=timezone.now(), **extra
        )
    return user


def seed(ctx, step):
    admin = User.objects.filter(username=ADMIN[0]).first() or User.objects.create_superuser(
        ADMIN[1], ADMIN[0], ADMIN[2]
    )
    step("admin")
    creators = [
        _account(name, f"{name}@socialflow.local", DEMO_PASSWORD, role=User.Role.CREATOR, display_name=name.title())
        for name in CREATORS
    ]
    fans = [_account(name, f"{name}@socialflow.local", DEMO_PASSWORD) for name in FANS]
    step("accounts")
    for fan in fans:
        for creator in creators:
            follow_create(follower=fan, following=creator)  # idempotent; keeps the counters exact
    step("follows")
    ctx.update(admin=admin, creators=creators, fans=fans)
