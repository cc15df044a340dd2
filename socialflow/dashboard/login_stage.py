"""The second factor as an allauth login stage, so a browser session is signed in only after it.

allauth runs its login stages between the first factor (password, Google, Facebook) and Django's
`login()`. Until this stage passes, the pending login is stashed in the session and `request.user` stays
anonymous: the session cookie opens nothing — not the dashboard, not the session-authenticated API, not
the chat websocket. (A page-level check alone would leave a password-only session that the API accepts.)
"""

from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.internal.stagekit import clear_login
from allauth.account.stages import LoginStage
from allauth.core.internal.httpkit import headed_redirect_response
from django.contrib import messages
from django.shortcuts import redirect

from users.services import account_state_error

STAGE_KEY = "socialflow_second_factor"


class SecondFactorStage(LoginStage):
    key = STAGE_KEY
    urlname = "dashboard:verify"

    def handle(self):
        user = self.login.user
        if user is None or not user.two_factor_enabled:
            return None, True
        # Wait here (the login stays stashed) until the TOTP step view calls `exit()`.
        return headed_redirect_response("dashboard:verify"), True


class AccountAdapter(DefaultAccountAdapter):
    def get_login_stages(self) -> list[str]:
        return [*super().get_login_stages(), "socialflow.dashboard.login_stage.SecondFactorStage"]

    def pre_login(self, request, user, **kwargs):
        # The users app's one rule on who may sign in (suspended, banned, deactivated), before any stage.
        error = account_state_error(user)
        if error is not None:
            clear_login(request)
            messages.error(request, error.detail)
            return redirect("account_login")
        return super().pre_login(request, user, **kwargs)
