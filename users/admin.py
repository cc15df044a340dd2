"""Staff tools for accounts. Every action calls a users service, so each change is recorded in
AccountEvent with the acting staff member and a reason."""

from datetime import timedelta

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.shortcuts import render
from django.utils import timezone

from core.exceptions import ApplicationError
from users import services
from users.models import AccountEvent, ApiKey, Block, DataExport, Follow, FollowRequest, Mute, User, UserSession


class SanctionForm(forms.Form):
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), max_length=1000)
    days = forms.IntegerField(min_value=1, max_value=3650, required=False, help_text="Suspensions only.")


def _run(modeladmin, request, queryset, label, apply):
    done = 0
    for user in queryset:
        try:
            apply(user)
            done += 1
        except ApplicationError as exc:
            modeladmin.message_user(request, f"@{user.username}: {exc.detail}", messages.WARNING)
    modeladmin.message_user(request, f"{label}: {done} account(s).", messages.SUCCESS)


def _with_reason(modeladmin, request, queryset, *, title, needs_days, apply):
    """Ask for a reason (and a duration) on an intermediate page, then apply to each account."""
    if "apply" in request.POST:
        form = SanctionForm(request.POST)
        if form.is_valid() and (form.cleaned_data["days"] or not needs_days):
            _run(modeladmin, request, queryset, title, lambda u: apply(u, form.cleaned_data))
            return None
    else:
        form = SanctionForm(initial={"days": 7 if needs_days else None})
    return render(
        request,
        "admin/users/sanction.html",
        {
            **modeladmin.admin_site.each_context(request),
            "title": title,
            "form": form,
            "accounts": queryset,
            "action": request.POST.get("action"),
            "checkbox_name": ACTION_CHECKBOX_NAME,
            "opts": modeladmin.model._meta,
        },
    )


@admin.register(User)
class UserAdmin(admin.ModelAdmin):
    list_display = ["username", "email", "role", "status", "two_factor_enabled", "email_verified_at", "created_at"]
    list_filter = ["role", "status", "two_factor_enabled", "is_private", "is_staff"]
    search_fields = ["email", "username", "display_name"]
    ordering = ["-created_at"]
    readonly_fields = [
        "id", "email", "role", "status", "suspended_until", "email_verified_at", "deactivated_at", "deletion_due_at",
        "anonymised_at", "two_factor_enabled", "followers_count", "following_count", "posts_count", "videos_count",
        "last_login", "created_at", "updated_at", "password_changed_at",
    ]  # fmt: skip
    fields = [
        "id", "username", "email", "display_name", "bio", "website", "location", "is_private", "role", "status",
        "suspended_until", "email_verified_at", "two_factor_enabled", "deactivated_at", "deletion_due_at",
        "anonymised_at", "is_staff", "is_superuser", "followers_count", "following_count", "posts_count",
        "videos_count", "last_login", "password_changed_at", "created_at", "updated_at",
    ]  # fmt: skip
    actions = [
        "verify_email",
        "grant_creator",
        "suspend",
        "ban",
        "unban",
        "reset_two_factor",
        "revoke_sessions",
    ]

    def has_delete_permission(self, request, obj=None):
        return False  # accounts are deactivated and anonymised, never deleted (other apps point at them)

    @admin.action(description="Verify email")
    def verify_email(self, request, queryset):
        _run(
            self,
            request,
            queryset,
            "Verified",
            lambda u: services.user_email_verify(user=u, by=request.user, reason="verified by staff"),
        )

    @admin.action(description="Grant creator role")
    def grant_creator(self, request, queryset):
        _run(
            self, request, queryset, "Creator role granted",
            lambda u: services.user_role_set(user=u, role=User.Role.CREATOR, by=request.user, reason="granted by staff"),
        )  # fmt: skip

    @admin.action(description="Suspend for N days…")
    def suspend(self, request, queryset):
        return _with_reason(
            self, request, queryset, title="Suspend", needs_days=True,
            apply=lambda u, d: services.user_suspend(
                user=u, by=request.user, until=timezone.now() + timedelta(days=d["days"]), reason=d["reason"]
            ),
        )  # fmt: skip

    @admin.action(description="Ban…")
    def ban(self, request, queryset):
        return _with_reason(
            self, request, queryset, title="Ban", needs_days=False,
            apply=lambda u, d: services.user_ban(user=u, by=request.user, reason=d["reason"]),
        )  # fmt: skip

    @admin.action(description="Unban / lift suspension…")
    def unban(self, request, queryset):
        return _with_reason(
            self, request, queryset, title="Unban", needs_days=False,
            apply=lambda u, d: services.user_unban(user=u, by=request.user, reason=d["reason"]),
        )  # fmt: skip

    @admin.action(description="Reset 2FA…")
    def reset_two_factor(self, request, queryset):
        return _with_reason(
            self, request, queryset, title="Reset 2FA", needs_days=False,
            apply=lambda u, d: services.two_factor_reset(user=u, by=request.user, reason=d["reason"]),
        )  # fmt: skip

    @admin.action(description="Revoke all sessions")
    def revoke_sessions(self, request, queryset):
        _run(
            self, request, queryset, "Sessions revoked",
            lambda u: services.sessions_revoke_all(
                user=u, reason=UserSession.RevokeReason.ADMIN, by=request.user, record=True
            ),
        )  # fmt: skip


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(AccountEvent)
class AccountEventAdmin(ReadOnlyAdmin):
    """Append-only: staff read the history, nobody edits it."""

    list_display = ["created_at", "user", "kind", "from_value", "to_value", "actor", "reason"]
    list_filter = ["kind"]
    search_fields = ["user__username", "user__email", "actor__username", "reason"]
    list_select_related = ["user", "actor"]


@admin.register(UserSession)
class UserSessionAdmin(ReadOnlyAdmin):
    list_display = [
        "user",
        "method",
        "user_agent",
        "ip_address",
        "created_at",
        "last_used_at",
        "revoked_at",
        "revoke_reason",
    ]
    list_filter = ["method", "revoke_reason"]
    search_fields = ["user__username", "user__email", "ip_address"]
    list_select_related = ["user"]
    exclude = ["current_jti"]


@admin.register(ApiKey)
class ApiKeyAdmin(ReadOnlyAdmin):
    list_display = ["name", "user", "prefix", "scopes", "created_at", "last_used_at", "revoked_at"]
    search_fields = ["user__username", "name", "prefix"]
    list_select_related = ["user"]
    exclude = ["key_hash"]


@admin.register(DataExport)
class DataExportAdmin(ReadOnlyAdmin):
    list_display = ["user", "status", "size_bytes", "created_at", "finished_at"]
    list_filter = ["status"]
    search_fields = ["user__username"]
    list_select_related = ["user"]
    exclude = ["file"]


@admin.register(Follow)
class FollowAdmin(ReadOnlyAdmin):
    list_display = ["follower", "following", "created_at"]
    search_fields = ["follower__username", "following__username"]
    list_select_related = ["follower", "following"]


@admin.register(FollowRequest)
class FollowRequestAdmin(ReadOnlyAdmin):
    list_display = ["requester", "target", "created_at"]
    search_fields = ["requester__username", "target__username"]
    list_select_related = ["requester", "target"]


@admin.register(Block)
class BlockAdmin(ReadOnlyAdmin):
    list_display = ["blocker", "blocked", "created_at"]
    search_fields = ["blocker__username", "blocked__username"]
    list_select_related = ["blocker", "blocked"]


@admin.register(Mute)
class MuteAdmin(ReadOnlyAdmin):
    list_display = ["muter", "muted", "expires_at", "created_at"]
    search_fields = ["muter__username", "muted__username"]
    list_select_related = ["muter", "muted"]
