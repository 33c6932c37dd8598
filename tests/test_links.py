"""
The one link finder (recruiting/links.py): links next to Chinese punctuation, the
evidence the admin shows clickable, and nothing an applicant writes runs as HTML.
"""

from html.parser import HTMLParser

import pytest
from django.urls import reverse
from django.utils.safestring import SafeString

import recruiting.forms
from recruiting.links import linkify, links_in, web_address
from tests.factories import ApplicationFactory, RequirementFactory

GITHUB = "https://github.com/pytorch/pytorch"
CHINESE_PUNCTUATION = "：，。）】、；！？「」《》（【\u3000"


class Anchors(HTMLParser):
    """Every start tag of a fragment, and each <a> with its attributes and text."""

    def __init__(self, html):
        super().__init__()
        self.tags, self.anchors = [], []
        self.feed(html)
        self.close()

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        if tag == "a":
            self.anchors.append({**dict(attrs), "text": ""})

    def handle_data(self, data):
        if self.anchors and self.tags[-1] == "a":
            self.anchors[-1]["text"] += data

    def handle_endtag(self, tag):
        self.tags.append(f"/{tag}")


def hrefs(html):
    return [anchor["href"] for anchor in Anchors(html).anchors]


@pytest.mark.parametrize("punctuation", CHINESE_PUNCTUATION)
@pytest.mark.parametrize("link", [GITHUB, "www.kaggle.com/abc", "http://example.org/a?b=1&c=2"])
def test_a_link_ends_at_chinese_punctuation_or_a_full_width_space(punctuation, link):
    assert links_in(f"项目{punctuation}{link}{punctuation}后面的话") == [link]


@pytest.mark.parametrize("punctuation", CHINESE_PUNCTUATION)
def test_a_link_right_after_chinese_punctuation_is_linked_to_exactly_that_link(punctuation):
    html = linkify(f"PyTorch{punctuation}{GITHUB}{punctuation}")
    assert hrefs(html) == [GITHUB]
    assert html.startswith(f"PyTorch{punctuation}<a ")
    assert html.endswith(f">{GITHUB}</a>{punctuation}")


@pytest.mark.parametrize(
    "text",
    [
        "See https://example.org/paper.",
        "See https://example.org/paper, then the code.",
        "Is it https://example.org/paper? Yes!",
        "Wow https://example.org/paper!",
        "Paper (https://example.org/paper) and code",
        "[https://example.org/paper]",
        "Paper: https://example.org/paper; code: none",
        "Paper: https://example.org/paper:",
        "'https://example.org/paper'",
        '"https://example.org/paper"',
        "<https://example.org/paper>",
    ],
)
def test_ascii_punctuation_that_ends_a_sentence_is_not_part_of_the_link(text):
    assert links_in(text) == ["https://example.org/paper"]


@pytest.mark.parametrize(
    "text",
    [
        "See https://en.wikipedia.org/wiki/X_(y).",
        "(see https://en.wikipedia.org/wiki/X_(y))",
        "见https://en.wikipedia.org/wiki/X_(y)。",
    ],
)
def test_parentheses_opened_inside_a_link_stay_in_it(text):
    assert links_in(text) == ["https://en.wikipedia.org/wiki/X_(y)"]


def test_several_links_in_one_text_are_all_found():
    text = "论文：https://openreview.net/forum?id=abc123，代码：www.github.com/lihua/x。"
    assert links_in(text) == ["https://openreview.net/forum?id=abc123", "www.github.com/lihua/x"]


def test_the_chinese_examples_from_the_issue_link_to_the_right_addresses():
    assert hrefs(linkify(f"PyTorch：{GITHUB}")) == [GITHUB]
    html = linkify("获得第一名）https://www.kaggle.com/abc。")
    assert hrefs(html) == ["https://www.kaggle.com/abc"]
    assert html.startswith("获得第一名）<a ")
    assert html.endswith("</a>。")


def test_a_www_link_opens_on_https_and_reads_as_written():
    (anchor,) = Anchors(linkify("Project: www.github.com/lihua/x (500 stars).")).anchors
    assert anchor == {
        "href": "https://www.github.com/lihua/x",
        "rel": "nofollow noopener noreferrer",
        "text": "www.github.com/lihua/x",
    }


@pytest.mark.parametrize(
    "text",
    [
        "javascript:alert(1)",
        "javascript://%0aalert(1)",
        "data:text/html,<script>alert(1)</script>",
        "Paper link: ftp://example.org/paper.pdf",
        "mailto:someone@example.org",
        "见 https://",
    ],
)
def test_links_that_are_not_web_links_are_left_as_text(text):
    html = linkify(text)
    assert hrefs(html) == []
    assert "<script>" not in html


@pytest.mark.parametrize(
    "text",
    [
        '"><script>alert(1)</script>',
        'https://example.org/"><script>alert(1)</script>',
        'https://example.org/?q="onmouseover="alert(1)"',
        "https://example.org/?q='onmouseover='alert(1)'",
        "https://example.org/<img src=x onerror=alert(1)>",
        'www.example.org/"onfocus="alert(1)"autofocus="',
        "<a href='javascript:alert(1)'>https://example.org</a>",
    ],
)
def test_nothing_written_in_evidence_becomes_markup_but_web_links(text):
    parsed = Anchors(linkify(text))
    assert set(parsed.tags) <= {"a", "/a"}
    for anchor in parsed.anchors:
        assert set(anchor) == {"href", "rel", "text"}
        assert anchor["href"].startswith(("https://example.org", "https://www.example.org"))
        assert anchor["rel"] == "nofollow noopener noreferrer"


def test_html_in_the_text_is_shown_escaped():
    assert linkify("A & B <b>bold</b> 'q' \"dq\"") == (
        "A &amp; B &lt;b&gt;bold&lt;/b&gt; &#x27;q&#x27; &quot;dq&quot;"
    )


def test_line_breaks_are_kept_whatever_the_applicants_system_wrote():
    html = linkify(f"第一行\r\n{GITHUB}\r第三行\nlast")
    assert html.replace(f'<a href="{GITHUB}" rel="nofollow noopener noreferrer">', "<a>") == (
        f"第一行<br><a>{GITHUB}</a><br>第三行<br>last"
    )


def test_linkify_is_safe_html_for_the_admin_to_show_as_is():
    assert isinstance(linkify("text"), SafeString)


@pytest.mark.parametrize(
    "text",
    [
        f"PyTorch：{GITHUB}",
        "获得第一名）https://www.kaggle.com/abc。另见 ftp://x.org/p，www.x.org/a（b）",
        "Paper: https://not a url",
    ],
)
def test_the_admin_links_exactly_the_web_links_the_form_checks(text):
    assert recruiting.forms.links_in is links_in
    found = [web_address(link) for link in links_in(text)]
    assert hrefs(linkify(text)) == [href for href in found if href]


@pytest.mark.django_db
def test_the_review_screen_links_evidence_next_to_a_full_width_colon_to_the_exact_url(
    reviewer_client,
):
    application = ApplicationFactory(claims={RequirementFactory(): f"PyTorch：{GITHUB}"})
    response = reviewer_client.get(
        reverse("admin:recruiting_application_change", args=[application.pk])
    )
    html = response.content.decode()
    assert response.status_code == 200
    evidence_links = [a for a in Anchors(html).anchors if a["text"] == GITHUB]
    assert [a["href"] for a in evidence_links] == [GITHUB]
    assert f'PyTorch：<a href="{GITHUB}"' in html
    assert "%EF%BC%9A" not in html
