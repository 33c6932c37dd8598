"""
The honeypot: a bot that fills the hidden field is answered as an applicant is (a 302 to
a thank-you page, then a status page, both of the same shape), and nothing is saved.
"""

import logging
import re

import pytest
import time_machine
from django.test import Client

from recruiting.models import Application, Message
from tests.factories import stored_files
from tests.submissions import submit

THANKS = re.compile(r"/en/apply/thanks/([A-Za-z0-9_-]{32})/")


def visible_text(response, token):
    """What a client could compare: the page's text and links, its token blanked out."""
    html = response.content.decode().replace(token, "TOKEN")
    html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", html)
    return " ".join(re.sub(r"<[^>]+>", " ", html).split()), re.findall(r'href="([^"]*)"', html)


def journey(client, lab, **overrides):
    """Send the form, follow the redirect and the status link: what a client sees."""
    sent = submit(client, lab, **overrides)
    token = THANKS.fullmatch(sent["Location"]).group(1)
    thanks = client.get(sent["Location"])
    status = client.get(f"/en/apply/status/{token}/")
    return {
        "sent": (sent.status_code, THANKS.sub("/en/apply/thanks/TOKEN/", sent["Location"])),
        "pages": [
            (
                page.status_code,
                page["Cache-Control"],
                page["X-Robots-Tag"],
                visible_text(page, token),
            )
            for page in (thanks, status)
        ],
    }


@time_machine.travel("2026-11-29 10:00:00+08:00", tick=False)
def test_a_bot_caught_by_the_honeypot_sees_what_an_applicant_sees(lab):
    applicant = journey(Client(), lab)
    bot = journey(Client(), lab, email="bot@example.com", website="https://spam.example/")

    assert applicant["sent"] == bot["sent"] == (302, "/en/apply/thanks/TOKEN/")
    assert applicant["pages"] == bot["pages"]
    thanks_text, status_text = bot["pages"][0][3][0], bot["pages"][1][3][0]
    assert f"Your application for {lab.ra.title} has been received." in thanks_text
    assert "/en/apply/status/TOKEN/" in thanks_text
    assert "Submitted Nov. 29, 2026 Current stage New" in status_text
    assert [status for status, *_ in bot["pages"]] == [200, 200]
    assert Application.objects.count() == 1  # the applicant's only


def test_a_filled_honeypot_saves_nothing_and_queues_no_e_mail(
    client, lab, cv_storage, mailoutbox, django_capture_on_commit_callbacks, caplog
):
    with caplog.at_level(logging.INFO), django_capture_on_commit_callbacks(execute=True):
        response = submit(client, lab, website="https://spam.example/")
    assert response.status_code == 302
    assert not Application.objects.exists()
    assert not Message.objects.exists()
    assert stored_files(cv_storage) == []
    assert mailoutbox == []
    assert "application refused by the honeypot" in caplog.messages
    assert "spam.example" not in " ".join(caplog.messages)


def test_the_honeypot_answers_the_same_even_when_the_rest_is_invalid(client, lab):
    response = submit(client, lab, "/apply/", website="x", criteria=None, email="bad")
    assert response.status_code == 302
    assert re.fullmatch(r"/apply/thanks/[A-Za-z0-9_-]{32}/", response["Location"])
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert lab.ra.title_zh_hans in page.content.decode()
    assert not Application.objects.exists()


@pytest.mark.parametrize("page", ["thanks", "status"])
def test_a_forged_decoy_token_is_a_404(client, lab, page):
    token = THANKS.fullmatch(submit(client, lab, website="x")["Location"]).group(1)
    forged = token[:20] + ("A" if token[20] != "A" else "B") + token[21:]
    assert client.get(f"/en/apply/{page}/{token}/").status_code == 200
    assert client.get(f"/en/apply/{page}/{forged}/").status_code == 404


def test_an_empty_honeypot_does_not_stop_a_real_applicant(client, lab):
    assert submit(client, lab, website="   ").status_code == 302
    assert Application.objects.count() == 1
