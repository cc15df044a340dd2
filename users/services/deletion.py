"""Self-service account deletion: deactivate now, anonymise after the grace period.

Signing in during the grace period cancels it (users.services.login). After it, a beat task erases
the personal data (profile, email, credentials, graph edges) and keeps the row, so other apps'
foreign keys stay valid; their content of a deactivated account is already hidden by the status.
"""

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from core.exceptions import ValidationFailed
from users.models import (
    AccountEvent,
    ApiKey,
    BackupCode,
    Block,
    DataExport,
    Follow,
    FollowRequest,
    MfaChallenge,
    Mute,
    OneTimeToken,
    User,
    UserSession,
)
from users.services.audit import account_event_record
from users.services.emails import account_email_send
from users.services.status import user_deactivate


@transaction.atomic
def account_delete_request(*, user: User, password: str) -> User:
    if not user.has_usable_password() or not user.check_password(password or ""):
        raise ValidationFailed("The password is wrong.", errors={"password": ["Wrong password."]})
    due = timezone.now() + settings.ACCOUNT_DELETION_GRACE
    user_deactivate(user=user, by=user, reason="deletion requested by the account owner", deletion_due_at=due)
    ApiKey.objects.filter(user=user, revoked_at__isnull=True).update(revoked_at=timezone.now())
    account_event_record(
        user=user, kind=AccountEvent.Kind.DELETION_REQUESTED, actor=user, data={"due": due.isoformat()}
    )
    account_email_send(user=user, template="account_deletion_scheduled", context={"due": due.date().isoformat()})
    return user


def _detach_graph(user: User) -> None:
    """Remove every edge touching `user`, moving the other side's counters by exactly one each."""
    follower_ids = list(Follow.objects.filter(following=user).values_list("follower_id", flat=True))
    following_ids = list(Follow.objects.filter(follower=user).values_list("following_id", flat=True))
    User.objects.filter(pk__in=follower_ids).update(following_count=F("following_count") - 1)
    User.objects.filter(pk__in=following_ids).update(followers_count=F("followers_count") - 1)
    Follow.objects.filter(following=user).delete()
    Follow.objects.filter(follower=user).delete()
    FollowRequest.objects.filter(requester=user).delete()
    FollowRequest.objects.filter(target=user).delete()
    Block.objects.filter(blocker=user).delete()
    Block.objects.filter(blocked=user).delete()
    Mute.objects.filter(muter=user).delete()
    Mute.objects.filter(muted=user).delete()


@transaction.atomic
def account_anonymise(*, user: User) -> bool:
    """Erase the personal data of a deactivated account whose grace period is over. Idempotent."""
    locked = User.objects.select_for_update().get(pk=user.pk)
    if locked.anonymised_at is not None or locked.status != User.Status.DEACTIVATED:
        return False
    if locked.deletion_due_at is None or locked.deletion_due_at > timezone.now():
        return False
    from allauth.socialaccount.models import SocialAccount

    tag = locked.pk.hex[-12:]
    if locked.avatar:
        locked.avatar.delete(save=False)
    for export in DataExport.objects.filter(user=locked):
        if export.file:
            export.file.delete(save=False)
    DataExport.objects.filter(user=locked).delete()
    _detach_graph(locked)
    SocialAccount.objects.filter(user=locked).delete()
    TOTPDevice.objects.filter(user=locked).delete()
    for model in (BackupCode, MfaChallenge, OneTimeToken, UserSession, ApiKey):
        model.objects.filter(user=locked).delete()
    locked.email = f"deleted-{locked.pk.hex}@deleted.invalid"
    locked.username = f"deleted_{tag}"
    locked.display_name = ""
    locked.bio = ""
    locked.avatar = ""
    locked.website = ""
    locked.location = ""
    locked.country = ""
    locked.language = ""
    locked.birth_date = None
    locked.is_private = True
    locked.two_factor_enabled = False
    locked.followers_count = 0
    locked.following_count = 0
    locked.set_unusable_password()
    locked.anonymised_at = timezone.now()
    locked.save()
    account_event_record(user=locked, kind=AccountEvent.Kind.ANONYMISED, reason="deletion grace period ended")
    return True


def accounts_anonymise_due() -> int:
    """Beat task body: anonymise every account whose deletion is due. Returns how many."""
    due = User.objects.filter(
        status=User.Status.DEACTIVATED, deletion_due_at__lte=timezone.now(), anonymised_at__isnull=True
    )
    return sum(account_anonymise(user=u) for u in due.iterator())
