"""
"E-mail me the status link again": the button under a duplicate refusal posts the form's
e-mail address and position to its own address, /apply/status-link/. The worker looks
the address up, so the answer is the same whether or not the address applied.
"""

import pytest
from django.test import Client, override_settings

from recruiting.models import Application, Message
from tests.factories import ApplicationFactory
from tests.submissions import application_data, submit

URL = "/en/apply/status-link/"


@pytest.fixture
def earlier(lab):
    return ApplicationFactory(position=lab.ra, email="Li.Hua@Example.edu.cn", language="zh-hans")


def ask(client, lab, url=URL, **overrides):
    """Press the button: the application form, as typed, without its CV."""
    return client.post(url, application_data(lab, cv=None, **overrides))


def test_asking_again_for_the_status_link_e_mails_it_to_the_address_applied_with(
    client, lab, earlier, mailoutbox, run_worker
):
    response = ask(client, lab)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Check your e-mail" in html
    assert "we will send the link to its status page to that address" in html
    assert earlier.token not in html
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]
    assert mailoutbox == [], "the worker sends it, not the request"
    [mail] = run_worker()
    assert mail.to == ["Li.Hua@Example.edu.cn"]  # the stored address, not the typed one
    assert mail.subject == "你的申请状态页面：研究助理（RA）"  # the language applied in
    assert f"http://testserver/apply/status/{earlier.token}/" in mail.body
    assert Application.objects.count() == 1


@pytest.mark.parametrize(
    ("url", "heading", "other_language"),
    [
        ("/apply/status-link/", "请查收邮件", 'href="/en/apply/"'),
        ("/en/apply/status-link/", "Check your e-mail", 'href="/apply/"'),
    ],
)
def test_the_status_link_is_asked_for_in_the_pages_language(
    client, lab, earlier, run_worker, url, heading, other_language
):
    response = ask(client, lab, url)
    assert response.status_code == 200
    html = response.content.decode()
    assert f"<h1>{heading}</h1>" in html
    # The language links lead to the form: this address only answers a POST.
    assert other_language in html
    assert "status-link/" not in html
    assert len(run_worker()) == 1


def test_asking_for_a_status_link_that_does_not_exist_sends_nothing_and_says_the_same(
    client, lab, run_worker
):
    response = ask(client, lab, email="nobody@example.com")
    assert response.status_code == 200
    assert "Check your e-mail" in response.content.decode()
    assert run_worker() == []
    assert not Message.objects.exists()


def test_the_status_link_request_does_the_same_work_whether_or_not_the_address_applied(
    client, lab, earlier, django_assert_num_queries
):
    """No who-applied oracle: the same statements, the same page, applied or not."""
    answers = []
    for email in ["li.hua@example.edu.cn", "nobody@example.com"]:
        with django_assert_num_queries(1) as captured:  # the task, for the worker
            response = ask(client, lab, email=email)
        answers.append(
            (
                response.status_code,
                response.content.decode().replace(email, "ADDRESS"),
                [query["sql"].split(" ", 3)[:3] for query in captured.captured_queries],
            )
        )
    assert answers[0] == answers[1]
    assert not Message.objects.exists(), "the request queues no e-mail itself"


def test_the_link_of_an_application_that_ended_is_sent_too_so_it_can_be_deleted(
    client, lab, earlier, run_worker
):
    earlier.move_to(Application.Stage.WITHDRAWN)
    ask(client, lab)
    (sent,) = run_worker()
    assert f"/apply/status/{earlier.token}/" in sent.body


def test_a_malformed_request_for_the_status_link_is_a_bad_request(client, lab, run_worker):
    response = client.post(URL, {"email": "x"})
    assert response.status_code == 400
    assert run_worker() == []


@override_settings(APPLY_RATE_LIMIT=2)
def test_the_status_link_is_sent_to_one_address_a_limited_number_of_times(
    client, lab, earlier, run_worker
):
    data = application_data(lab, cv=None)
    for n in range(4):  # from four different networks
        response = client.post(URL, data, REMOTE_ADDR=f"198.51.100.{n + 1}")
        assert response.status_code == 200, "the same answer, sent or not"
    assert len(run_worker()) == 2


@override_settings(APPLY_RATE_LIMIT=2)
def test_asking_for_status_links_counts_with_the_applications_from_the_same_network(
    client, lab, earlier, run_worker
):
    for email in ["li.hua@example.edu.cn", "nobody@example.com"]:
        assert ask(client, lab, email=email).status_code == 200
    response = ask(client, lab, email="someone@example.com")
    assert response.status_code == 429
    assert "Too many attempts" in response.content.decode()
    assert 'href="/apply/" hreflang="zh-Hans"' in response.content.decode()
    assert submit(client, lab, email="new@example.com").status_code == 429
    assert len(run_worker()) == 1  # the first request's, for the address that applied


def test_a_request_for_the_status_link_without_the_csrf_token_is_forbidden(
    lab, earlier, run_worker
):
    client = Client(enforce_csrf_checks=True)
    response = client.post(URL, application_data(lab, cv=None))
    assert response.status_code == 403
    assert run_worker() == []


def test_a_request_for_the_status_link_with_the_token_of_the_refused_form_is_accepted(
    lab, earlier, run_worker
):
    client = Client(enforce_csrf_checks=True)
    token = client.get("/en/apply/").context["csrf_token"]
    data = {**application_data(lab, cv=None), "csrfmiddlewaretoken": token}
    assert client.post(URL, data).status_code == 200
    assert len(run_worker()) == 1


@pytest.mark.parametrize("method", ["put", "delete", "patch"])
def test_the_status_link_address_answers_only_get_and_post(
    client, lab, earlier, run_worker, method
):
    response = getattr(client, method)(URL)
    assert response.status_code == 405
    assert response["Allow"] == "GET, HEAD, POST"
    assert run_worker() == []


def test_the_lost_link_page_asks_for_the_address_and_any_position(client, lab, earlier):
    earlier.position.is_open = False
    earlier.position.save()
    response = client.get(URL)
    html = response.content.decode()
    assert response.status_code == 200
    assert 'for="id_email"' in html
    assert f'<option value="{earlier.position.slug}">' in html  # closed positions too
    assert "never shown on this page" in html


def test_the_lost_link_page_sends_the_link_and_says_the_same_as_for_nobody(
    client, lab, earlier, run_worker
):
    data = {"email": earlier.email.upper(), "position": earlier.position.slug}
    known = client.post(URL, data).content.decode()
    unknown = client.post(URL, {**data, "email": "nobody@example.com"}).content.decode()
    assert known.replace(earlier.email.upper(), "X") == unknown.replace("nobody@example.com", "X")
    (sent,) = run_worker()
    assert sent.to == [earlier.email]
