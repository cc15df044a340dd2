"""django-otp's OTPMiddleware without the `is_verified()` method it installs on the user.

SocialFlow's `User.is_verified` is a read-only property meaning "e-mail verified" (the `IsVerified`
permission reads it). Stock OTPMiddleware assigns a method over it on every session request, which
raises AttributeError and breaks every signed-in HTML page (dashboard and admin). This subclass keeps
everything else — it resolves the session's device into `user.otp_device` exactly as upstream — and
callers ask "has this session passed its second factor?" with `user.otp_device is not None`
(`socialflow.dashboard.access.session_otp_verified`).
"""

from django_otp.middleware import OTPMiddleware as UpstreamOTPMiddleware


class OTPMiddleware(UpstreamOTPMiddleware):
    @staticmethod
    def _init_user_fields(user):
        user.otp_device = None
