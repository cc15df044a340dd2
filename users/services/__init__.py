"""Every write on accounts, sessions and the social graph's raw edges (see docs/users.md)."""

from users.services.access import account_state_error
from users.services.api_keys import api_key_authenticate, api_key_create, api_key_revoke
from users.services.audit import account_event_record
from users.services.counters import user_counter_add, user_counter_set, user_graph_counters_repair
from users.services.deletion import account_anonymise, account_delete_request, accounts_anonymise_due
from users.services.export import data_export_build, data_export_request
from users.services.login import (
    LoginResult,
    account_may_sign_in,
    login_after_first_factor,
    login_complete,
    login_mfa_verify,
    login_with_password,
    user_find_by_login,
)
from users.services.mfa import (
    backup_codes_regenerate,
    second_factor_verify,
    totp_confirm,
    totp_setup,
    two_factor_disable,
    two_factor_reset,
)
from users.services.passwords import password_change, password_reset_confirm, password_reset_request
from users.services.profile import user_avatar_set, user_profile_update
from users.services.registration import email_verification_send, email_verify, user_register
from users.services.relationships import (
    block_create,
    block_delete,
    follow_create,
    follow_delete,
    follow_request_accept,
    follow_request_reject,
    follow_requests_accept_all,
    follower_remove,
    mute_create,
    mute_delete,
)
from users.services.sessions import (
    session_delete,
    session_logout,
    session_refresh,
    session_revoke,
    session_start,
    sessions_revoke_all,
)
from users.services.status import (
    suspensions_lift_expired,
    user_ban,
    user_deactivate,
    user_email_verify,
    user_reactivate,
    user_role_set,
    user_suspend,
    user_suspension_lift_if_expired,
    user_unban,
)

__all__ = [
    "LoginResult",
    "account_anonymise",
    "account_delete_request",
    "account_event_record",
    "account_may_sign_in",
    "account_state_error",
    "accounts_anonymise_due",
    "api_key_authenticate",
    "api_key_create",
    "api_key_revoke",
    "backup_codes_regenerate",
    "block_create",
    "block_delete",
    "data_export_build",
    "data_export_request",
    "email_verification_send",
    "email_verify",
    "follow_create",
    "follow_delete",
    "follow_request_accept",
    "follow_request_reject",
    "follow_requests_accept_all",
    "follower_remove",
    "login_after_first_factor",
    "login_complete",
    "login_mfa_verify",
    "login_with_password",
    "mute_create",
    "mute_delete",
    "password_change",
    "password_reset_confirm",
    "password_reset_request",
    "second_factor_verify",
    "session_delete",
    "session_logout",
    "session_refresh",
    "session_revoke",
    "session_start",
    "sessions_revoke_all",
    "suspensions_lift_expired",
    "totp_confirm",
    "totp_setup",
    "two_factor_disable",
    "two_factor_reset",
    "user_avatar_set",
    "user_ban",
    "user_deactivate",
    "user_email_verify",
    "user_find_by_login",
    "user_counter_add",
    "user_counter_set",
    "user_graph_counters_repair",
    "user_profile_update",
    "user_reactivate",
    "user_register",
    "user_role_set",
    "user_suspend",
    "user_suspension_lift_if_expired",
    "user_unban",
]
