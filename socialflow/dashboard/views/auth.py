"""The second-factor step of a dashboard sign-in (the first factor is allauth's login page).

Two ways in: the usual one is allauth's pending login (SecondFactorStage), where the person is not signed
in yet; the other is a session that is already signed in without the second factor (for example through
the admin's own login form), which `dashboard_page` sends here before any dashboard page opens.
"""

from allauth.account.stages import LoginStageController
from django import forms
from django.contrib import messages
from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from core.throttling import ScopedThrottle
from socialflow.dashboard.access import needs_second_factor
from socialflow.dashboard.login_stage import STAGE_KEY
from socialflow.dashboard.pages import render_page
from users.services import second_factor_verify


class SecondFactorThrottle(ScopedThrottle):
    """The API's `otp` budget, shared: the dashboard is not a second door for guessing codes."""

    scope = "otp"

    def __init__(self, user):
        super().__init__()
        self.user = user

    def get_cache_key(self, request, view):
        # Keyed by the account being verified (not yet request.user during a pending login).
        return self.cache_format % {"scope": self.scope, "ident": f"user:{self.user.pk}"}


class SecondFactorForm(forms.Form):
    code = forms.CharField(
        label="Code",
        max_length=16,
        help_text="The 6-digit code from your authenticator app, or one of your backup codes.",
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "autofocus": True}),
    )


def _safe_next(request) -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return "/dashboard/"


def _check(form, request, user):
    """The verified TOTP device on success; otherwise the form carries the error."""
    if not SecondFactorThrottle(user).allow_request(request, None):
        form.add_error("code", "Too many attempts. Wait a minute and try again.")
        return None
    # The users app's rule: a TOTP code (never twice) or an unused backup code.
    if second_factor_verify(user=user, code=form.cleaned_data["code"]) is None:
        form.add_error("code", "That code is not valid.")
        return None
    # The session is marked with the account's authenticator, whichever of its factors was used.
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("id").first()


@require_http_methods(["GET", "POST"])
def verify(request):
    stage = LoginStageController.enter(request, STAGE_KEY)
    if stage is None and not request.user.is_authenticated:
        messages.info(request, "Sign in first.")
        return redirect("account_login")
    if stage is None and not needs_second_factor(request):
        return redirect(_safe_next(request))
    user = stage.login.user if stage is not None else request.user
    form = SecondFactorForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = _check(form, request, user)
        if device is not None:
            if stage is not None:
                # Django's login() happens inside exit(); django-otp's login signal then records the device.
                user.otp_device = device
                return stage.exit()
            otp_login(request, device)
            request.session.cycle_key()  # a fresh key once the session gains its second factor
            return redirect(_safe_next(request))
    context = {"form": form, "next": _safe_next(request) if stage is None else ""}
    return render_page(request, "dashboard/verify.html", context, section="", status=400 if form.errors else 200)
