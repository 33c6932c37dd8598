"""
Django's deployment checklist passes with production settings, as the site is started in
production: labsite.settings (not the test settings), read from the environment.
"""

import secrets

from tests.servers import manage, production_env


def production_https_env(tmp_path, **overrides):
    settings = {
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_HTTPS": "1",
        "DJANGO_ALLOWED_HOSTS": "example.org",
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


def test_production_settings_refuse_to_start_without_a_secret_key(tmp_path):
    env = production_https_env(tmp_path, DJANGO_SECRET_KEY=None)

    result = manage("check", env=env, check=False)

    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY is not set" in result.stderr
