"""
Gunicorn settings for the lab's site: `gunicorn -c gunicorn.conf.py labsite.wsgi`.

Everything a deployment may want to change is read from GUNICORN_* environment
variables (see docs/deploy.md); the defaults suit one machine behind nginx.
"""

import json
import os
import sys
import time

from gunicorn.glogging import Logger

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from recruiting.logs import redact_path  # noqa: E402  (no Django import: safe here)


def _int(name, default):
    value = os.environ.get(name, "")
    return int(value) if value.strip() else default


def _cores():
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


# Loopback by default: nginx (or another proxy) in front is the only client.
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000").split(",")

# Processes for the CPU, threads so that a slow client or a slow upload does not hold a
# whole process: the landing page is served from the cache, so a request is short.
workers = _int("GUNICORN_WORKERS", min(2 * _cores() + 1, 9))
threads = _int("GUNICORN_THREADS", 4)
worker_class = "gthread" if threads > 1 else "sync"
# The master imports Django once and forks: less memory, faster worker starts. Safe here
# because nothing opens a database or Redis connection at import time. A code upgrade
# then needs a restart (systemctl restart), not a HUP.
preload_app = os.environ.get("GUNICORN_PRELOAD", "1") != "0"
# `make run` only: restart workers when the code changes (needs GUNICORN_PRELOAD=0).
reload = os.environ.get("GUNICORN_RELOAD", "0") == "1"

timeout = _int("GUNICORN_TIMEOUT", 30)  # a worker silent this long is killed
graceful_timeout = _int("GUNICORN_GRACEFUL_TIMEOUT", 30)  # to finish requests on stop
keepalive = _int("GUNICORN_KEEPALIVE", 5)  # nginx keeps upstream connections open
# Recycle workers after this many requests (0 = never); a guard against slow leaks.
max_requests = _int("GUNICORN_MAX_REQUESTS", 0)
max_requests_jitter = max_requests // 10

# Requests are small: a URL, a few headers, a form with a 10 MB CV in its body (the body
# is limited by nginx and Django; see pre_request below for a body Django leaves unread).
limit_request_line = 4094
limit_request_fields = 50
limit_request_field_size = 8190


def pre_request(worker, req):
    """
    A body larger than the site ever reads, or of unknown length, is answered
    `Connection: close`: otherwise gunicorn would promise keep-alive, fail to drain the
    body and close anyway, and the client's next request would fail (a 502 behind
    nginx). Smaller unread bodies are drained by labsite.wsgi. Imported here, not at the
    top: the application (and Django's settings) is loaded by now.
    """
    from labsite.unread_body import close_after_unbounded_body

    close_after_unbounded_body(worker, req)


# X-Forwarded-Proto (and friends) are believed only from these addresses: the proxy in
# front. Loopback only unless the environment names the proxy. The client address used
# for rate limits is a separate setting of the site: DJANGO_TRUSTED_PROXY_COUNT.
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1,::1")

# gunicorn's runtime control socket (gunicornc) lives at one fixed path per user, which
# several instances on one host would fight over; systemd's signals are enough.
control_socket_disable = True

if os.path.isdir("/dev/shm"):
    worker_tmp_dir = "/dev/shm"  # heartbeat files off the disk

accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-")  # "-" is stdout
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")


class JsonAccessLogger(Logger):
    """
    One JSON object per request on the access log.

    Only what operations need: no query string, no referrer, no client address, no
    headers or body, so no applicant data. The capability tokens in the thank-you and
    status URLs are replaced by "…", as they give access to an application.
    """

    def access(self, resp, req, environ, request_time):
        if not self.access_log_enabled:
            return
        status = resp.status.split(None, 1)[0] if isinstance(resp.status, str) else resp.status
        entry = {
            "time": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
            "level": "INFO",
            "logger": "gunicorn.access",
            "pid": os.getpid(),
            "method": environ.get("REQUEST_METHOD"),
            "path": redact_path(environ.get("PATH_INFO", "")),
            "status": int(status),
            "bytes": getattr(resp, "sent", None),
            "duration_ms": round(request_time.total_seconds() * 1000, 2),
            "user_agent": environ.get("HTTP_USER_AGENT", "")[:200],
        }
        try:
            self.access_log.info(json.dumps(entry, ensure_ascii=False))
        except Exception:
            self.error("Failed to write the access log entry")


logger_class = JsonAccessLogger
