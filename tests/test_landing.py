"""
The lab's page at / (Chinese) and /en/ (English): every fact of the source post, the
sections in the post's order, the language switcher, a constant number of queries and
the page cache, and the error pages in the site's look.
"""

import datetime
import html
import re

import pytest
import time_machine
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from recruiting import views
from recruiting.models import (
    Achievement,
    Advantage,
    AdvantageGroup,
    Advisor,
    Lab,
    Position,
    Requirement,
    ResearchDirection,
)
from recruiting.templatetags.site_tags import language_links, url_in_language
from tests.facts import FACTS_EN, FACTS_ZH

# Frozen (time_machine): the test and the site read the same "today", even on New Year's Eve at midnight.
NOW = datetime.datetime(2026, 11, 25, 10, 0, tzinfo=datetime.timezone(datetime.timedelta(hours=8)))

SECTIONS = ["top", "advisor", "why-join", "research", "positions", "requirements"]


def visible_text(response):
    """What a reader sees: the body without scripts, tags dropped, entities decoded."""
    page = response.content.decode()
    body = page[page.index("<body") :]
    body = re.sub(r"<script\b.*?</script>", " ", body, flags=re.S)
    text = re.sub(r"<[^>]+>", " ", body)
    return " ".join(html.unescape(text).split())


def switcher_links(response):
    """{hreflang: href} of the header's language switcher."""
    page = response.content.decode()
    nav = re.search(r'<nav class="site-languages".*?</nav>', page, flags=re.S).group(0)
    return {lang: href for href, lang in re.findall(r'<a href="([^"]*)" hreflang="([^"]*)"', nav)}


def make_content():
    """The smallest page: a lab, its advisor and one row in every list."""
    lab = Lab.objects.create(
        name_zh_hans="测试课题组",
        name_en="Test group",
        institution_zh_hans="测试大学",
        institution_en="Test University",
        tagline_zh_hans="研究测试",
        tagline_en="Research on tests",
        meeting_place_zh_hans="一号楼101",
        meeting_place_en="Building 1, Room 101",
        requirements_rule_zh_hans="至少满足一条。",
        requirements_rule_en="Meet at least one.",
    )
    advisor = Advisor.objects.create(
        lab=lab,
        name_zh_hans="王老师",
        name_en="Prof. Wang",
        title_zh_hans="教授",
        title_en="Professor",
        affiliation_zh_hans="测试大学",
        affiliation_en="Test University",
    )
    add_rows(advisor, 1)
    return lab


def add_rows(advisor, count):
    """count more rows in every list of the page."""
    for i in range(count):
        Achievement.objects.create(
            advisor=advisor, text_zh_hans=f"荣誉{i}", text_en=f"Honour {i}", order=100 + i
        )
        Achievement.objects.create(
            advisor=advisor,
            kind=Achievement.Kind.SYSTEM,
            name=f"System{i}",
            text_zh_hans=f"系统{i}",
            text_en=f"System {i}",
            github_stars="1k",
            order=100 + i,
        )
        group = AdvantageGroup.objects.create(
            title_zh_hans=f"优势{i}", title_en=f"Advantage {i}", order=100 + i
        )
        Advantage.objects.create(group=group, text_zh_hans=f"条目{i}", text_en=f"Item {i}")
        direction = ResearchDirection.objects.create(
            slug=f"direction-{i}-{advisor.pk}",
            title_zh_hans=f"方向{i}",
            title_en=f"Direction {i}",
            order=100 + i,
        )
        ResearchDirection.objects.create(
            parent=direction,
            slug=f"branch-{i}-{advisor.pk}",
            title_zh_hans=f"分支{i}",
            title_en=f"Branch {i}",
        )
        Position.objects.create(
            slug=f"position-{i}-{advisor.pk}",
            title_zh_hans=f"岗位{i}",
            title_en=f"Position {i}",
            order=100 + i,
        )
        Requirement.objects.create(
            short_title_zh_hans=f"要求{i}",
            short_title_en=f"Requirement {i}",
            text_zh_hans=f"要求内容{i}",
            text_en=f"Requirement text {i}",
            evidence_prompt_zh_hans="证明",
            evidence_prompt_en="Evidence",
            order=100 + i,
        )


# ---------------------------------------------------------------------------
# What the page shows
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(("url", "facts"), [("/", FACTS_ZH), ("/en/", FACTS_EN)])
def test_every_fact_of_the_post_is_on_the_page(client, seeded, url, facts):
    text = visible_text(client.get(url))
    missing = [fact for fact in facts if " ".join(fact.split()) not in text]
    assert missing == []


@pytest.mark.parametrize("url", ["/", "/en/"])
def test_sections_come_in_the_order_of_the_post(client, seeded, url):
    page = client.get(url).content.decode()
    positions = [page.index(f'<section id="{section}"') for section in SECTIONS]
    positions.append(page.index("<footer"))
    assert positions == sorted(positions)


@pytest.mark.parametrize(("url", "lang"), [("/", "zh-Hans"), ("/en/", "en")])
def test_page_has_language_title_description_and_landmarks(client, seeded, url, lang):
    page = client.get(url).content.decode()
    assert f'<html lang="{lang}">' in page
    title = re.search(r"<title>(.*?)</title>", page, flags=re.S).group(1)
    assert title.strip()
    description = re.search(r'<meta name="description" content="([^"]*)"', page).group(1)
    assert len(description.strip()) > 20
    for landmark in ("<header", "<nav", '<main id="main"', "<footer"):
        assert landmark in page
    assert '<a class="skip-link" href="#main">' in page


def test_title_and_description_are_the_groups_own_in_each_language(client, seeded):
    lab = Lab.objects.get()
    zh = client.get("/").content.decode()
    en = client.get("/en/").content.decode()
    assert f"<title>{lab.name_zh_hans} · 招生</title>" in zh
    assert f"<title>{html.escape(lab.name_en)} · Recruiting</title>" in en
    assert f'<meta name="description" content="{lab.tagline_zh_hans}' in zh
    assert f'<meta name="description" content="{html.escape(lab.tagline_en)}' in en


def test_labels_are_translated_on_the_chinese_page(client, seeded):
    zh = visible_text(client.get("/"))
    en = visible_text(client.get("/en/"))
    for label in ("导师简介", "加入课题组的优势", "研究方向", "招收岗位", "招生要求", "立即申请"):
        assert label in zh
    for label in ("Advisor", "Why join us", "Research directions", "Open positions"):
        assert label in en
    assert "Why join us" not in zh


def test_research_branches_are_nested_under_their_direction(client, seeded):
    page = client.get("/").content.decode()
    applications = page.index('id="direction-dcml-applications"')
    systems = page.index('id="direction-dcml-systems"')
    assert applications < page.index('id="direction-for-science"') < systems
    assert applications < page.index('id="direction-for-aigc"') < systems


def test_requirements_are_a_numbered_list_under_the_rule(client, seeded):
    page = client.get("/").content.decode()
    section = page[page.index('<section id="requirements"') :]
    assert "需要至少满足以下一个要求，满足多个要求者优先考虑" in section
    numbered = section[section.index('<ol class="requirements">') : section.index("</ol>")]
    assert numbered.count("<li>") == Requirement.objects.active().count() == 5


def test_footer_says_where_the_group_meets_and_links_to_the_admin(client, seeded):
    page = client.get("/").content.decode()
    footer = page[page.index("<footer") :]
    assert "静园六院208" in footer
    assert "腾讯会议" in footer
    assert '<a href="/admin/" rel="nofollow">工作人员登录</a>' in footer
    assert "Staff login" in client.get("/en/").content.decode()


# ---------------------------------------------------------------------------
# Apply links
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(("url", "apply_url"), [("/", "/apply/"), ("/en/", "/en/apply/")])
def test_hero_calls_to_apply(client, seeded, url, apply_url):
    page = client.get(url).content.decode()
    hero = page[page.index('<section id="top"') : page.index('<section id="advisor"')]
    assert f'<a class="btn btn-primary btn-lg" href="{apply_url}">' in hero
    for position in Position.objects.open():
        assert f'href="{apply_url}?position={position.slug}"' in hero


def test_each_open_position_has_its_own_apply_link(client, seeded):
    page = client.get("/en/").content.decode()
    section = page[
        page.index('<section id="positions"') : page.index('<section id="requirements"')
    ]
    for slug in ("ra", "intern", "early-intern"):
        assert f'href="/en/apply/?position={slug}"' in section


# ---------------------------------------------------------------------------
# Language switcher
# ---------------------------------------------------------------------------


def test_switcher_on_the_chinese_page_links_to_the_english_one(client, seeded):
    response = client.get("/")
    assert switcher_links(response) == {"zh-Hans": "/", "en": "/en/"}
    page = response.content.decode()
    assert 'hreflang="zh-Hans" lang="zh-Hans" data-lang-switch aria-current="true">' in page


def test_switcher_on_the_english_page_links_to_the_chinese_one(client, seeded):
    response = client.get("/en/")
    assert switcher_links(response) == {"zh-Hans": "/", "en": "/en/"}
    assert 'hreflang="en" lang="en" data-lang-switch aria-current="true">' in (
        response.content.decode()
    )


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("/privacy/", {"zh-Hans": "/privacy/", "en": "/en/privacy/"}),
        ("/en/privacy/", {"zh-Hans": "/privacy/", "en": "/en/privacy/"}),
    ],
)
def test_switcher_on_another_page_keeps_the_path(client, db, url, expected):
    assert switcher_links(client.get(url)) == expected


def test_switcher_keeps_the_query_string_of_other_pages():
    with translation.override("zh-hans"):
        assert url_in_language("/apply/?position=ra", "en") == "/en/apply/?position=ra"
    with translation.override("en"):
        assert url_in_language("/en/apply/?position=ra", "zh-hans") == "/apply/?position=ra"


def test_cached_page_does_not_pass_a_visitors_query_string_to_others(client, seeded):
    first = client.get("/?from=singlemessage")
    assert switcher_links(first)["en"] == "/en/"
    assert "singlemessage" not in first.content.decode()


def test_switcher_never_links_to_another_site():
    # A request line "GET //evil.example/ HTTP/1.1" gives this path; as an href it would
    # lead to another site.
    request = RequestFactory().get("/")
    request.path = request.path_info = "//evil.example/"
    with translation.override("zh-hans"):
        links = language_links({"request": request})
    assert [link.url for link in links] == ["/", "/en/"]


def test_switcher_and_section_ids_are_the_same_in_both_languages(client, seeded):
    ids = [
        re.findall(r'<(?:section|li) id="([^"]+)"', client.get(url).content.decode())
        for url in ("/", "/en/")
    ]
    assert ids[0] == ids[1]
    assert set(SECTIONS) <= set(ids[0])


# ---------------------------------------------------------------------------
# Speed: a constant number of queries (the page cache: test_page_cache.py)
# ---------------------------------------------------------------------------


def test_page_runs_at_most_nine_queries_whatever_the_number_of_rows(
    client, seeded, django_assert_max_num_queries, django_assert_num_queries
):
    with django_assert_max_num_queries(9):
        client.get("/")
    with CaptureQueriesContext(connection) as cold:
        client.get("/en/")
    measured = len(cold.captured_queries)

    add_rows(Advisor.objects.get(), 20)  # the signal clears the cached pages
    with django_assert_num_queries(measured):
        response = client.get("/en/")
    text = visible_text(response)
    for row in ("Honour 19", "System19", "Item 19", "Branch 19", "Position 19", "text 19"):
        assert row in text


def test_an_edit_in_the_database_shows_on_the_next_visit(client, seeded):
    client.get("/")
    client.get("/en/")
    requirement = Requirement.objects.active().first()
    requirement.text_zh_hans = "在测试中取得过良好成绩。"
    requirement.text_en = "Has done well in tests."
    requirement.save()
    assert "在测试中取得过良好成绩。" in visible_text(client.get("/"))
    assert "Has done well in tests." in visible_text(client.get("/en/"))


@pytest.mark.parametrize("url", ["/", "/en/", "/nope/"])
def test_page_has_no_inline_script_or_style(client, seeded, url):
    page = client.get(url).content.decode()
    scripts = re.findall(r"<script\b[^>]*>", page)
    assert all('src="' in tag or 'type="application/ld+json"' in tag for tag in scripts)
    assert '<script src="/static/js/site.js" defer></script>' in page
    assert "style=" not in page
    assert "<style" not in page


def test_page_does_not_set_cookies_or_vary_on_the_visitor(client, seeded):
    response = client.get("/")
    assert not response.cookies
    assert "Cookie" not in response.get("Vary", "")


# ---------------------------------------------------------------------------
# What is not listed
# ---------------------------------------------------------------------------


def test_closed_position_is_not_listed(client, seeded):
    Position.objects.filter(slug="intern").update(is_open=False)
    text = visible_text(client.get("/"))
    assert "研究助理（RA）" in text
    assert "position=intern" not in client.get("/").content.decode()


@time_machine.travel(NOW, tick=False)
def test_position_past_its_deadline_is_not_listed_and_a_future_deadline_is_shown(client, seeded):
    today = timezone.localdate()
    Position.objects.filter(slug="intern").update(deadline=today - datetime.timedelta(days=1))
    Position.objects.filter(slug="ra").update(deadline=datetime.date(today.year + 1, 3, 31))
    page = client.get("/en/").content.decode()
    assert "position=intern" not in page
    assert f"Apply by March 31, {today.year + 1}" in visible_text(client.get("/en/"))


def test_inactive_requirement_is_not_listed(client, seeded):
    requirement = Requirement.objects.get(text_zh_hans__contains="Kaggle")
    requirement.is_active = False
    requirement.save()
    page = client.get("/").content.decode()
    assert "Kaggle" not in page[page.index('<section id="requirements"') :]
    assert visible_text(client.get("/")).count("ACM/NOI/NOIP") == 0


def test_no_positions_open_says_so_instead_of_an_empty_list(client, seeded):
    Position.objects.update(is_open=False)
    text = visible_text(client.get("/"))
    assert "目前没有开放的岗位。" in text
    assert "立即申请" not in text


# ---------------------------------------------------------------------------
# Empty fields
# ---------------------------------------------------------------------------


def test_advisor_without_email_or_photo_shows_no_empty_label(client, seeded):
    advisor = Advisor.objects.get()
    assert not advisor.email and not advisor.photo and not advisor.homepage
    for url, label in (("/", "邮箱"), ("/en/", "E-mail")):
        page = client.get(url).content.decode()
        assert label not in page
        assert "mailto:" not in page
        assert "<img" not in page
        assert "N/A" not in page


def test_advisor_email_and_homepage_show_once_set(client, seeded):
    advisor = Advisor.objects.get()
    advisor.email = "advisor@example.edu"
    advisor.homepage = "https://example.edu/~advisor"
    advisor.save()
    page = client.get("/").content.decode()
    assert '邮箱： <a href="mailto:advisor@example.edu">' in page
    assert 'href="https://example.edu/~advisor"' in page


def test_page_reads_well_with_a_minimal_lab(client, db):
    make_content()
    text = visible_text(client.get("/en/"))
    assert "Test group" in text
    assert "Prof. Wang" in text
    assert "Formerly at" not in text  # no former affiliations given
    assert "Online" not in text  # no online meeting given
    assert "Building 1, Room 101" in text


def test_empty_database_still_gives_a_page(client, db):
    response = client.get("/")
    assert response.status_code == 200
    assert "课题组页面尚未添加内容。" in visible_text(response)


# ---------------------------------------------------------------------------
# Error pages
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "lang", "heading"),
    [("/nope/", "zh-Hans", "页面不存在"), ("/en/nope/", "en", "Page not found")],
)
def test_missing_page_gives_the_sites_404_in_its_language(client, db, url, lang, heading):
    response = client.get(url)
    assert response.status_code == 404
    page = response.content.decode()
    assert f'<html lang="{lang}">' in page
    assert f"<h1>{heading}</h1>" in page
    assert '<header class="site-header">' in page
    assert switcher_links(response) == {"zh-Hans": "/nope/", "en": "/en/nope/"}


@pytest.mark.parametrize(("language", "heading"), [("zh-hans", "出错了"), ("en", "Something")])
def test_server_error_page_renders_without_the_database(language, heading):
    # No db fixture: any query here would fail the test.
    request = RequestFactory().get("/en/" if language == "en" else "/")
    with translation.override(language):
        response = views.server_error(request)
    assert response.status_code == 500
    page = response.content.decode()
    assert heading in page
    assert '<main id="main"' in page
