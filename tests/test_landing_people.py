"""
The lab's page with photos, people and publications (all made up, in the tests only):
each section appears once it has rows and stays away while empty, the photos are
responsive pictures whose sized files are served, the advisor's links show, the recruiting
sentence follows the open positions, and a text missing in the page's language shows in
the other one, marked; the queries stay the same whatever the number of rows.
"""

import html
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation
from django.utils.translation import gettext

from recruiting import pages
from recruiting.models import Advisor, Member, Position, Requirement
from tests.factories import GroupPhotoFactory, MemberFactory, PublicationFactory, stored_files
from tests.images import photo_upload

LANDING_PAGES = ["/", "/en/"]
NEW_SECTIONS = ["group", "people", "publications"]

PICTURE = re.compile(
    r'<picture>\s*<source type="image/webp" srcset="(?P<webp>[^"]+)" sizes="(?P<sizes>[^"]+)">'
    r"\s*<img (?P<img>[^>]+)>\s*</picture>"
)


def visible_text(response):
    """What a reader sees: the body without scripts, tags dropped, entities decoded."""
    page = response.content.decode()
    body = page[page.index("<body") :]
    body = re.sub(r"<script\b.*?</script>", " ", body, flags=re.S)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", body)).split())


def section(response, name):
    """The HTML of <section id=name>, or None when the page has none."""
    found = re.search(rf'<section id="{name}".*?</section>', response.content.decode(), flags=re.S)
    return found.group(0) if found else None


def section_text(response, name):
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", section(response, name))).split())


def attributes(tag):
    return dict(re.findall(r'([\w-]+)="([^"]*)"', tag))


def pictures(markup):
    """Each <picture> in markup: its WebP srcset, sizes and its <img>'s attributes."""
    return [
        {"webp": m["webp"], "source_sizes": m["sizes"], **attributes(m["img"])}
        for m in PICTURE.finditer(markup)
    ]


def srcset_urls(srcset):
    """{width: URL} of a srcset."""
    return {
        int(width.rstrip("w")): url for url, width in (item.split() for item in srcset.split(", "))
    }


def in_language(code, message):
    with translation.override(code):
        return gettext(message)


# ---------------------------------------------------------------------------
# Empty until filled
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("url", LANDING_PAGES)
def test_seeded_page_has_no_photo_people_or_publications_section(client, seeded, url):
    page = client.get(url).content.decode()
    for name in NEW_SECTIONS:
        assert f'id="{name}"' not in page
        assert f'href="#{name}"' not in page
    assert "<picture" not in page
    assert 'class="fallback"' not in page  # the seed is complete in both languages


@pytest.mark.parametrize("url", LANDING_PAGES)
def test_each_new_section_appears_in_the_table_of_contents_once_filled(client, seeded, url):
    GroupPhotoFactory()
    MemberFactory()
    PublicationFactory()
    page = client.get(url).content.decode()
    toc = re.search(r'<nav class="toc".*?</nav>', page, flags=re.S).group(0)
    for name in NEW_SECTIONS:
        assert f'<section id="{name}"' in page
        assert f'href="#{name}"' in toc
    order = ["advisor", "group", "people", "why-join", "research", "publications", "positions"]
    found = [page.index(f'<section id="{name}"') for name in order]
    assert found == sorted(found)


# ---------------------------------------------------------------------------
# People and publications
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "language"), [("/", "zh_hans"), ("/en/", "en")], ids=["zh-hans", "en"]
)
def test_members_and_alumni_are_listed_apart_with_their_roles(client, seeded, url, language):
    ada = MemberFactory(
        name_zh_hans="测试甲",
        name_en="Tester Alpha",
        role_zh_hans="博士生，2024级",
        role_en="PhD student, 2024",
        url="https://example.org/~alpha",
    )
    bob = MemberFactory(
        name_zh_hans="测试乙",
        name_en="Tester Beta",
        role_zh_hans="现任某测试公司研究员",
        role_en="Now a researcher at an example company",
        status=Member.Status.ALUMNI,
    )
    response = client.get(url)
    people = section(response, "people")
    members, alumni = re.findall(r'<ul class="people".*?</ul>', people, flags=re.S)

    name = f"name_{language}"
    role = f"role_{language}"
    assert getattr(ada, name) in members and getattr(ada, role) in members
    assert getattr(bob, name) not in members
    assert getattr(bob, name) in alumni and getattr(bob, role) in alumni
    assert (
        f'<a href="https://example.org/~alpha" rel="noopener">{getattr(ada, name)}</a>' in members
    )
    # No photo: a plain circle, hidden from screen readers, and no image.
    assert '<span class="person-photo" aria-hidden="true"></span>' in members
    assert "<img" not in people


def test_a_list_of_only_alumni_has_no_members_heading(client, seeded):
    MemberFactory(status=Member.Status.ALUMNI)
    people = section(client.get("/en/"), "people")
    assert "Alumni" in people
    assert 'id="members-heading"' not in people


@pytest.mark.parametrize("url", LANDING_PAGES)
def test_publications_show_title_link_authors_venue_and_year(client, seeded, url):
    PublicationFactory(
        title="Made-Up Results on Imaginary Graphs",
        authors="A. Tester, B. Example",
        venue="Imaginary Conference",
        year=2025,
        url="https://example.org/paper.pdf",
        order=1,
    )
    PublicationFactory(title="An Unlinked Made-Up Note", venue="", year=None, order=2)
    response = client.get(url)
    publications = section(response, "publications")
    assert (
        '<a href="https://example.org/paper.pdf" rel="noopener">'
        "Made-Up Results on Imaginary Graphs</a>" in publications
    )
    text = section_text(response, "publications")
    assert "A. Tester, B. Example" in text
    assert "Imaginary Conference, 2025" in text
    assert "An Unlinked Made-Up Note" in text
    assert text.index("Imaginary Graphs") < text.index("Unlinked")
    assert "None" not in text


@pytest.mark.parametrize("url", LANDING_PAGES)
def test_advisor_links_show_once_set(client, seeded, url):
    advisor = Advisor.objects.get()
    advisor.homepage = "https://example.edu/~advisor"
    advisor.scholar = "https://scholar.example.org/advisor"
    advisor.dblp = "https://dblp.example.org/advisor"
    advisor.github = "https://github.example.org/advisor"
    advisor.save()
    advisor_html = section(client.get(url), "advisor")
    for label, link in (
        ("DBLP", advisor.dblp),
        ("GitHub", advisor.github),
        (in_language("en" if url == "/en/" else "zh-hans", "Google Scholar"), advisor.scholar),
    ):
        assert f'<a href="{link}" rel="noopener">{label}</a>' in advisor_html
    assert f'href="{advisor.homepage}"' in advisor_html


# ---------------------------------------------------------------------------
# Photos
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("url", LANDING_PAGES)
def test_group_photo_is_a_lazy_responsive_picture_with_its_caption(client, seeded, url):
    photo = GroupPhotoFactory(
        image=photo_upload("group.jpg", width=1600, height=1200),
        alt_zh_hans="全组测试合影",
        alt_en="The whole test group",
        caption_zh_hans="测试组会",
        caption_en="A test meeting",
    )
    group = section(client.get(url), "group")
    [picture] = pictures(group)

    assert sorted(srcset_urls(picture["webp"])) == [160, 320, 640, 960, 1280]
    assert sorted(srcset_urls(picture["srcset"])) == [160, 320, 640, 960, 1280]
    assert all(u.endswith(".webp") for u in srcset_urls(picture["webp"]).values())
    assert all(u.endswith(".jpg") for u in srcset_urls(picture["srcset"]).values())
    assert picture["src"] in srcset_urls(picture["srcset"]).values()
    assert (picture["width"], picture["height"]) == ("1280", "960")
    assert picture["loading"] == "lazy"
    assert picture["decoding"] == "async"
    assert picture["sizes"] == picture["source_sizes"]
    language = "en" if url == "/en/" else "zh_hans"
    assert picture["alt"] == getattr(photo, f"alt_{language}")
    assert f"<figcaption>{getattr(photo, f'caption_{language}')}</figcaption>" in group
    # The original's unguessable name is never on the page: only the sized copies.
    assert photo.image.name not in group


def test_a_small_photo_is_never_made_larger(client, seeded):
    GroupPhotoFactory(image=photo_upload("small.png", width=500, height=250, format="PNG"))
    [picture] = pictures(section(client.get("/en/"), "group"))
    assert sorted(srcset_urls(picture["srcset"])) == [160, 320, 500]
    assert (picture["width"], picture["height"]) == ("500", "250")


@pytest.mark.parametrize("url", LANDING_PAGES)
def test_advisor_photo_shows_in_its_sizes_and_every_size_is_served(
    client, seeded, url, public_storage, django_capture_on_commit_callbacks
):
    advisor = Advisor.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        advisor.photo = photo_upload("advisor.jpg", width=900, height=1200)
        advisor.save()

    [picture] = pictures(section(client.get(url), "advisor"))
    language = "en" if url == "/en/" else "zh_hans"
    assert picture["alt"] == getattr(advisor, f"name_{language}")
    assert (picture["width"], picture["height"]) == ("900", "1200")
    urls = [*srcset_urls(picture["webp"]).values(), *srcset_urls(picture["srcset"]).values()]
    assert len(urls) == 8  # 160, 320, 640 and the original's 900, each in WebP and JPEG
    stored = stored_files(public_storage)
    for address in urls:
        assert address.startswith("/media/")
        assert address.removeprefix("/media/") in stored
        response = client.get(address)
        assert response.status_code == 200
        expected = "image/webp" if address.endswith(".webp") else "image/jpeg"
        assert response["Content-Type"] == expected
        b"".join(response.streaming_content)


def test_members_photos_are_small_round_pictures(client, seeded):
    MemberFactory(name_en="Tester Gamma", photo=photo_upload("gamma.jpg", width=600, height=600))
    people = section(client.get("/en/"), "people")
    [picture] = pictures(people)
    assert picture["class"] == "person-photo"
    assert picture["sizes"] == "4rem"
    assert picture["alt"] == "Tester Gamma"
    assert picture["loading"] == "lazy"
    assert 'aria-hidden="true"' not in people


# ---------------------------------------------------------------------------
# The recruiting sentence
# ---------------------------------------------------------------------------


def recruiting_sentence(response):
    found = re.search(
        r'<p class="hero-label" id="hero-positions-label">(.*?)</p>', response.content.decode()
    )
    return html.unescape(found.group(1)) if found else None


def test_recruiting_sentence_names_the_open_positions_and_drops_a_closed_one(client, seeded):
    assert recruiting_sentence(client.get("/en/")) == (
        "The group is now recruiting: Research assistant (RA), Intern and Early internship "
        "for future PhD/master's students (推免/申请考核制)."
    )
    chinese = recruiting_sentence(client.get("/"))
    for position in Position.objects.open():
        assert position.title_zh_hans in chinese

    Position.objects.filter(slug="intern").update(is_open=False)
    pages.clear()

    assert recruiting_sentence(client.get("/en/")) == (
        "The group is now recruiting: Research assistant (RA) and Early internship "
        "for future PhD/master's students (推免/申请考核制)."
    )
    chinese = recruiting_sentence(client.get("/"))
    assert "实习生" not in chinese.replace("提前进组实习", "")
    assert "研究助理（RA）" in chinese


@pytest.mark.parametrize("url", LANDING_PAGES)
def test_the_sentence_labels_the_badges_and_goes_once_no_position_is_open(client, seeded, url):
    page = client.get(url).content.decode()
    assert '<ul class="position-badges" aria-labelledby="hero-positions-label">' in page
    Position.objects.update(is_open=False)
    pages.clear()
    response = client.get(url)
    assert recruiting_sentence(response) is None
    assert "position-badges" not in response.content.decode()


# ---------------------------------------------------------------------------
# A text missing in the page's language
# ---------------------------------------------------------------------------


def test_requirement_without_english_shows_its_chinese_marked_on_the_english_page(client, seeded):
    requirement = Requirement.objects.active().first()
    requirement.text_zh_hans = "只有中文的测试要求。"
    requirement.text_en = ""
    requirement.save()

    english = client.get("/en/").content.decode()
    note = in_language("en", "(in Chinese only)")
    assert (
        '<span lang="zh-Hans" class="fallback">只有中文的测试要求。</span>'
        f'<small class="fallback-note">{note}</small>'
    ) in english
    # On its own page the Chinese text is not marked.
    chinese = client.get("/").content.decode()
    assert "只有中文的测试要求。" in chinese
    assert 'class="fallback"' not in chinese


def test_requirement_without_chinese_shows_its_english_marked_on_the_chinese_page(client, seeded):
    requirement = Requirement.objects.active().first()
    requirement.text_zh_hans = ""
    requirement.text_en = "A test criterion in English only."
    requirement.save()

    chinese = client.get("/").content.decode()
    note = html.escape(in_language("zh-hans", "(in English only)"))
    assert (
        '<span lang="en" class="fallback">A test criterion in English only.</span>'
        f'<small class="fallback-note">{note}</small>'
    ) in chinese
    assert 'class="fallback"' not in client.get("/en/").content.decode()


def test_summary_without_english_keeps_its_paragraphs_in_a_marked_block(client, seeded):
    position = Position.objects.get(slug="ra")
    position.summary_zh_hans = "第一段测试。\n\n第二段测试。"
    position.summary_en = ""
    position.save()
    positions = section(client.get("/en/"), "positions")
    assert (
        '<div lang="zh-Hans" class="fallback"><p>第一段测试。</p>\n\n<p>第二段测试。</p></div>'
        f'<p class="fallback-note">{in_language("en", "(in Chinese only)")}</p>'
    ) in positions


def test_fallback_text_is_escaped(client, seeded):
    requirement = Requirement.objects.active().first()
    requirement.text_zh_hans = "<b>不是标记</b>"
    requirement.text_en = ""
    requirement.save()
    english = client.get("/en/").content.decode()
    assert "&lt;b&gt;不是标记&lt;/b&gt;" in english
    assert "<b>不是标记</b>" not in english


def test_photo_description_without_english_is_a_plain_alt_in_chinese(client, seeded):
    GroupPhotoFactory(alt_zh_hans="只有中文的照片描述", alt_en="", caption_zh_hans="只有中文")
    group = section(client.get("/en/"), "group")
    [picture] = pictures(group)
    assert picture["alt"] == "只有中文的照片描述"
    assert picture["lang"] == "zh-Hans"
    assert '<figcaption><span lang="zh-Hans" class="fallback">只有中文</span>' in group


def test_member_name_without_english_is_marked(client, seeded):
    MemberFactory(name_zh_hans="只有中文名", name_en="", role_en="Master's student")
    people = section(client.get("/en/"), "people")
    assert '<span lang="zh-Hans" class="fallback">只有中文名</span>' in people


def test_criterion_without_english_is_marked_on_the_application_form(client, seeded):
    requirement = Requirement.objects.active().first()
    requirement.short_title_en = ""
    requirement.save()
    form = client.get("/en/apply/").content.decode()
    assert (
        f'<span lang="zh-Hans" class="fallback">{requirement.short_title_zh_hans}</span>' in form
    )


# ---------------------------------------------------------------------------
# Speed
# ---------------------------------------------------------------------------


def add_rows(count):
    """count more group photos, members (every other one with a photo), alumni and publications."""
    for i in range(count):
        GroupPhotoFactory(image=photo_upload(f"g{i}.jpg", width=320, height=240))
        MemberFactory(
            name_en=f"Member {i}",
            photo=photo_upload(f"m{i}.jpg", width=200, height=200) if i % 2 == 0 else "",
        )
        MemberFactory(name_en=f"Alumnus {i}", status=Member.Status.ALUMNI)
        PublicationFactory(title=f"Made-Up Paper {i}")


def test_the_page_runs_as_many_queries_for_thirty_photos_people_and_papers_as_for_one(
    client, seeded, django_assert_max_num_queries
):
    add_rows(1)
    with CaptureQueriesContext(connection) as one:
        client.get("/en/")

    add_rows(29)
    pages.clear()
    with django_assert_max_num_queries(len(one.captured_queries)):
        response = client.get("/en/")
    text = visible_text(response)
    for row in ("Member 28", "Alumnus 28", "Made-Up Paper 28"):
        assert row in text
    assert len(pictures(section(response, "group"))) == 30
    assert len(pictures(section(response, "people"))) == 16
