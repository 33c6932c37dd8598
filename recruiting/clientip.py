"""
The client's IP address, as used by the rate limit and the admin lockout.

X-Forwarded-For is only believed when DJANGO_TRUSTED_PROXY_COUNT says how many proxies
of ours append to it; then the address is the one our outermost proxy saw. Otherwise it
is the socket's address, so a client cannot dodge a limit by sending the header itself.
"""

from django.conf import settings


def client_ip(request):
    count = settings.TRUSTED_PROXY_COUNT
    if count > 0:
        forwarded = [
            part.strip()
            for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
            if part.strip()
        ]
        if len(forwarded) >= count:
            return forwarded[-count]
    return request.META.get("REMOTE_ADDR", "")


def axes_client_ip(request):
    return client_ip(request)
