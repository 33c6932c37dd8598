"""
`pip install .` gives a working site without the checkout: the wheel carries the
templates, static files, translations and gunicorn's configuration.

The wheel is built from a copy of the sources (nothing is written into the checkout),
installed into a fresh virtualenv outside the checkout and run from a folder outside it,
with production settings. Its dependencies are not downloaded again: a path line in a .pth
file makes the checkout venv's site-packages importable. Python does not process the .pth
files of a directory added that way, so the checkout's editable install of the site does
not leak in (the test checks where `labsite` and `recruiting` come from).
"""

import importlib
import re
import runpy
import shutil
import subprocess
import sysconfig
import time
from pathlib import Path

import pytest

from tests.servers import BASE_DIR, PYTHON, Server, free_port, production_env

pytestmark = pytest.mark.slow

# What a wheel is built from; the rest of the checkout (tests, docs, state) is not needed.
NOT_SOURCES = shutil.ignore_patterns(
    ".*", "__pycache__", "*.egg-info", "build", "dist", "var", "tests", "docs", "scripts",
    "node_modules",
)  # fmt: skip


def run(command, **kwargs):
    result = subprocess.run(command, capture_output=True, text=True, timeout=300, **kwargs)
    assert result.returncode == 0, f"{command} failed:\n{result.stdout}\n{result.stderr}"
    return result.stdout


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    """A fresh virtualenv with the site's wheel installed; returns its python."""
    work = tmp_path_factory.mktemp("packaging")
    shutil.copytree(BASE_DIR, work / "src", ignore=NOT_SOURCES)
    # Offline: the build backend is the setuptools of this venv (the test extra pins it).
    run([PYTHON, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--no-index",
         "--wheel-dir", work / "dist", work / "src"])  # fmt: skip
    (wheel,) = (work / "dist").glob("labsite-*.whl")

    venv = work / "venv"
    run([PYTHON, "-m", "venv", "--without-pip", venv])
    python = venv / "bin" / "python"
    run([PYTHON, "-m", "pip", "--python", python, "install", "--no-deps", "--no-index", wheel])
    site_packages = Path(
        run([python, "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"]).strip()
    )
    (site_packages / "checkout-venv-dependencies.pth").write_text(
        sysconfig.get_path("purelib") + "\n"
    )
    shutil.rmtree(work / "src")  # from here on, only the installed copy exists
    return python


@pytest.fixture
def site(installed, tmp_path):
    """Runs `django-admin` (python -m django) of the installed site, in a folder of tmp_path."""
    (tmp_path / "run").mkdir()

    def django_admin(*args, **env_overrides):
        env = production_env(tmp_path, VIRTUAL_ENV=None, **env_overrides)
        return run([installed, "-m", "django", *args], cwd=tmp_path / "run", env=env)

    return django_admin


def test_in_a_checkout_the_config_module_holds_the_settings_of_gunicorn_conf_py():
    """`-c python:labsite.gunicorn_conf` means the same in a checkout as installed."""
    top = runpy.run_path(str(BASE_DIR / "gunicorn.conf.py"))
    module = importlib.import_module("labsite.gunicorn_conf")

    names = ("bind", "workers", "threads", "worker_class", "keepalive", "preload_app")
    assert {name: getattr(module, name) for name in names} == {name: top[name] for name in names}
    assert module.logger_class.__name__ == "JsonAccessLogger"


def test_the_installed_site_imports_from_the_fresh_virtualenv(installed, tmp_path):
    code = (
        "import django, labsite, recruiting, django.conf as c;"
        "print(labsite.__file__); print(recruiting.__file__); print(django.__file__);"
        "print(c.settings.BASE_DIR)"
    )
    env = production_env(tmp_path, VIRTUAL_ENV=None)
    output = run([installed, "-c", code], cwd=tmp_path, env=env).splitlines()

    venv = installed.parent.parent
    labsite_file, recruiting_file, django_file, base_dir = map(Path, output)
    assert labsite_file.is_relative_to(venv) and recruiting_file.is_relative_to(venv)
    assert not django_file.is_relative_to(venv)  # the dependencies: through the .pth line
    assert base_dir == labsite_file.parent
    for resource in ("templates/base.html", "static/css/site.css",
                     "locale/zh_Hans/LC_MESSAGES/django.mo", "gunicorn_conf.py"):  # fmt: skip
        assert (base_dir / resource).is_file(), resource


def test_the_installed_site_passes_the_deploy_check_and_serves_the_landing_page_with_its_css(
    site, installed, tmp_path
):
    site("migrate", "--noinput")
    site("seed_content")
    site("collectstatic", "--noinput")
    check = site(
        "check",
        "--deploy",
        "--fail-level",
        "DEBUG",
        DJANGO_HTTPS="1",
        DJANGO_ALLOWED_HOSTS="example.org",
        SITE_URL="https://example.org",
        EMAIL_HOST="smtp.example.org",
        DEFAULT_FROM_EMAIL="Lab <recruiting@example.org>",
    )
    assert "System check identified no issues (0 silenced)." in check

    port = free_port()
    env = production_env(
        tmp_path,
        VIRTUAL_ENV=None,
        GUNICORN_BIND=f"127.0.0.1:{port}",
        SITE_URL=f"http://127.0.0.1:{port}",
    )
    log_path = tmp_path / "gunicorn.log"
    with open(log_path, "wb") as log:
        process = subprocess.Popen(
            [installed, "-m", "gunicorn", "-c", "python:labsite.gunicorn_conf", "labsite.wsgi"],
            cwd=tmp_path / "run",
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    server = Server(port, env, process, log_path)
    try:
        wait_until_healthy(server)
        status, _, body = server.get("/")
        page = body.decode()
        stylesheets = re.findall(r'<link rel="stylesheet" href="([^"]+)"', page)
        css = [server.get(href) for href in stylesheets]
    finally:
        server.stop()

    assert '"logger": "gunicorn.access"' in server.log()  # gunicorn.conf.py's JSON access log
    assert status == 200
    assert '<html lang="zh-Hans">' in page
    assert "北大国际机器学习研究中心张文涛教授团队" in page  # the lab's content (seed_content)
    assert "导师简介" in page and "立即申请" in page  # the template's words, translated (.mo)
    assert any("/static/css/site." in href for href in stylesheets), stylesheets
    assert [(status, headers["content-type"].split(";")[0]) for status, headers, _ in css] == [
        (200, "text/css")
    ] * len(stylesheets)


def wait_until_healthy(server, wait=30):
    deadline = time.monotonic() + wait
    while time.monotonic() < deadline:
        assert server.is_running(), server.log()
        try:
            if server.get("/healthz", timeout=2)[0] == 200:
                return
        except OSError:
            pass
        time.sleep(0.1)
    raise AssertionError(f"gunicorn not healthy after {wait}s:\n{server.log()}")
