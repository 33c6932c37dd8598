"""
The lab's name and tagline come from its row: an editor's change in the admin reaches the
pages' titles, descriptions, share cards and JSON-LD in both languages, cached pages
included; without the row the pages still read well.
"""

import json
import re
from html import unescape

import pytest
from django.contrib.auth.models import Group, User

from recruiting.models import Lab
from recruiting.roles import setup_roles

NEW = {
    "zh-hans": ("智能数据课题组", "研究数据为中心的机器学习与系统"),
    "en": ("Intelligent Data Group", "Data-centric machine learning & its systems"),
}
PREFIX = {"zh-hans": "", "en": "/en"}
APPLY = {"zh-hans": "申请", "en": "Apply"}


def head(client, path):
    response = client.get(path)
    assert response.status_code == 200
    html = response.content.decode()
    html = html[: html.index("</head>")]
    metas = {
        key: unescape(value)
        for key, value in re.findall(r'<meta (?:name|property)="([^"]+)" content="([^"]*)"', html)
    }
    title = unescape(re.search(r"<title>(.*?)</title>", html, re.S).group(1))
    json_ld = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    graph = json.loads(json_ld.group(1))["@graph"] if json_ld else []
    return title, metas, graph


@pytest.fixture
def editor_client(client, seeded):
    setup_roles()
    editor = User.objects.create_user("editor", is_staff=True)
    editor.groups.add(Group.objects.get(name="editors"))
    client.force_login(editor)
    return client


def rename_in_the_admin(client):
    """Post the lab's change form as an editor would, with a new name and tagline."""
    url = f"/admin/recruiting/lab/{Lab.objects.get().pk}/change/"
    form = client.get(url).context["adminform"].form
    data = {name: form[name].value() or "" for name in form.fields}
    for language, (name, tagline) in NEW.items():
        suffix = language.replace("-", "_")
        data[f"name_{suffix}"], data[f"tagline_{suffix}"] = name, tagline
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_an_editors_new_name_and_tagline_reach_the_landing_page(editor_client, language):
    landing = f"{PREFIX[language]}/"
    head(editor_client, landing)  # the page is cached now
    rename_in_the_admin(editor_client)
    name, tagline = NEW[language]

    title, metas, graph = head(editor_client, landing)

    assert title.startswith(f"{name} · ")
    assert metas["description"].startswith(tagline)
    assert metas["og:site_name"] == metas["og:title"] == metas["twitter:title"] == name
    assert metas["og:description"] == metas["twitter:description"] == tagline
    [group] = [node for node in graph if node["@type"] == "Organization"]
    assert (group["name"], group["description"]) == (name, tagline)
    assert {p["hiringOrganization"]["name"] for p in graph if p["@type"] == "JobPosting"} == {name}


def test_an_editors_save_succeeds_while_redis_does_not_answer(editor_client, redis_away):
    """The page cache is cleared best-effort: a cache outage never costs an editor's work."""
    rename_in_the_admin(editor_client)  # a 302, not a 500

    assert Lab.objects.get().name_en == NEW["en"][0]


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_an_editors_new_name_and_tagline_reach_the_apply_page(editor_client, language):
    apply = f"{PREFIX[language]}/apply/"
    head(editor_client, apply)
    rename_in_the_admin(editor_client)
    name, tagline = NEW[language]

    title, metas, _graph = head(editor_client, apply)

    assert title == f"{APPLY[language]} · {name}"
    assert name in metas["description"] and metas["description"].endswith(tagline)
    assert metas["og:site_name"] == metas["og:title"] == name
    assert metas["og:description"] == tagline


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_privacy_notice_names_the_lab_and_shares_its_name(client, seeded, language):
    field = language.replace("-", "_")
    Lab.objects.update(**{f"name_{field}": NEW[language][0]})
    name, tagline = Lab.objects.values_list(f"name_{field}", f"tagline_{field}").get()
    path = f"{PREFIX[language]}/privacy/"

    _title, metas, _graph = head(client, path)
    lead = re.search(r'<p class="lead">(.*?)</p>', client.get(path).content.decode(), re.S)

    assert metas["og:site_name"] == metas["og:title"] == name
    assert metas["og:description"] == tagline
    assert name in unescape(lead.group(1))


@pytest.mark.parametrize(
    ("path", "title", "share_title"),
    [
        ("/apply/", "申请", "招生"),
        ("/en/apply/", "Apply", "Recruiting"),
        ("/en/privacy/", None, "Recruiting"),
        ("/en/", "Recruiting", "Recruiting"),
    ],
)
def test_without_the_labs_row_the_pages_read_well(client, lab, path, title, share_title):
    page_title, metas, graph = head(client, path)

    if title is not None:
        assert page_title == title
    assert "None" not in page_title and " · " not in page_title
    assert metas["og:title"] == share_title
    assert "og:site_name" not in metas and "og:description" not in metas
    assert "Organization" not in [node["@type"] for node in graph]
