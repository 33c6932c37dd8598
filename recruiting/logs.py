"""
Keeping applicant data out of the logs: the token in a thank-you or status URL lets its
holder see and change the application, and an address change's link holds addresses, so
Django's and gunicorn's logs both go through redact_path.
"""

import logging
import re

TOKEN_IN_PATH = re.compile(r"(/apply/(?:thanks|status)/)[^/?#\s'\"]+")
# The signed value of a new address's confirmation link carries both addresses.
EMAIL_LINK_IN_PATH = re.compile(r"(/apply/status/…/email/)[^/?#\s'\"]+")


def redact_path(text):
    """
    The text with every token of a thank-you or status URL, and the value of an address
    change's link, replaced by "…".
    """
    return EMAIL_LINK_IN_PATH.sub(r"\1…", TOKEN_IN_PATH.sub(r"\1…", text))


class RedactTokens(logging.Filter):
    """A logging filter that takes the tokens out of a record's message and request."""

    def filter(self, record):
        if isinstance(record.msg, str):
            record.msg = redact_path(record.msg)
        if isinstance(record.args, tuple):
            record.args = tuple(
                redact_path(arg) if isinstance(arg, str) else arg for arg in record.args
            )
        request = getattr(record, "request", None)
        if request is not None and not isinstance(request, str):
            method = getattr(request, "method", "")
            record.request = f"{method} {redact_path(getattr(request, 'path', ''))}"
        return True
