"""Who may open a dashboard page: a signed-in account allowed to sign in, past its second factor.

Every dashboard view is wrapped in `dashboard_page`. The second factor is asked for whenever the
account has a confirmed django-otp device and this session has not been verified with one — whatever
way the first factor happened (password, Google, Facebook), so no sign-in path skips it.
"""

from functools import wraps
from urllib.parse import urlencode

from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import redirect
from django.urls import reverse
from django_otp import user_has_device

from users.models import User


def session_otp_verified(request) -> bool:
    """django-otp's `is_verified()`: this session was verified with one of the user's devices.

    Read from `otp_device` (set by OTPMiddleware) rather than `is_verified()`, because `User` has its own
    `is_verified` (e-mail) attribute with another meaning.
    """
    return getattr(request.user, "otp_device", None) is not None


def needs_second_factor(request) -> bool:
    return not session_otp_verified(request) and user_has_device(request.user, confirmed=True)


def dashboard_page(view):
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        user = request.user
        if not user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if user.status not in User.SIGN_IN_STATUSES:
            # A suspension or ban that lands mid-session ends the dashboard session too.
            logout(request)
            return redirect_to_login(request.get_full_path())
        if needs_second_factor(request):
            query = urlencode({"next": request.get_full_path()})
            return redirect(f"{reverse('dashboard:verify')}?{query}")
        return view(request, *args, **kwargs)

    return wrapper
