"""Who may open a dashboard page: a signed-in account allowed to act, past its second factor.

Every dashboard view is wrapped in `dashboard_page`. The second factor is asked for whenever the
account has two-factor authentication on (a confirmed django-otp TOTP device, `User.two_factor_enabled`)
and this session has not been verified — whatever way the first factor happened (password, Google,
Facebook), so no sign-in path skips it.
"""

from functools import wraps
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import redirect
from django.urls import reverse

from users.services import account_state_error


def session_otp_verified(request) -> bool:
    """django-otp's notion of a verified session: OTPMiddleware set the device this session passed.

    (Read from `otp_device`, which also works for a user object that did not pass through the middleware.)
    """
    return getattr(request.user, "otp_device", None) is not None


def needs_second_factor(request) -> bool:
    return request.user.two_factor_enabled and not session_otp_verified(request)


def dashboard_page(view):
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        user = request.user
        if not user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        # The users app's one rule for "may this account act now" (suspended, banned, deactivated).
        error = account_state_error(user)
        if error is not None:
            logout(request)
            messages.error(request, error.detail)
            return redirect_to_login(request.get_full_path())
        if needs_second_factor(request):
            query = urlencode({"next": request.get_full_path()})
            return redirect(f"{reverse('dashboard:verify')}?{query}")
        return view(request, *args, **kwargs)

    return wrapper
