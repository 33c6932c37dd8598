"""
Benchmark: the cached landing page against a static file of the same size, and the
application form, all served by one gunicorn with the production settings on loopback,
measured by wrk in one run.

    .venv/bin/python scripts/bench.py [--duration 10] [--connections 16]

The targets: the landing page reaches at least 0.8× the static file's requests per
second, and the application form (GET, a fresh CSRF token each time) at least 0.25×
the landing page's. The script sets up a throw-away instance under a temporary folder: SQLite,
or a throw-away database on the PostgreSQL server DATABASE_URL names (the named
database is never touched); Redis when REDIS_URL is set or Redis answers on
127.0.0.1:6379, else the file cache. It loads the lab's content, collects the static
files, writes a copy of the rendered landing page among them (same bytes, so the same
size), starts gunicorn, warms the cache, runs wrk against the three URLs in alternating
rounds and stops the server. Everything is bounded in time and stays on 127.0.0.1.
"""

import argparse
import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))

from tests.servers import manage, production_env, running  # noqa: E402

STATIC_COPY = "bench/landing-copy.html"
TARGET_RATIO = 0.8
APPLY_TARGET_RATIO = 0.25


def redis_answers(host="127.0.0.1", port=6379):
    try:
        with socket.create_connection((host, port), timeout=1) as sock:
            sock.sendall(b"PING\r\n")
            return sock.recv(16).startswith(b"+PONG")
    except OSError:
        return False


def run_wrk(url, duration, connections, threads):
    command = [
        "wrk",
        f"-t{threads}",
        f"-c{connections}",
        f"-d{duration}s",
        "--timeout",
        "5s",
        "--latency",
        url,
    ]
    output = subprocess.run(
        command, capture_output=True, text=True, timeout=duration + 30, check=True
    ).stdout
    return parse_wrk(output), output


def combine(runs):
    """Rounds of equal length: mean throughput, worst p50 and p99, summed errors."""
    return {
        "requests_per_second": sum(r["requests_per_second"] for r in runs) / len(runs),
        "p50_ms": max(r["p50_ms"] for r in runs),
        "p99_ms": max(r["p99_ms"] for r in runs),
        "non_2xx": sum(r["non_2xx"] for r in runs),
        "socket_errors": " ".join(r["socket_errors"] for r in runs if r["socket_errors"]),
        "cpu_us_per_request": 1e6
        * sum(r["cpu_seconds"] for r in runs)
        / sum(r["requests"] for r in runs),
    }


def to_ms(value, unit):
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


def parse_wrk(output):
    requests = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    total = int(re.search(r"(\d+) requests in", output).group(1))
    p99 = re.search(r"^\s+99%\s+([\d.]+)(us|ms|s)\s*$", output, re.MULTILINE)
    p50 = re.search(r"^\s+50%\s+([\d.]+)(us|ms|s)\s*$", output, re.MULTILINE)
    non_2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output)
    errors = re.search(r"Socket errors:(.*)", output)
    return {
        "requests_per_second": requests,
        "requests": total,
        "p50_ms": to_ms(*p50.groups()),
        "p99_ms": to_ms(*p99.groups()),
        "non_2xx": int(non_2xx.group(1)) if non_2xx else 0,
        "socket_errors": errors.group(1).strip() if errors else "",
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--duration", type=int, default=10, help="seconds of load on each URL (default 10)"
    )
    parser.add_argument(
        "--rounds", type=int, default=5, help="alternations of the URLs (default 5)"
    )
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--wrk-threads", type=int, default=1)
    parser.add_argument("--port", type=int, default=8410)
    parser.add_argument("--cache", choices=["auto", "redis", "file"], default="auto")
    parser.add_argument("--path", default="/", help="the landing page: / or /en/")
    parser.add_argument("--strict", action="store_true", help="exit 1 below a target")
    args = parser.parse_args()

    if shutil.which("wrk") is None:
        sys.exit("wrk is not installed: apt-get install -y wrk")

    tmp_dir = Path(tempfile.mkdtemp(prefix="labsite-bench-"))
    overrides = {}
    for name in ("GUNICORN_WORKERS", "GUNICORN_THREADS"):
        if os.environ.get(name):
            overrides[name] = os.environ[name]
    if "GUNICORN_WORKERS" not in overrides:
        overrides["GUNICORN_WORKERS"] = None  # gunicorn.conf.py's default for this machine
    if "GUNICORN_THREADS" not in overrides:
        overrides["GUNICORN_THREADS"] = None
    redis_url = ""
    if args.cache != "file":
        redis_url = os.environ.get("REDIS_URL", "")
        if not redis_url and redis_answers():
            redis_url = "redis://127.0.0.1:6379/0"
        if args.cache == "redis" and not redis_url:
            sys.exit("no Redis: set REDIS_URL or start Redis on 127.0.0.1:6379")
    prefix = f"bench-{secrets.token_hex(4)}"
    if redis_url:
        overrides.update(REDIS_URL=redis_url, CACHE_KEY_PREFIX=prefix)
    scratch_database = None
    if os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://")):
        # A throw-away database on that server: the named one is never touched.
        scratch_database = f"labsite_bench_{secrets.token_hex(4)}"
        overrides["DATABASE_URL"] = create_database(os.environ["DATABASE_URL"], scratch_database)
    env = production_env(tmp_dir, **overrides)

    try:
        manage("migrate", "--noinput", env=env)
        manage("seed_content", env=env)
        manage("collectstatic", "--noinput", env=env)
        page = render_page(
            args.path, env, Path(env["STATIC_ROOT"]) / STATIC_COPY, f"127.0.0.1:{args.port}"
        )

        with running(args.port, env) as server:
            status, _, body = server.get(args.path)
            assert status == 200 and len(body) == len(page), (status, len(body), len(page))
            status, _, body = server.get(f"/static/{STATIC_COPY}")
            assert status == 200 and body == page, status
            apply_path = f"{args.path}apply/"
            status, _, body = server.get(apply_path)
            assert status == 200 and b'name="csrfmiddlewaretoken"' in body, status
            workers, threads = describe(server)
            urls = {
                "landing page": server.url + args.path,
                "static file": f"{server.url}/static/{STATIC_COPY}",
                "apply page": server.url + apply_path,
            }
            for url in urls.values():
                run_wrk(url, 1, args.connections, args.wrk_threads)  # warm-up
            # The URLs alternate, in short rounds, so that a change in the machine's load
            # during the run weighs on both alike.
            rounds = {label: [] for label in urls}
            seconds = max(1, args.duration // args.rounds)
            for _ in range(args.rounds):
                for label, url in urls.items():
                    cpu_before = cpu_seconds(server.process.pid)
                    result, _ = run_wrk(url, seconds, args.connections, args.wrk_threads)
                    result["cpu_seconds"] = cpu_seconds(server.process.pid) - cpu_before
                    rounds[label].append(result)
            results = {label: combine(runs) for label, runs in rounds.items()}
    finally:
        if redis_url:
            forget_redis_keys(redis_url, prefix)
        if scratch_database:
            drop_database(os.environ["DATABASE_URL"], scratch_database)
        shutil.rmtree(tmp_dir, ignore_errors=True)

    landing, static = results["landing page"], results["static file"]
    ratio = landing["requests_per_second"] / static["requests_per_second"]
    apply_ratio = results["apply page"]["requests_per_second"] / landing["requests_per_second"]
    print()
    print(
        f"gunicorn: {workers} workers × {threads} threads on {os.cpu_count()} cores; "
        f"cache: {'Redis' if redis_url else 'files'}; "
        f"database: {env['DATABASE_URL'].split(':', 1)[0]}; "
        f"wrk: {args.connections} connections, {args.duration} s on each URL "
        f"in {args.rounds} rounds; "
        f"page: {len(page):,} bytes"
    )
    print(
        f"{'':14} {'requests/s':>11} {'p50 ms':>8} {'p99 ms':>8} {'non-2xx':>8} "
        f"{'gunicorn CPU µs/request':>24}"
    )
    for label, result in results.items():
        print(
            f"{label:14} {result['requests_per_second']:11.0f} {result['p50_ms']:8.2f} "
            f"{result['p99_ms']:8.2f} {result['non_2xx']:8d} "
            f"{result['cpu_us_per_request']:24.0f}"
            + (f"  socket errors: {result['socket_errors']}" if result["socket_errors"] else "")
        )
    met = ratio >= TARGET_RATIO and apply_ratio >= APPLY_TARGET_RATIO
    for name, value, target in [
        ("landing/static", ratio, TARGET_RATIO),
        ("apply/landing", apply_ratio, APPLY_TARGET_RATIO),
    ]:
        verdict = "met" if value >= target else "NOT met"
        print(f"ratio {name}: {value:.2f} (target ≥ {target}: {verdict})")
    if args.strict and not met:
        sys.exit(1)


def cpu_seconds(pid):
    """
    CPU time (user + system) used so far by gunicorn's master and its workers: a cost
    per request that the machine's other load disturbs less than the throughput.
    """
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    for process in [str(pid), *children]:
        try:
            fields = Path(f"/proc/{process}/stat").read_text().rsplit(")", 1)[1].split()
        except FileNotFoundError:  # a worker that just exited
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / ticks


def render_page(path, env, destination, host):
    """
    Write the landing page, as gunicorn will serve it at host, to destination and
    return it (the page's absolute links name the host).
    """
    destination.parent.mkdir(parents=True, exist_ok=True)
    code = (
        "from django.test import Client; "
        f"response = Client().get({path!r}, HTTP_HOST={host!r}); "
        "assert response.status_code == 200, response.status_code; "
        f"open({str(destination)!r}, 'wb').write(response.content)"
    )
    subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", code],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        timeout=120,
        check=True,
    )
    return destination.read_bytes()


def describe(server):
    """Workers and threads as the server's gunicorn.conf.py resolved them."""
    code = (
        "import runpy; c = runpy.run_path('gunicorn.conf.py'); print(c['workers'], c['threads'])"
    )
    output = subprocess.run(
        [sys.executable, "-c", code],
        cwd=BASE_DIR,
        env=server.env,
        capture_output=True,
        text=True,
        timeout=30,
        check=True,
    ).stdout.split()
    return output[0], output[1]


def _maintenance_connection(database_url):
    import dj_database_url
    import psycopg

    config = dj_database_url.parse(database_url)
    return psycopg.connect(
        host=config["HOST"] or None,
        port=config["PORT"] or None,
        user=config["USER"] or None,
        password=config["PASSWORD"] or None,
        dbname="postgres",
        autocommit=True,
    )


def create_database(database_url, name):
    """Create the database `name` on DATABASE_URL's server; return its URL."""
    with _maintenance_connection(database_url) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    return urlunsplit(urlsplit(database_url)._replace(path=f"/{name}"))


def drop_database(database_url, name):
    with _maintenance_connection(database_url) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def forget_redis_keys(redis_url, prefix):
    try:
        import redis

        client = redis.Redis.from_url(redis_url, socket_connect_timeout=2, socket_timeout=2)
        keys = list(client.scan_iter(f"{prefix}:*", count=1000))
        if keys:
            client.delete(*keys)
    except Exception as error:  # the benchmark's figures matter more than the clean-up
        print(f"could not remove the benchmark's Redis keys: {error}", file=sys.stderr)


if __name__ == "__main__":
    main()
