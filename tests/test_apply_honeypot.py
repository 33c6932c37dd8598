"""The honeypot: a bot that fills the hidden field is answered as if all went well."""

import logging

from recruiting.models import Application
from tests.factories import stored_files
from tests.submissions import submit


def test_a_filled_honeypot_looks_accepted_but_saves_nothing(
    client, lab, cv_storage, mailoutbox, django_capture_on_commit_callbacks, caplog
):
    with caplog.at_level(logging.INFO), django_capture_on_commit_callbacks(execute=True):
        response = submit(client, lab, website="https://spam.example/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Your application has been received." in html
    assert "/apply/status/" not in html
    assert not Application.objects.exists()
    assert stored_files(cv_storage) == []
    assert mailoutbox == []
    assert "application refused by the honeypot" in caplog.messages
    assert "spam.example" not in " ".join(caplog.messages)


def test_the_honeypot_answers_the_same_even_when_the_rest_is_invalid(client, lab):
    response = submit(client, lab, "/apply/", website="x", criteria=None, email="bad")
    assert response.status_code == 200
    assert "我们已收到你的申请。" in response.content.decode()
    assert not Application.objects.exists()


def test_an_empty_honeypot_does_not_stop_a_real_applicant(client, lab):
    assert submit(client, lab, website="   ").status_code == 302
    assert Application.objects.count() == 1
