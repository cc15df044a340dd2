"""The second-factor step of a dashboard sign-in (the first factor is allauth's login page)."""

from django import forms
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods
from django_otp import devices_for_user
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice

from socialflow.dashboard.access import needs_second_factor
from socialflow.dashboard.pages import render_page


class SecondFactorForm(forms.Form):
    code = forms.CharField(
        label="Code",
        max_length=16,
        help_text="The 6-digit code from your authenticator app, or one of your backup codes.",
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "text", "autofocus": True}),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.device = None

    def clean_code(self):
        code = "".join(self.cleaned_data["code"].split())
        # Authenticator codes are digits; backup codes are what StaticDevice holds. Trying only the matching
        # kind keeps a wrong TOTP code from counting as a failed attempt against the backup codes.
        wants_static = not code.isdigit()
        for device in devices_for_user(self.user, confirmed=True):
            if isinstance(device, StaticDevice) != wants_static:
                continue
            allowed, extra = device.verify_is_allowed()
            if not allowed:
                raise forms.ValidationError("Too many wrong codes. Wait a little and try again.", code="throttled")
            # verify_token refuses a TOTP code already used (replay) and consumes a backup code.
            if device.verify_token(code):
                self.device = device
                return code
        raise forms.ValidationError("That code is not valid.", code="invalid")


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
    form = SecondFactorForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        otp_login(request, form.device)
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
