"""
The admin login locks out a user name from one address (an IPv6 client per /64) after
five failed passwords (django-axes), and from every address after twenty failures from
anywhere (recruiting.lockout), even for the right password, until the cool-off or an
unlock command.
"""

import datetime

import time_machine
from django.core.management import call_command

from recruiting.clientip import address_block
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


# --- IPv6 clients per /64 ------------------------------------------------------------

ONE_SUBSCRIBER = [f"2001:db8:1:2::{n:x}" for n in range(1, 7)]  # one /64


def test_address_block_is_an_ipv6_clients_64_and_an_ipv4_address_itself():
    assert address_block("2001:db8:1:2:ffff:ffff:ffff:ffff") == "2001:db8:1:2::"
    assert address_block("2001:DB8:1:2::a") == "2001:db8:1:2::"
    assert address_block("::ffff:203.0.113.7") == "203.0.113.7"
    assert address_block("203.0.113.7") == "203.0.113.7"
    assert address_block("not an address") == "not an address"


def test_wrong_passwords_from_addresses_of_one_ipv6_64_lock_the_whole_64(client, editor):
    statuses = [
        log_in(client, password="a-wrong-password", REMOTE_ADDR=address).status_code
        for address in ONE_SUBSCRIBER[:5]
    ]

    assert statuses == [200, 200, 200, 200, 429]
    assert log_in(client, REMOTE_ADDR=ONE_SUBSCRIBER[5]).status_code == 429
    assert not is_logged_in(client)
    # Another subscriber (another /64) is not locked out by this one.
    assert log_in(client, REMOTE_ADDR="2001:db8:1:3::1").status_code == 302


def test_four_addresses_of_one_64_five_times_each_then_the_right_password_is_refused(
    client, editor
):
    for address in ONE_SUBSCRIBER[:4]:
        for _ in range(5):
            log_in(client, password="a-wrong-password", REMOTE_ADDR=address)

    response = log_in(client, REMOTE_ADDR=ONE_SUBSCRIBER[4])

    assert response.status_code == 429
    assert not is_logged_in(client)


# --- The ceiling per account (AXES_ACCOUNT_FAILURE_LIMIT) ------------------------------


def fail_from_new_addresses(client, count, username="editor"):
    """`count` wrong passwords for `username`, each from an IPv4 address of its own."""
    return [
        log_in(client, username, "a-wrong-password", REMOTE_ADDR=f"198.51.100.{n}").status_code
        for n in range(1, count + 1)
    ]


def test_wrong_passwords_from_many_addresses_lock_the_account_everywhere(client, editor, settings):
    settings.AXES_ACCOUNT_FAILURE_LIMIT = 20
    StaffFactory(username="reviewer")

    statuses = fail_from_new_addresses(client, 21)

    # The 20th failure locks the account, and answers with the lockout page.
    assert statuses == [200] * 19 + [429, 429]
    response = log_in(client, REMOTE_ADDR="203.0.113.99")
    assert response.status_code == 429
    assert "尝试次数过多" in response.content.decode()  # "Too many attempts"
    assert not is_logged_in(client)
    # Another account, from the very addresses that failed, is not affected.
    assert log_in(client, "reviewer", REMOTE_ADDR="198.51.100.1").status_code == 302


def test_axes_reset_username_lifts_the_accounts_lockout(client, editor, settings):
    settings.AXES_ACCOUNT_FAILURE_LIMIT = 20
    fail_from_new_addresses(client, 21)
    assert log_in(client, REMOTE_ADDR="203.0.113.99").status_code == 429

    call_command("axes_reset_username", "editor")

    assert log_in(client, REMOTE_ADDR="203.0.113.99").status_code == 302
    assert is_logged_in(client)


def test_the_account_ceiling_follows_the_setting(client, editor, settings):
    settings.AXES_ACCOUNT_FAILURE_LIMIT = 3

    assert fail_from_new_addresses(client, 3) == [200, 200, 429]
    assert log_in(client, REMOTE_ADDR="203.0.113.99").status_code == 429


def test_failures_older_than_the_cool_off_do_not_count_towards_the_account(
    client, editor, settings
):
    settings.AXES_ACCOUNT_FAILURE_LIMIT = 3
    settings.AXES_COOLOFF_TIME = 1  # hour
    with time_machine.travel("2026-03-02 09:00 +0000", tick=False) as traveller:
        fail_from_new_addresses(client, 2)
        traveller.shift(datetime.timedelta(minutes=61))

        # Only the failures of the last hour count: the third of them locks.
        assert fail_from_new_addresses(client, 3) == [200, 200, 429]


# --- Over-long user names ------------------------------------------------------------


def test_a_user_name_longer_than_axes_column_is_an_ordinary_failed_login(client, editor):
    name = "x" * 256

    response = log_in(client, name, "a-wrong-password")

    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert not is_logged_in(client)


def test_failures_with_an_over_long_user_name_count_towards_the_lockout(client, db):
    name = "x" * 256

    statuses = [log_in(client, name, "a-wrong-password").status_code for _ in range(5)]

    assert statuses == [200, 200, 200, 200, 429]
