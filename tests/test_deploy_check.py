"""
Django's deployment checklist passes with production settings, as the site is started in
production: labsite.settings (not the test settings), read from the environment.
"""

import os
import runpy
import secrets

from tests.servers import BASE_DIR, manage, production_env


def production_https_env(tmp_path, **overrides):
    settings = {
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_HTTPS": "1",
        "DJANGO_ALLOWED_HOSTS": "example.org",
        "SITE_URL": "https://example.org",
        "EMAIL_HOST": "smtp.example.org",
        "DEFAULT_FROM_EMAIL": "Lab <recruiting@example.org>",
    }
    return production_env(tmp_path, **{**settings, **overrides})


def test_deploy_check_with_production_settings_reports_no_issues(tmp_path):
    result = manage(
        "check",
        "--deploy",
        "--fail-level",
        "DEBUG",
        env=production_https_env(tmp_path),
        check=False,
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


def test_deploy_check_flags_a_weak_secret_key(tmp_path):
    """The check above is a real one: a short key makes it fail."""
    env = production_https_env(tmp_path, DJANGO_SECRET_KEY="too-short")

    result = manage("check", "--deploy", "--fail-level", "WARNING", env=env, check=False)

    assert result.returncode != 0
    assert "security.W009" in result.stderr + result.stdout


def test_deploy_check_fails_without_mail_settings(tmp_path):
    env = production_https_env(tmp_path, EMAIL_HOST=None, DEFAULT_FROM_EMAIL=None)

    result = manage("check", "--deploy", env=env, check=False)

    assert result.returncode != 0
    output = result.stderr + result.stdout
    assert "recruiting.E001" in output and "EMAIL_HOST is empty" in output
    assert "recruiting.E002" in output and "DEFAULT_FROM_EMAIL is not set" in output


def test_deploy_check_fails_without_site_url(tmp_path):
    """Links must come from configuration, never from a request's Host: SITE_URL is required."""
    result = manage(
        "check", "--deploy", env=production_https_env(tmp_path, SITE_URL=None), check=False
    )

    assert result.returncode != 0
    output = result.stderr + result.stdout
    assert "recruiting.E003" in output and "SITE_URL is not set" in output


def test_deploy_check_fails_with_a_site_url_that_is_not_an_http_address(tmp_path):
    env = production_https_env(tmp_path, SITE_URL="example.org")

    result = manage("check", "--deploy", env=env, check=False)

    assert result.returncode != 0
    assert "recruiting.E004" in result.stderr + result.stdout


def test_deploy_check_accepts_a_backend_the_operator_chose(tmp_path):
    env = production_https_env(
        tmp_path,
        EMAIL_HOST=None,
        EMAIL_BACKEND="django.core.mail.backends.console.EmailBackend",
    )

    result = manage("check", "--deploy", "--fail-level", "DEBUG", env=env, check=False)

    assert result.returncode == 0, result.stdout + result.stderr


def test_production_without_mail_settings_never_prints_e_mails_to_the_log(tmp_path):
    """Debug off, nothing configured: the e-mail waits (and fails) instead of being logged."""
    env = production_https_env(tmp_path, EMAIL_HOST=None)
    code = (
        "from django.conf import settings; from django.core.mail import send_mail\n"
        "print(settings.EMAIL_BACKEND)\n"
        "try:\n    send_mail('s', 'the body', None, ['a@example.org'])\n"
        "except Exception as error:\n    print('refused:', error)"
    )

    result = manage("shell", "-c", code, env=env, check=False)

    assert "recruiting.emails.UnconfiguredBackend" in result.stdout
    assert "refused: E-mail is not configured" in result.stdout
    assert "the body" not in result.stdout + result.stderr


def test_production_settings_refuse_to_start_without_a_secret_key(tmp_path):
    env = production_https_env(tmp_path, DJANGO_SECRET_KEY=None)

    result = manage("check", env=env, check=False)

    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY is not set" in result.stderr


def gunicorn_settings(monkeypatch, **env):
    for name in list(os.environ):
        if name.startswith("GUNICORN_"):
            monkeypatch.delenv(name)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(BASE_DIR / "gunicorn.conf.py"))


def test_gunicorn_listens_on_loopback_and_trusts_only_loopback_by_default(monkeypatch):
    config = gunicorn_settings(monkeypatch)

    assert config["bind"] == ["127.0.0.1:8000"]
    assert config["forwarded_allow_ips"] == "127.0.0.1,::1"
    assert 3 <= config["workers"] <= 9
    assert config["worker_class"] == "gthread"
    assert config["accesslog"] == "-"
    assert config["timeout"] > 0 and config["graceful_timeout"] > 0


def test_gunicorn_takes_its_settings_from_the_environment(monkeypatch):
    config = gunicorn_settings(
        monkeypatch,
        GUNICORN_BIND="10.0.0.5:8000",
        GUNICORN_WORKERS="3",
        GUNICORN_THREADS="1",
        GUNICORN_FORWARDED_ALLOW_IPS="10.0.0.2",
    )

    assert config["bind"] == ["10.0.0.5:8000"]
    assert config["workers"] == 3
    assert config["worker_class"] == "sync"
    assert config["forwarded_allow_ips"] == "10.0.0.2"
