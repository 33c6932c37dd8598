"""
The admin login's lockout, on top of django-axes (AXES_HANDLER, AXES_USERNAME_CALLABLE).

Axes locks a user name from one address block (an IPv6 client per /64, see
recruiting.clientip) after AXES_FAILURE_LIMIT failed passwords. An attacker with many
addresses would get that many tries from each, so a user name is also locked from every
address once AXES_ACCOUNT_FAILURE_LIMIT failures from anywhere fall within the cool-off
window. Both locks end after the cool-off, or at once with `manage.py
axes_reset_username NAME`.
"""

import logging

from axes.attempts import get_cool_off_threshold
from axes.handlers.database import AxesDatabaseHandler
from axes.models import AccessAttempt
from axes.signals import user_locked_out
from django.conf import settings
from django.db.models import Sum

logger = logging.getLogger(__name__)

# axes' column for the user name: a longer one would fail to save (PostgreSQL).
USERNAME_LENGTH = AccessAttempt._meta.get_field("username").max_length


def lockout_username(request, credentials=None):
    """
    The user name axes records and counts (AXES_USERNAME_CALLABLE): the one tried, cut
    to axes' column, so that an over-long name is an ordinary failed login that counts.
    """
    field = settings.AXES_USERNAME_FORM_FIELD
    if credentials:
        username = credentials.get(field)
    else:
        username = getattr(request, "data", request.POST).get(field)
    return username[:USERNAME_LENGTH] if isinstance(username, str) else username


class LockoutHandler(AxesDatabaseHandler):
    """Axes' database handler with a ceiling per user name, whatever the address."""

    def is_locked(self, request, credentials=None):
        return super().is_locked(request, credentials) or self.is_account_locked(
            request, credentials
        )

    def user_login_failed(self, sender, credentials, request=None, **kwargs):
        super().user_login_failed(sender, credentials, request, **kwargs)
        if request is None or getattr(request, "axes_locked_out", False):
            return
        if self.is_account_locked(request, credentials):
            # As axes does when the (user name, address) pair reaches its limit: the
            # middleware answers this very request with the lockout page.
            logger.warning("admin login: a user name reached the account's failure limit")
            request.axes_locked_out = True
            request.axes_credentials = credentials
            user_locked_out.send(
                "axes",
                request=request,
                username=lockout_username(request, credentials),
                ip_address=request.axes_ip_address,
            )

    def is_account_locked(self, request, credentials=None):
        limit = settings.AXES_ACCOUNT_FAILURE_LIMIT
        if not settings.AXES_LOCK_OUT_AT_FAILURE or limit <= 0:
            return False
        return self.account_failures(request, credentials) >= limit

    def account_failures(self, request, credentials=None):
        """The user name's failures from every address within the cool-off window."""
        username = lockout_username(request, credentials)
        if not username:
            return 0
        attempts = AccessAttempt.objects.filter(username=username)
        if settings.AXES_COOLOFF_TIME is not None:
            attempts = attempts.filter(attempt_time__gte=get_cool_off_threshold(request))
        return attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0
