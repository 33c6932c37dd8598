"""The privacy notice the form links to: what, why, who, how long, how to delete."""

import pytest
from django.test import override_settings

from recruiting.models import Lab

pytestmark = pytest.mark.django_db


def main(client, url):
    response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    return html[html.index("<main") : html.index("</main>")]


def test_the_privacy_notice_in_english_answers_the_five_questions(client):
    html = main(client, "/en/privacy/")
    for heading in [
        "What we collect",
        "Why",
        "Who sees it",
        "How long it is kept",
        "Seeing, correcting, withdrawing or deleting your application",
    ]:
        assert f">{heading}</h2>" in html
    assert "Only the lab's reviewers" in html
    assert "365 days after it" in html
    assert "Version 2 of this notice." in html


def test_the_privacy_notice_in_chinese(client):
    html = main(client, "/privacy/")
    for heading in [
        "我们收集哪些信息",
        "用途",
        "谁能看到",
        "保存多久",
        "查看、更正、撤回或删除你的申请",
    ]:
        assert f">{heading}</h2>" in html
    assert "再保存 365 天" in html
    assert "本声明第 2 版。" in html


@override_settings(APPLICATION_RETENTION_DAYS=90, PRIVACY_NOTICE_VERSION="3")
def test_the_retention_period_and_version_come_from_the_settings(client):
    assert "90 days after it" in main(client, "/en/privacy/")
    assert "Version 3 of this notice." in main(client, "/en/privacy/")
    assert "再保存 90 天" in main(client, "/privacy/")


@override_settings(DEFAULT_FROM_EMAIL="Lab Recruiting <recruiting@lab.example>")
def test_the_notice_says_the_status_page_corrects_withdraws_and_deletes(client):
    html = main(client, "/en/privacy/")
    assert "confirmation e-mail from Lab Recruiting &lt;recruiting@lab.example&gt;" in html
    assert "withdraw it, until the lab has made its decision" in html
    assert "have it deleted at once" in html
    assert '<a href="/en/apply/status-link/">Have it e-mailed again</a>' in html


def test_without_a_contact_address_the_notice_gives_no_address_of_its_own(client):
    html = main(client, "/en/privacy/")
    assert "mailto:" not in html
    assert "@" not in html.replace("webmaster@localhost", "")


def test_the_labs_contact_address_is_where_to_ask_once_editors_set_it(client):
    Lab.objects.create(name="Group", institution="PKU", tagline="t", email="lab@pku.example")
    html = main(client, "/en/privacy/")
    assert "Write to the lab at lab@pku.example" in html
    assert "lab@pku.example" in main(client, "/privacy/")


@pytest.mark.parametrize("url", ["/privacy/", "/en/privacy/"])
def test_the_privacy_notice_costs_one_query(client, url, django_assert_num_queries):
    with django_assert_num_queries(1):  # the lab's contact address
        html = main(client, url)
    assert "365" in html
