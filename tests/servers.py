"""
Real gunicorn instances of the site, with production settings, for tests and benchmarks.

    env = production_env(tmp_path)            # SQLite, cache, media and static under tmp_path
    prepare(env)                              # migrate, seed_content, collectstatic
    with running(free_port(), env) as server: # waits until /healthz answers
        status, headers, body = server.get("/")
        browser = Browser()                   # keeps the cookies the site sets
        browser.get(server, "/apply/")

Worker(env, log_path) runs `manage.py run_worker` the same way.

Production settings means labsite.settings (not the test settings), DJANGO_DEBUG=0, a
test secret, plain HTTP (DJANGO_HTTPS=0) unless the caller says otherwise, and only
127.0.0.1 and localhost as hosts. The environment is built from scratch, so nothing of
the test process (its DATABASE_URL, its settings module) leaks into the server.
"""

import http.client
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlencode

BASE_DIR = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
TEST_SECRET_KEY = "servers-py-test-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz"
PASSED_THROUGH = ("PATH", "HOME", "LANG", "LC_ALL", "TMPDIR", "VIRTUAL_ENV")


def production_env(tmp_dir, **overrides):
    """
    The environment of a production instance whose state lives under tmp_dir: a SQLite
    database, the file cache, uploaded files and collected static files. Pass
    DATABASE_URL, REDIS_URL… as keyword arguments to share them between instances; a
    value of None removes the variable.
    """
    tmp_dir = Path(tmp_dir)
    env = {name: os.environ[name] for name in PASSED_THROUGH if name in os.environ}
    env.update(
        DJANGO_SETTINGS_MODULE="labsite.settings",
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY=TEST_SECRET_KEY,
        DJANGO_HTTPS="0",
        DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost",
        SITE_URL="http://localhost",  # required with debug off (check --deploy)
        DATABASE_URL=f"sqlite:///{tmp_dir / 'db.sqlite3'}",
        CACHE_DIR=str(tmp_dir / "cache"),
        MEDIA_ROOT=str(tmp_dir / "media"),
        PUBLIC_MEDIA_ROOT=str(tmp_dir / "public"),
        STATIC_ROOT=str(tmp_dir / "static"),
        PYTHONDONTWRITEBYTECODE="1",
        GUNICORN_WORKERS="2",
        GUNICORN_THREADS="2",
        GUNICORN_GRACEFUL_TIMEOUT="5",
    )
    for name, value in overrides.items():
        if value is None:
            env.pop(name, None)
        else:
            env[name] = str(value)
    return env


def manage(*args, env, timeout=300, check=True):
    """Run manage.py with the given environment; returns the CompletedProcess."""
    result = subprocess.run(
        [PYTHON, "manage.py", *args],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    if check and result.returncode != 0:
        raise RuntimeError(
            f"manage.py {' '.join(args)} failed ({result.returncode}):\n"
            f"{result.stdout}\n{result.stderr}"
        )
    return result


def prepare(env, *, seed=True, admin_password=None):
    """
    What a new instance runs before it serves: migrate and collectstatic; then the lab's
    content unless seed=False, and a superuser "admin" if given admin_password.
    """
    manage("migrate", "--noinput", env=env)
    manage("collectstatic", "--noinput", env=env)
    if seed:
        manage("seed_content", env=env)
    if admin_password:
        manage(
            "createsuperuser",
            "--noinput",
            "--username",
            "admin",
            "--email",
            "admin@example.org",
            env={**env, "DJANGO_SUPERUSER_PASSWORD": admin_password},
        )


def port_is_free(port):
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        return sock.connect_ex(("127.0.0.1", port)) != 0


def free_port():
    """A loopback port nothing listens on, chosen by the kernel: no clash between runs."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def connection_holder(server_port, client_port, pids):
    """
    Which of the processes `pids` holds the server's end of the connection made from
    127.0.0.1:client_port to 127.0.0.1:server_port (None until one accepted it): read
    from /proc, so a test can wait for it instead of guessing with a sleep.
    """
    inode = None
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        fields = line.split()
        local_port = int(fields[1].rsplit(":", 1)[1], 16)
        remote_port = int(fields[2].rsplit(":", 1)[1], 16)
        if (local_port, remote_port) == (server_port, client_port) and fields[9] != "0":
            inode = fields[9]
    if inode is None:
        return None
    for pid in pids:
        try:
            for fd in Path(f"/proc/{pid}/fd").iterdir():
                try:
                    if os.readlink(fd) == f"socket:[{inode}]":
                        return pid
                except OSError:  # closed while we looked
                    pass
        except FileNotFoundError:  # the process is gone
            pass
    return None


class Server:
    """A gunicorn instance of the site on 127.0.0.1:port, started by start()."""

    def __init__(self, port, env, process, log_path):
        self.port = port
        self.env = env
        self.process = process
        self.log_path = log_path

    @property
    def url(self):
        return f"http://127.0.0.1:{self.port}"

    def request(self, method, path, body=None, headers=None, timeout=10):
        """One HTTP request; returns (status, headers as a lower-cased dict, body bytes)."""
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        try:
            connection.request(method, path, body=body, headers=headers or {})
            response = connection.getresponse()
            raw_headers = response.getheaders()
            content = response.read()
        finally:
            connection.close()
        headers_dict = {}
        for name, value in raw_headers:
            name = name.lower()
            headers_dict[name] = (
                f"{headers_dict[name]}\n{value}" if name in headers_dict else value
            )
        return response.status, headers_dict, content

    def get(self, path, headers=None, timeout=10):
        return self.request("GET", path, headers=headers, timeout=timeout)

    def log(self):
        """Everything the instance wrote so far (gunicorn's and Django's logs)."""
        return self.log_path.read_text(errors="replace")

    def is_running(self):
        return self.process.poll() is None

    def stop(self, timeout=15):
        """Graceful stop (SIGTERM), then SIGKILL to the whole process group if needed."""
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=5)


def start(port, env, *, wait=30, extra_args=()):
    """
    Start gunicorn with gunicorn.conf.py on 127.0.0.1:port and wait (at most `wait`
    seconds) until /healthz answers 200. Raises, with the server's log, if the port is
    taken, the server dies or never becomes healthy.
    """
    if not port_is_free(port):
        raise RuntimeError(f"port {port} is already in use")
    env = {**env, "GUNICORN_BIND": f"127.0.0.1:{port}"}
    log_file = tempfile.NamedTemporaryFile(  # the Server owns it
        prefix=f"gunicorn-{port}-", suffix=".log", delete=False
    )
    log_path = Path(log_file.name)
    process = subprocess.Popen(
        [PYTHON, "-m", "gunicorn", "-c", "gunicorn.conf.py", *extra_args, "labsite.wsgi"],
        cwd=BASE_DIR,
        env=env,
        stdout=log_file,
        stderr=subprocess.STDOUT,
        start_new_session=True,  # its own process group: stop() ends it and its workers
    )
    log_file.close()
    server = Server(port, env, process, log_path)
    deadline = time.monotonic() + wait
    last_error = None
    while time.monotonic() < deadline:
        if not server.is_running():
            raise RuntimeError(f"gunicorn on port {port} exited:\n{server.log()}")
        try:
            status, _, body = server.get("/healthz", timeout=2)
            if status == 200:
                return server
            last_error = f"/healthz answered {status}: {body[:300]!r}"
        except OSError as error:
            last_error = repr(error)
        time.sleep(0.1)
    server.stop()
    raise RuntimeError(
        f"gunicorn on port {port} not healthy after {wait}s ({last_error}):\n{server.log()}"
    )


@contextmanager
def running(port, env, **kwargs):
    """start() as a context manager: the server is stopped however the block ends."""
    server = start(port, env, **kwargs)
    try:
        yield server
    finally:
        server.stop()


class Browser:
    """A client that keeps the cookies the site sets, across requests and instances."""

    def __init__(self):
        self.cookies = {}

    def cookie_header(self):
        return "; ".join(f"{name}={value}" for name, value in self.cookies.items())

    def request(self, server, method, path, body=None, headers=None, timeout=10):
        headers = dict(headers or {})
        if self.cookies:
            headers["Cookie"] = self.cookie_header()
        status, response_headers, content = server.request(method, path, body, headers, timeout)
        for line in response_headers.get("set-cookie", "").split("\n"):
            name, _, value = line.split(";", 1)[0].partition("=")
            if name.strip():
                self.cookies[name.strip()] = value.strip()
        return status, response_headers, content

    def get(self, server, path, timeout=10):
        return self.request(server, "GET", path, timeout=timeout)

    def post_form(self, server, path, fields):
        body = urlencode(fields, doseq=True)
        headers = {"Content-Type": "application/x-www-form-urlencoded"}
        return self.request(server, "POST", path, body, headers)


class Worker:
    """`manage.py run_worker` in its own process group; its output goes to log_path."""

    def __init__(self, env, log_path, interval=0.1):
        self.log_path = log_path
        with open(log_path, "wb") as log:
            self.process = subprocess.Popen(
                [PYTHON, "manage.py", "run_worker", "--interval", str(interval)],
                cwd=BASE_DIR,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    def kill(self, timeout=120):
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=timeout)

    def stop(self, timeout=120):
        """SIGTERM: the worker ends the task it is running, then exits."""
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.kill()

    def log(self):
        return self.log_path.read_text(errors="replace")
