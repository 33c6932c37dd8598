"""What search engines and link previews see: JSON-LD, canonical URLs, share cards,
the sitemap and robots.txt."""

import datetime
import json
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.conf import settings
from django.test import override_settings
from django.utils import timezone
from PIL import Image

from recruiting.models import Position
from tests.factories import ApplicationFactory

SITEMAP_NS = {
    "sm": "http://www.sitemaps.org/schemas/sitemap/0.9",
    "xhtml": "http://www.w3.org/1999/xhtml",
}


class HeadParser(HTMLParser):
    """Collects <link>, <meta> and JSON-LD scripts of a page."""

    def __init__(self):
        super().__init__()
        self.links = []
        self.metas = []
        self.json_ld = []
        self._in_json_ld = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "link":
            self.links.append(attrs)
        elif tag == "meta":
            self.metas.append(attrs)
        elif tag == "script" and attrs.get("type") == "application/ld+json":
            self._in_json_ld = True
            self.json_ld.append("")

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_json_ld = False

    def handle_data(self, data):
        if self._in_json_ld:
            self.json_ld[-1] += data

    def canonical(self):
        return [link["href"] for link in self.links if link.get("rel") == "canonical"]

    def alternates(self):
        return {
            link["hreflang"]: link["href"] for link in self.links if link.get("rel") == "alternate"
        }

    def meta(self, key):
        return [
            m.get("content")
            for m in self.metas
            if m.get("property") == key or m.get("name") == key
        ]

    def graph(self):
        assert len(self.json_ld) == 1, "one JSON-LD block on the page"
        return json.loads(self.json_ld[0])["@graph"]


def parse(response):
    assert response.status_code == 200
    parser = HeadParser()
    parser.feed(response.content.decode())
    return parser


def of_type(graph, kind):
    return [node for node in graph if node["@type"] == kind]


@pytest.fixture
def site(seeded, settings):
    """The lab's content; the test settings' SITE_URL is the test client's own host."""
    assert settings.SITE_URL == "http://testserver"
    return settings


# --- JSON-LD ---------------------------------------------------------------------------


def test_each_open_position_is_published_as_a_job_posting(site, client):
    graph = parse(client.get("/")).graph()

    postings = of_type(graph, "JobPosting")
    assert [p["title"] for p in postings] == list(
        Position.objects.open().values_list("title_zh_hans", flat=True)
    )
    ra = postings[0]
    assert ra["title"] == "研究助理（RA）"
    assert "课题组招收研究助理（RA）若干。" in ra["description"]
    assert ra["datePosted"] == timezone.localdate().isoformat()
    assert ra["employmentType"] == "TEMPORARY"
    assert [p["employmentType"] for p in postings[1:]] == ["INTERN", "INTERN"]
    assert ra["directApply"] is True
    assert ra["jobLocation"] == {
        "@type": "Place",
        "address": {
            "@type": "PostalAddress",
            "addressLocality": "Beijing",
            "addressCountry": "CN",
        },
    }
    [group] = of_type(graph, "Organization")
    assert ra["hiringOrganization"] == {
        "@type": "Organization",
        "@id": group["@id"],
        "name": "北大国际机器学习研究中心张文涛教授团队",
    }
    assert group["parentOrganization"]["name"] == "北京前沿交叉学科研究院"
    assert "sameAs" not in group, "the post gives no website"
    assert "validThrough" not in ra, "no deadline is set"


def test_job_postings_are_in_english_on_the_english_page(site, client):
    postings = of_type(parse(client.get("/en/")).graph(), "JobPosting")
    assert postings[0]["title"] == "Research assistant (RA)"
    assert (
        "The group is recruiting several research assistants (RA)." in (postings[0]["description"])
    )
    assert postings[0]["url"] == "http://testserver/en/apply/"


def test_job_posting_date_posted_is_the_day_the_position_was_created(site, client):
    Position.objects.filter(slug="ra").update(
        created_at=datetime.datetime(2024, 3, 1, 20, 0, tzinfo=datetime.UTC)
    )
    ra = of_type(parse(client.get("/")).graph(), "JobPosting")[0]
    assert ra["datePosted"] == "2024-03-02", "the day in Beijing"


def test_a_deadline_becomes_valid_through_and_a_past_one_hides_the_posting(site, client):
    future = datetime.date.today() + datetime.timedelta(days=30)
    Position.objects.filter(slug="ra").update(deadline=future)
    Position.objects.filter(slug="intern").update(deadline=datetime.date(2000, 1, 1))

    postings = of_type(parse(client.get("/")).graph(), "JobPosting")

    assert postings[0]["validThrough"] == f"{future.isoformat()}T23:59:59+08:00"
    assert "实习生" not in [p["title"] for p in postings]
    assert all("validThrough" not in p for p in postings[1:])


def test_closed_positions_are_not_published(site, client):
    Position.objects.filter(slug="early-intern").update(is_open=False)
    postings = of_type(parse(client.get("/")).graph(), "JobPosting")
    assert [p["title"] for p in postings] == ["研究助理（RA）", "实习生"]


def test_the_advisor_is_a_person_and_the_group_an_organization(site, client):
    graph = parse(client.get("/")).graph()

    [group] = of_type(graph, "Organization")
    assert group["name"] == "北大国际机器学习研究中心张文涛教授团队"
    assert group["url"] == "http://testserver/"
    assert "sameAs" not in group

    [advisor] = of_type(graph, "Person")
    assert advisor["name"] == "张文涛"
    assert advisor["jobTitle"] == "助理教授、研究员、博士生导师"
    assert advisor["affiliation"]["name"] == "北京大学国际机器学习研究中心"
    assert advisor["worksFor"] == {"@id": group["@id"]}
    assert "email" not in advisor and "sameAs" not in advisor


def test_content_cannot_break_out_of_the_json_ld_script(site, client):
    hostile = "</script><script>alert(1)</script><!-- & -->"
    Position.objects.filter(slug="ra").update(title_zh_hans=hostile)

    html = client.get("/").content.decode()
    start = html.index('<script type="application/ld+json">')
    end = html.index("</script>", start)
    block = html[start:end]

    assert "<" not in block[len('<script type="application/ld+json">') :]
    assert "alert(1)" in block, "the title is there, escaped"
    postings = of_type(parse(client.get("/")).graph(), "JobPosting")
    assert postings[0]["title"] == hostile


# --- Canonical URLs, alternates, share cards ---------------------------------------------


@pytest.mark.parametrize(
    ("path", "canonical", "locale"),
    [
        ("/", "http://testserver/", "zh_CN"),
        ("/en/", "http://testserver/en/", "en_US"),
        ("/privacy/", "http://testserver/privacy/", "zh_CN"),
        ("/en/privacy/", "http://testserver/en/privacy/", "en_US"),
    ],
)
def test_public_pages_name_their_canonical_url_and_language_alternates(
    site, client, path, canonical, locale
):
    page = parse(client.get(path))

    assert page.canonical() == [canonical]
    chinese = canonical.replace("/en/", "/")
    assert page.alternates() == {
        "zh-Hans": chinese,
        "en": chinese.replace("testserver/", "testserver/en/"),
        "x-default": chinese,
    }
    assert page.meta("og:url") == [canonical]
    assert page.meta("og:locale") == [locale]
    assert page.meta("robots") == []


def test_a_query_string_never_reaches_the_canonical_url(site, client):
    page = parse(client.get("/en/?utm_source=wechat&x=<b>"))
    assert page.canonical() == ["http://testserver/en/"]


@override_settings(SITE_URL="https://recruit.example.edu")
def test_site_url_wins_over_the_host_the_request_came_in_on(seeded, client):
    page = parse(client.get("/en/"))

    assert page.canonical() == ["https://recruit.example.edu/en/"]
    assert page.alternates()["x-default"] == "https://recruit.example.edu/"
    assert page.meta("og:image") == ["https://recruit.example.edu/static/img/share.png"]
    graph = page.graph()
    assert of_type(graph, "Organization")[0]["url"] == "https://recruit.example.edu/en/"


def test_link_previews_show_the_share_image_and_the_groups_name(site, client):
    page = parse(client.get("/"))

    image = page.meta("og:image")
    assert image == ["http://testserver/static/img/share.png"]
    assert page.meta("twitter:image") == image
    assert page.meta("twitter:card") == ["summary_large_image"]
    assert page.meta("og:image:width") == ["1200"]
    assert page.meta("og:image:height") == ["630"]
    assert page.meta("og:title") == ["北大国际机器学习研究中心张文涛教授团队"]
    assert page.meta("og:description")[0].startswith("研究以数据为中心的机器学习")
    assert page.meta("og:image:alt")[0]
    english = parse(client.get("/en/"))
    assert english.meta("og:title")[0].startswith("Prof. Zhang Wentao's group")


def test_the_share_image_is_a_1200_by_630_png():
    path = Path(settings.BASE_DIR) / "static" / "img" / "share.png"
    with Image.open(path) as image:
        assert image.format == "PNG"
        assert image.size == (1200, 630)


def test_the_landing_page_adds_no_query_for_search_engines(
    site, client, django_assert_max_num_queries
):
    client.get("/")  # fills the page cache
    with django_assert_max_num_queries(0):
        page = parse(client.get("/"))
    assert page.canonical() == ["http://testserver/"]


# --- Private pages -----------------------------------------------------------------------


@pytest.mark.parametrize("prefix", ["", "/en"])
def test_status_and_thank_you_pages_are_kept_out_of_search_engines(site, client, prefix):
    application = ApplicationFactory(position=Position.objects.get(slug="ra"))
    for view in ("status", "thanks"):
        page = parse(client.get(f"{prefix}/apply/{view}/{application.token}/"))
        assert page.meta("robots") == ["noindex"], view
        assert page.canonical() == [], view
        assert page.alternates() == {}, view
        assert page.meta("og:url") == [], view


def test_the_not_found_page_is_kept_out_of_search_engines(site, client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    parser = HeadParser()
    parser.feed(response.content.decode())
    assert parser.meta("robots") == ["noindex"]
    assert parser.canonical() == []


# --- Sitemap and robots.txt ---------------------------------------------------------------


def sitemap_entries(response):
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/xml")
    root = ET.fromstring(response.content)
    entries = {}
    for url in root.findall("sm:url", SITEMAP_NS):
        loc = url.find("sm:loc", SITEMAP_NS).text
        entries[loc] = {
            link.get("hreflang"): link.get("href")
            for link in url.findall("xhtml:link", SITEMAP_NS)
        }
    return entries


def test_the_sitemap_lists_the_public_pages_in_both_languages(client, db):
    entries = sitemap_entries(client.get("/sitemap.xml"))

    assert sorted(entries) == [
        "http://testserver/",
        "http://testserver/en/",
        "http://testserver/en/privacy/",
        "http://testserver/privacy/",
    ]
    assert entries["http://testserver/en/"] == {
        "zh-hans": "http://testserver/",
        "en": "http://testserver/en/",
        "x-default": "http://testserver/",
    }
    assert entries["http://testserver/privacy/"]["x-default"] == "http://testserver/privacy/"
    assert not any("/apply/" in loc for loc in entries)


@override_settings(SITE_URL="https://recruit.example.edu")
def test_the_sitemap_uses_site_url(client, db):
    entries = sitemap_entries(client.get("/sitemap.xml"))
    assert "https://recruit.example.edu/en/privacy/" in entries


def test_robots_txt_keeps_crawlers_out_of_the_admin_and_the_applicants_pages(client):
    response = client.get("/robots.txt")

    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    lines = response.content.decode().splitlines()
    assert lines[0] == "User-agent: *"
    disallowed = {line.split(": ", 1)[1] for line in lines if line.startswith("Disallow:")}
    assert disallowed == {
        "/admin/",
        "/apply/status/",
        "/en/apply/status/",
        "/apply/thanks/",
        "/en/apply/thanks/",
    }
    assert "Disallow: /" not in lines, "the public pages stay crawlable"
    assert "Sitemap: http://testserver/sitemap.xml" in lines
