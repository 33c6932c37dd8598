"""
The client's IP address, for the rate limit and the admin lockout. X-Forwarded-For counts
only behind DJANGO_TRUSTED_PROXY_COUNT proxies of ours, so a client cannot dodge a limit
by sending the header itself. Both limits count an IPv6 client per /64 (client_block):
one subscriber usually holds a whole /64, and walking through its addresses must not
buy a fresh allowance.
"""

import ipaddress

from django.conf import settings


def client_ip(request):
    """The client's exact address."""
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


def address_block(address):
    """
    The address standing for the block one subscriber holds: an IPv6 address's /64, as
    the block's first address (so it still fits an IP address column, as django-axes'
    does); an IPv4-mapped IPv6 address's IPv4 address; any other address unchanged.
    """
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address
    if isinstance(ip, ipaddress.IPv4Address):
        return str(ip)
    if ip.ipv4_mapped is not None:
        return str(ip.ipv4_mapped)
    return str(ipaddress.IPv6Network((ip, 64), strict=False).network_address)


def client_block(request):
    """The client's address block (see address_block): AXES_CLIENT_IP_CALLABLE."""
    return address_block(client_ip(request))
