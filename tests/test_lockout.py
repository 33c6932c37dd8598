"""
The admin login locks out a user name from one address after five failed passwords
(django-axes), even for the right password, until the cool-off or an unlock command.
"""

from django.core.management import call_command

from tests.factories import STAFF_PASSWORD, StaffFactory

LOGIN = "/admin/login/"


def log_in(client, username="editor", password=STAFF_PASSWORD, **extra):
    return client.post(
        LOGIN, {"username": username, "password": password, "next": "/admin/"}, **extra
    )


def fail_five_times(client, username="editor", **extra):
    """Four failures get the form again; the fifth locks the user out from here."""
    statuses = [
        log_in(client, username, "a-wrong-password", **extra).status_code for _ in range(5)
    ]
    assert statuses == [200, 200, 200, 200, 429]


def is_logged_in(client):
    return "_auth_user_id" in client.session


def test_the_right_password_logs_in(client, editor):
    response = log_in(client)

    assert response.status_code == 302
    assert is_logged_in(client)


def test_sixth_attempt_is_refused_with_the_lockout_page_even_with_the_right_password(
    client, editor
):
    fail_five_times(client)

    response = log_in(client)

    assert response.status_code == 429
    assert "尝试次数过多" in response.content.decode()  # "Too many attempts"
    assert not is_logged_in(client)


def test_axes_reset_username_unlocks_the_user(client, editor):
    fail_five_times(client)
    assert log_in(client).status_code == 429

    call_command("axes_reset_username", "editor")

    assert log_in(client).status_code == 302
    assert is_logged_in(client)


def test_axes_reset_unlocks_everyone(client, editor):
    fail_five_times(client)

    call_command("axes_reset")

    assert log_in(client).status_code == 302


def test_another_user_from_the_same_address_is_not_locked_out(client, editor):
    StaffFactory(username="reviewer")
    fail_five_times(client)

    assert log_in(client, "reviewer").status_code == 302


def test_the_same_user_from_another_address_is_not_locked_out(client, editor):
    fail_five_times(client, REMOTE_ADDR="198.51.100.7")

    assert log_in(client, REMOTE_ADDR="198.51.100.7").status_code == 429
    assert log_in(client, REMOTE_ADDR="198.51.100.8").status_code == 302
