"""The admin's sign-in goes through allauth, where the second factor is asked (dashboard login stage)."""

from urllib.parse import urlencode

from django.conf import settings
from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme


def admin_login_redirect(request):
    target = request.GET.get("next") or "/admin/"
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = "/admin/"
    return redirect(f"{settings.LOGIN_URL}?{urlencode({'next': target})}")
