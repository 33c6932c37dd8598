"""
Decoy status tokens, for the bots the honeypot catches: a bot is sent to a thank-you
page and a status page like an applicant's, so that it cannot tell it was caught, and
nothing is saved.

A decoy has the shape of a real token (24 bytes, URL-safe base64, 32 characters) and
carries the position and the minute it was "sent", hidden (XOR with a keyed pad) and
sealed by an HMAC of the site's secret key, so the pages recognise it without a row:

    nonce (8 bytes) | minute and position id, hidden (4 + 4) | HMAC tag (8)

Without the key every part looks random, as a real token does.
"""

import base64
import datetime
import hmac
import secrets

from django.utils import timezone
from django.utils.crypto import salted_hmac

from .models import Application, Position

NONCE, HIDDEN, TAG = 8, 8, 8
TOKEN_LENGTH = 32  # characters: what secrets.token_urlsafe(24) gives a real application


def _mac(purpose, data):
    return salted_hmac(f"recruiting.decoys.{purpose}", data, algorithm="sha256").digest()


def _xor(data, pad):
    return bytes(a ^ b for a, b in zip(data, pad, strict=False))


def new_token(position, now=None):
    """A decoy status token for an application to `position` sent `now`."""
    now = now or timezone.now()
    nonce = secrets.token_bytes(NONCE)
    plain = int(now.timestamp() // 60).to_bytes(4, "big") + position.pk.to_bytes(4, "big")
    hidden = _xor(plain, _mac("pad", nonce))
    raw = nonce + hidden + _mac("tag", nonce + hidden)[:TAG]
    return base64.urlsafe_b64encode(raw).decode()


def application(token):
    """
    The unsaved application a decoy token stands for (stage "new"), or None if the
    token is not a decoy of ours (or its position no longer exists).
    """
    if len(token) != TOKEN_LENGTH:
        return None
    try:
        raw = base64.urlsafe_b64decode(token)
    except ValueError:
        return None
    nonce, hidden, tag = raw[:NONCE], raw[NONCE : NONCE + HIDDEN], raw[NONCE + HIDDEN :]
    if not hmac.compare_digest(tag, _mac("tag", nonce + hidden)[:TAG]):
        return None
    plain = _xor(hidden, _mac("pad", nonce))
    minute, position_id = int.from_bytes(plain[:4], "big"), int.from_bytes(plain[4:], "big")
    position = Position.objects.filter(pk=position_id).first()
    if position is None:
        return None
    sent = datetime.datetime.fromtimestamp(minute * 60, tz=datetime.UTC)
    return Application(position=position, submitted_at=sent, token=token)
