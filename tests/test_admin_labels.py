"""
The recruiting admin as a Chinese reviewer reads it: field labels, column headers, filter
titles and section headings in Chinese, with the words a Chinese reader expects (an
advisor's 职称, a person's 姓名), no English phrase Django has a translation for, and the
same admin in English for an English browser.
"""

import gettext
import re
from html.parser import HTMLParser
from pathlib import Path

import django
import pytest
from django.conf import settings

from recruiting.content import CONTENT_MODELS
from recruiting.models import (
    Achievement,
    Advisor,
    Application,
    Lab,
    Message,
    MessageTemplate,
    Position,
    Requirement,
    ResearchDirection,
)
from tests.factories import ApplicationFactory, ReviewFactory, StaffFactory

HAN = re.compile(r"[\u4e00-\u9fff]")
# Names a Chinese page keeps as they are.
PROPER_NAMES = {"GitHub", "Google Scholar", "DBLP", "CV", "ID", "WeChat", "Message-ID"}
# The languages' own names (settings.LANGUAGES), which a translated field's label carries
# in every admin language: "Title [中文]", "标题 [English]".
LANGUAGE_NAMES = {name for code, name in settings.LANGUAGES}
LANGUAGE_SUFFIX = re.compile(r" \[(?:{})\]".format("|".join(map(re.escape, LANGUAGE_NAMES))))


class Names(HTMLParser):
    """
    What names things on an admin page, by kind: field labels, column headers (table
    heads), filter titles and section headings (fieldsets, inlines); and every text and
    attribute text a reader meets (`texts`).
    """

    ATTRIBUTES = ("title", "alt", "aria-label", "placeholder")

    def __init__(self):
        super().__init__()
        self.names = {"label": [], "column": [], "filter": [], "heading": []}
        self.texts = []
        self.open = []  # [tag, kind or None, [text pieces]]
        self.in_thead = self.in_filters = self.in_script = 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        classes = (attrs.get("class") or "").split()
        self.texts += [attrs[name] for name in self.ATTRIBUTES if attrs.get(name)]
        if tag == "input" and attrs.get("type") in ("submit", "button"):
            self.texts.append(attrs.get("value") or "")
        if tag == "input":
            # A label around its input names a choice (a user, a direction): data, not a field.
            for entry in self.open:
                if entry[1] == "label":
                    entry[1] = None
        if tag in ("input", "img", "br", "hr", "meta", "link", "col"):
            return
        self.in_thead += tag == "thead"
        self.in_filters += tag == "nav" and attrs.get("id") == "changelist-filter"
        self.in_script += tag in ("script", "style")
        kind = None
        if tag == "label":
            kind = "label"
        elif tag == "th" and self.in_thead:
            kind = "column"
        elif tag == "summary" and self.in_filters:
            kind = "filter"
        elif tag == "h2" and {"fieldset-heading", "inline-heading"} & set(classes):
            kind = "heading"
        self.open.append([tag, kind, []])

    def handle_endtag(self, tag):
        while self.open:
            opened, kind, pieces = self.open.pop()
            self.in_thead -= opened == "thead"
            self.in_filters -= opened == "nav" and self.in_filters > 0
            self.in_script -= opened in ("script", "style")
            if kind:
                text = " ".join("".join(pieces).split()).rstrip(":：").strip()
                if text:
                    self.names[kind].append(text)
            if opened == tag:
                break

    def handle_data(self, data):
        if self.in_script:
            return
        for _tag, kind, pieces in self.open:
            if kind:
                pieces.append(data)
        if data.strip():
            self.texts.append(data.strip())


def names_on(client, url, **post):
    response = client.post(url, post) if post else client.get(url)
    assert response.status_code == 200, url
    parser = Names()
    parser.feed(response.content.decode())
    return parser


def django_translated_phrases():
    """The English phrases Django's admin and core catalogues translate into Chinese."""
    phrases = set()
    for locale in (
        Path(django.__file__).parent / "conf" / "locale",
        Path(django.__file__).parent / "contrib" / "admin" / "locale",
    ):
        with (locale / "zh_Hans" / "LC_MESSAGES" / "django.mo").open("rb") as file:
            catalogue = gettext.GNUTranslations(file)._catalog
        for key in catalogue:
            msgid = key[0] if isinstance(key, tuple) else key
            msgid = msgid.split("\x04")[-1]
            if re.search(r"[A-Za-z]{2}", msgid) and "%" not in msgid:
                phrases.add(msgid)
    return phrases - LANGUAGE_NAMES


@pytest.fixture
def boss(seeded, client):
    """A superuser, logged in: every recruiting admin page is open to her."""
    from django.contrib.auth.models import User

    user = User.objects.create_superuser("boss", "boss@example.com", "pw")
    client.force_login(user)
    return user


@pytest.fixture
def applications(seeded):
    requirements = list(Requirement.objects.all()[:2])
    directions = list(ResearchDirection.objects.all()[:2])
    found = [
        ApplicationFactory(
            position=Position.objects.first(),
            claims={requirements[0]: "PyTorch：https://github.com/x", requirements[1]: "NOI"},
            directions=directions,
        )
        for _ in range(2)
    ]
    ReviewFactory(application=found[0], reviewer=StaffFactory(), rating=4, comment="good")
    Message.objects.create(
        application=found[0],
        kind=Message.Kind.CONFIRMATION,
        language="zh-hans",
        recipients=[found[0].email],
        subject="申请已收到",
        body="你好",
        message_id="<1@example.com>",
    )
    return found


def admin_pages(applications):
    """Every recruiting admin page: index, lists, change and add forms, extra pages."""
    pages = ["/admin/", "/admin/recruiting/application/dashboard/"]
    for model in (*CONTENT_MODELS, Application, MessageTemplate, Message):
        base = f"/admin/recruiting/{model._meta.model_name}/"
        pages.append(base)
        first = model.objects.order_by("pk").first()
        if first is not None:  # the post gives no photos, people nor publications
            pages.append(f"{base}{first.pk}/change/")
        if model not in (Lab, Application, Message):
            pages.append(f"{base}add/")
    return pages


def stage_confirmation(client, applications):
    return names_on(
        client,
        "/admin/recruiting/application/",
        action="move_to_interview",
        _selected_action=[application.pk for application in applications],
    )


# --- The words a Chinese reviewer expects ---------------------------------------------------


def test_the_advisor_has_a_name_and_a_rank_not_a_designation_and_a_heading(client, boss):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "zh-hans"
    advisor = Advisor.objects.get()

    columns = names_on(client, "/admin/recruiting/advisor/").names["column"]
    labels = names_on(client, f"/admin/recruiting/advisor/{advisor.pk}/change/").names["label"]

    assert columns[-4:] == ["姓名", "职称", "单位", "翻译"]
    assert {"姓名 [中文]", "姓名 [English]", "职称 [中文]", "职称 [English]"} <= set(labels)
    assert not [label for label in labels if label.startswith(("名称", "标题"))]


def test_an_applicant_has_a_name_and_a_position_and_a_direction_have_titles_of_their_own(
    client, boss, applications
):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "zh-hans"
    direction = ResearchDirection.objects.first()

    assert "姓名" in names_on(client, "/admin/recruiting/application/").names["column"]
    assert "职位名称" in names_on(client, "/admin/recruiting/position/").names["column"]
    direction_labels = names_on(
        client, f"/admin/recruiting/researchdirection/{direction.pk}/change/"
    ).names["label"]
    assert "方向名称 [中文]" in direction_labels


def test_an_award_has_a_text_and_an_email_a_body(client, boss):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "zh-hans"
    award = Achievement.objects.first()
    template = MessageTemplate.objects.first()

    award_labels = names_on(client, f"/admin/recruiting/achievement/{award.pk}/change/")
    template_labels = names_on(client, f"/admin/recruiting/messagetemplate/{template.pk}/change/")

    assert "内容 [中文]" in award_labels.names["label"]
    assert "正文 [中文]" in template_labels.names["label"]


def test_the_index_names_its_columns_for_screen_readers_in_chinese(client, boss):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "zh-hans"

    columns = names_on(client, "/admin/").names["column"]

    assert columns[:3] == ["模型名称", "增加链接", "修改或查看列表链接"]


def test_the_search_box_is_named_in_chinese(client, boss, applications):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "zh-hans"

    page = names_on(client, "/admin/recruiting/application/")

    assert "搜索" in page.texts
    assert "Search" not in page.texts


# --- Every page -------------------------------------------------------------------------------


def english_names(parser):
    """The labels, headers, filter titles and headings with no Chinese in them."""
    return [
        (kind, name)
        for kind, names in parser.names.items()
        for name in names
        if not HAN.search(name) and name not in PROPER_NAMES and re.search("[A-Za-z]", name)
    ]


def test_every_recruiting_admin_page_names_its_fields_columns_filters_and_sections_in_chinese(
    client, boss, applications
):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "zh-hans"
    stock = django_translated_phrases()
    pages = {url: names_on(client, url) for url in admin_pages(applications)}
    pages["stage confirmation"] = stage_confirmation(client, applications)

    untranslated = {url: english_names(page) for url, page in pages.items()}
    in_english = {url: sorted(stock & set(page.texts)) for url, page in pages.items()}

    assert {url: names for url, names in untranslated.items() if names} == {}
    assert {url: phrases for url, phrases in in_english.items() if phrases} == {}
    # Each page was read: it names something.
    assert all(sum(page.names.values(), []) for page in pages.values())


def test_the_english_admin_reads_english(client, boss, applications):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    pages = {url: names_on(client, url) for url in admin_pages(applications)}
    pages["stage confirmation"] = stage_confirmation(client, applications)

    chinese = {
        url: [
            name
            for names in page.names.values()
            for name in names
            if HAN.search(LANGUAGE_SUFFIX.sub("", name))
        ]
        for url, page in pages.items()
    }

    assert {url: names for url, names in chinese.items() if names} == {}
    advisor = pages["/admin/recruiting/advisor/"].names["column"]
    assert advisor[-4:] == ["Name", "Title", "Affiliation", "Translations"]
