"""
Friendly error pages in the page's language: 400, 403 (and the CSRF failure), 503 when
the database is down — and on a submitted application, a 503 that says it was NOT saved,
with nothing of it left behind.
"""

import re
from html import unescape
from urllib.parse import unquote, urlsplit

import pytest
from django.conf import settings
from django.test import Client, RequestFactory
from django.utils import translation

from recruiting import views
from recruiting.models import Application, Claim
from tests.factories import stored_files
from tests.submissions import submit

LANGUAGES = [("", "zh-Hans"), ("/en", "en")]


def html_of(response):
    return response.content.decode()


@pytest.mark.parametrize(("prefix", "lang"), LANGUAGES)
def test_a_request_for_an_unknown_host_gets_the_400_page(client, db, prefix, lang):
    response = client.get(f"{prefix}/privacy/", headers={"host": "attacker.example"})

    assert response.status_code == 400
    html = html_of(response)
    assert f'<html lang="{lang}"' in html
    assert ("请求有误" if lang == "zh-Hans" else "This request could not be understood") in html
    assert "attacker.example" not in html


@pytest.mark.parametrize(("language", "text"), [("zh-hans", "无权访问"), ("en", "Access denied")])
def test_the_403_page_is_in_the_pages_language(db, language, text):
    request = RequestFactory().get("/")
    with translation.override(language):
        response = views.permission_denied(request)

    assert response.status_code == 403
    assert text in html_of(response)


@pytest.mark.parametrize(
    ("prefix", "text"),
    [("", "表单没有提交成功"), ("/en", "The form could not be sent")],
)
def test_a_form_sent_without_its_csrf_cookie_gets_the_friendly_403_page(seeded, prefix, text):
    client = Client(enforce_csrf_checks=True)

    response = client.post(f"{prefix}/apply/", {"full_name": "x"})

    assert response.status_code == 403
    assert text in html_of(response)


@pytest.mark.parametrize(
    ("prefix", "text"), [("", "网站暂时无法访问"), ("/en", "The site is briefly unavailable")]
)
def test_a_page_that_needs_the_database_while_it_is_down_gets_the_503_page(
    client, seeded, database_goes_away, prefix, text
):
    with database_goes_away("SELECT"):
        response = client.get(f"{prefix}/")

    assert response.status_code == 503
    assert response["Retry-After"]
    html = html_of(response)
    assert text in html
    assert "NOT saved" not in html and "没有被保存" not in html


@pytest.mark.parametrize(
    ("prefix", "not_saved"),
    [("", "你的申请没有被保存。"), ("/en", "Your application was NOT saved.")],
)
@pytest.mark.django_db(transaction=True)
def test_an_application_sent_while_the_database_fails_gets_503_saying_it_was_not_saved(
    client, lab, cv_storage, database_goes_away, prefix, not_saved
):
    # The row and the CV are written; the database goes away at the claims.
    with database_goes_away('INSERT INTO "recruiting_claim"') as outage:
        response = submit(client, lab, f"{prefix}/apply/")

    assert outage.gone
    assert response.status_code == 503
    assert not_saved in html_of(response)
    assert not Application.objects.exists()
    assert not Claim.objects.exists()
    assert stored_files(cv_storage) == []


# --- The 404 page's links never lead off the site ------------------------------------------

OFF_SITE_PATHS = [
    ("/en//evil.example/", "en"),
    ("//evil.example/", "zh-Hans"),
    ("/en/%2F%2Fevil.example/", "en"),
    ("/en/\\evil.example/", "en"),
    ("/en/https://evil.example/", "en"),
]


def links_of(html):
    """Every href and src on a page."""
    return [unescape(url) for url in re.findall(r'(?:href|src)="([^"]*)"', html)]


def leads_off_the_site(url):
    """What a browser would open on another site: //host, /\\host or a foreign origin."""
    if url.startswith(("//", "/\\", "\\")):
        return True
    scheme = urlsplit(url).scheme
    return bool(scheme) and not url.startswith(settings.SITE_URL + "/")


@pytest.mark.parametrize(("path", "lang"), OFF_SITE_PATHS)
def test_the_not_found_page_never_links_off_the_site(client, db, path, lang):
    # PATH_INFO as the server decodes it: the test client would read "//host" as a host.
    response = client.get("/", PATH_INFO=unquote(path))

    assert response.status_code == 404
    html = html_of(response)
    assert f'<html lang="{lang}"' in html
    assert ("页面不存在" if lang == "zh-Hans" else "Page not found") in html
    links = links_of(html)
    assert links
    assert [url for url in links if leads_off_the_site(url)] == []
    switcher = re.findall(r'<a href="([^"]*)" hreflang="([^"]*)"[^>]*data-lang-switch', html)
    assert {hreflang for _url, hreflang in switcher} == {"zh-Hans", "en"}
