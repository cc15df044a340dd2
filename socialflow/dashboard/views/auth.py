"""The second-factor step of a dashboard sign-in (the first factor is allauth's login page)."""

from django import forms
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from core.throttling import ScopedThrottle
from socialflow.dashboard.access import needs_second_factor
from socialflow.dashboard.pages import render_page
from users.services import second_factor_verify


class SecondFactorThrottle(ScopedThrottle):
    """The API's `otp` budget (per user), shared: the dashboard is not a second door for guessing."""

    scope = "otp"


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


@require_http_methods(["GET", "POST"])
def verify(request):
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    next_url = _safe_next(request)
    if not needs_second_factor(request):
        return redirect(next_url)
    form = SecondFactorForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if not SecondFactorThrottle().allow_request(request, None):
            form.add_error("code", "Too many attempts. Wait a minute and try again.")
        # The users app's rule: a TOTP code (never twice) or an unused backup code.
        elif second_factor_verify(user=request.user, code=form.cleaned_data["code"]) is None:
            form.add_error("code", "That code is not valid.")
        else:
            # The session is marked with the account's authenticator, whichever factor was used.
            device = TOTPDevice.objects.filter(user=request.user, confirmed=True).order_by("id").first()
            otp_login(request, device)
            # A fresh session key after the second factor, as after the first (no fixation across the step).
            request.session.cycle_key()
            messages.success(request, "Signed in.")
            return redirect(next_url)
    return render_page(
        request,
        "dashboard/verify.html",
        {"form": form, "next": next_url},
        section="",
        status=400 if form.errors else 200,
    )
