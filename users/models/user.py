"""The account: who a person is on SocialFlow. Status and role change only through users.services."""

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.core.validators import MaxLengthValidator, RegexValidator
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone

from core.models import BaseModel

USERNAME_VALIDATOR = RegexValidator(
    r"^[A-Za-z][A-Za-z0-9_]{2,29}$",
    "Use 3–30 letters, digits or underscores, starting with a letter.",
    code="invalid_username",
)


class UserQuerySet(models.QuerySet):
    def active(self):
        return self.filter(status=User.Status.ACTIVE)

    def visible(self):
        """Accounts whose profile and content others may see (not banned, suspended or gone)."""
        return self.filter(status__in=User.VISIBLE_STATUSES)


class UserManager(BaseUserManager.from_queryset(UserQuerySet)):
    use_in_migrations = True

    def get_by_natural_key(self, username):
        return self.get(**{f"{self.model.USERNAME_FIELD}__iexact": username})

    def create_user(self, email, username, password=None, **extra):
        if not email:
            raise ValueError("email is required")
        user = self.model(email=self.normalize_email(email).lower(), username=username, **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email, username, password=None, **extra):
        extra.update(is_staff=True, is_superuser=True, role=User.Role.ADMIN, status=User.Status.ACTIVE)
        extra.setdefault("email_verified_at", timezone.now())
        return self.create_user(email, username, password, **extra)


class User(BaseModel, AbstractBaseUser, PermissionsMixin):
    class Role(models.TextChoices):
        USER = "user"
        CREATOR = "creator"
        MODERATOR = "moderator"
        ADMIN = "admin"

    class Status(models.TextChoices):
        PENDING_VERIFICATION = "pending_verification"
        ACTIVE = "active"
        SUSPENDED = "suspended"
        BANNED = "banned"
        DEACTIVATED = "deactivated"

    # Unverified accounts are real people who may read and be seen; they just cannot publish yet.
    VISIBLE_STATUSES = (Status.PENDING_VERIFICATION, Status.ACTIVE)
    # States in which the person may sign in at all.
    SIGN_IN_STATUSES = (Status.PENDING_VERIFICATION, Status.ACTIVE)

    email = models.EmailField(max_length=254)
    username = models.CharField(max_length=30, validators=[USERNAME_VALIDATOR])
    display_name = models.CharField(max_length=80, blank=True)
    bio = models.TextField(blank=True, validators=[MaxLengthValidator(500)])
    avatar = models.ImageField(upload_to="avatars/%Y/%m/", blank=True)
    website = models.URLField(blank=True)
    location = models.CharField(max_length=100, blank=True)
    # What ad targeting and notification timing may know (all optional, set by the user).
    country = models.CharField(max_length=2, blank=True, help_text="ISO 3166-1 alpha-2")
    language = models.CharField(max_length=8, blank=True, help_text="BCP 47 primary tag, e.g. 'en'")
    birth_date = models.DateField(null=True, blank=True)
    timezone = models.CharField(max_length=64, default="UTC")

    role = models.CharField(max_length=16, choices=Role.choices, default=Role.USER, db_index=True)
    status = models.CharField(max_length=24, choices=Status.choices, default=Status.PENDING_VERIFICATION, db_index=True)
    suspended_until = models.DateTimeField(null=True, blank=True)
    email_verified_at = models.DateTimeField(null=True, blank=True)
    deactivated_at = models.DateTimeField(null=True, blank=True)
    is_private = models.BooleanField(default=False, help_text="Follows need the owner's approval.")
    two_factor_enabled = models.BooleanField(default=False, help_text="A confirmed TOTP device exists.")
    # Self-service deletion: the account is deactivated now and anonymised at this time unless the
    # owner signs in before it (which cancels the deletion).
    deletion_due_at = models.DateTimeField(null=True, blank=True, db_index=True)
    anonymised_at = models.DateTimeField(null=True, blank=True)
    password_changed_at = models.DateTimeField(null=True, blank=True)

    is_staff = models.BooleanField(default=False)
    is_active = models.BooleanField(default=True, help_text="Django's switch; SocialFlow uses `status`.")

    # Denormalised counters, changed with F() by the services that create/delete what they count.
    followers_count = models.PositiveIntegerField(default=0)
    following_count = models.PositiveIntegerField(default=0)
    posts_count = models.PositiveIntegerField(default=0)
    videos_count = models.PositiveIntegerField(default=0)

    objects = UserManager()

    USERNAME_FIELD = "username"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["email"]

    class Meta:
        constraints = [
            models.UniqueConstraint(Lower("email"), name="user_email_ci_unique"),
            models.UniqueConstraint(Lower("username"), name="user_username_ci_unique"),
        ]
        indexes = [models.Index(Lower("username"), name="user_username_lower_idx")]

    def __str__(self):
        return f"@{self.username}"

    @property
    def is_email_verified(self) -> bool:
        # Not `is_verified`: django-otp installs `user.is_verified()` ("passed the second factor").
        return self.email_verified_at is not None

    @property
    def is_creator(self) -> bool:
        return self.role in (self.Role.CREATOR, self.Role.ADMIN)

    @property
    def is_moderator(self) -> bool:
        return self.role in (self.Role.MODERATOR, self.Role.ADMIN) or self.is_superuser

    @property
    def name(self) -> str:
        return self.display_name or self.username

    @property
    def is_reserved_username(self) -> bool:
        return self.username.lower() in settings.RESERVED_USERNAMES
