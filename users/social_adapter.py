"""allauth's web redirect flow (the dashboard's "Sign in with Google/Facebook") follows the same
account rules as `POST auth/social/{provider}` (users.services.social_login): an email the provider
vouches for marks the account verified, and only such an email links to an existing account
(SOCIALACCOUNT_EMAIL_AUTHENTICATION, set in the users settings block)."""

from allauth.socialaccount.adapter import DefaultSocialAccountAdapter

from users.services.status import user_email_verify


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    def save_user(self, request, sociallogin, form=None):
        user = super().save_user(request, sociallogin, form)
        vouched = {a.email.lower() for a in sociallogin.email_addresses if a.verified and a.email}
        if user.email and user.email.lower() in vouched:
            user_email_verify(user=user, by=None, reason=f"email verified by {sociallogin.account.provider}")
        return user
