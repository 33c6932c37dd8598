"""
The client's IP address, for the rate limit and the admin lockout (AXES_CLIENT_IP_CALLABLE).
X-Forwarded-For counts only behind DJANGO_TRUSTED_PROXY_COUNT proxies of ours, so a
client cannot dodge a limit by sending the header itself.
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
