"""Editing the page's content: both languages as tabs, order edited in the list, live."""

import re

import pytest
from django.urls import reverse

from recruiting.content import CONTENT_MODELS, TRANSLATED_MODELS
from recruiting.models import (
    Achievement,
    Advantage,
    AdvantageGroup,
    Advisor,
    GroupPhoto,
    Lab,
    Member,
    Position,
    Publication,
    Requirement,
    ResearchDirection,
)
from tests.factories import RequirementFactory
from tests.images import photo_upload
from tests.submissions import change_form_data

LISTS = [m for m in CONTENT_MODELS if m not in (Lab, Advisor)]


@pytest.fixture
def content(db):
    """One row of every content model."""
    lab = Lab.objects.create(
        name_zh_hans="分布式机器学习课题组",
        name_en="DCML group",
        institution_zh_hans="北京大学",
        tagline_zh_hans="一句话",
        requirements_rule_zh_hans="至少满足一条",
    )
    advisor = Advisor.objects.create(
        lab=lab, name_zh_hans="张老师", title_zh_hans="教授", affiliation_zh_hans="北京大学"
    )
    Achievement.objects.create(advisor=advisor, text_zh_hans="奖项", order=1)
    group = AdvantageGroup.objects.create(title_zh_hans="科研", order=1)
    Advantage.objects.create(group=group, text_zh_hans="组会", order=1)
    ResearchDirection.objects.create(slug="dcml", title_zh_hans="通用DCML", order=1)
    Position.objects.create(slug="ra", title_zh_hans="科研助理", order=1)
    RequirementFactory(
        short_title_zh_hans="顶会论文",
        short_title_en="Top paper",
        text_zh_hans="在顶级会议发表论文",
    )
    GroupPhoto.objects.create(image=photo_upload(), alt_zh_hans="组会", order=1)
    Member.objects.create(name_zh_hans="李同学", role_zh_hans="博士生", order=1)
    Publication.objects.create(title="A made-up paper", authors="A. Author", year=2024)
    return lab


@pytest.mark.parametrize("model", TRANSLATED_MODELS, ids=lambda m: m.__name__)
def test_editors_open_every_content_list_and_form_with_a_tab_per_language(
    editor_client, content, model
):
    opts = model._meta
    assert (
        editor_client.get(reverse(f"admin:recruiting_{opts.model_name}_changelist")).status_code
        == 200
    )
    obj = model.objects.first()
    response = editor_client.get(
        reverse(f"admin:recruiting_{opts.model_name}_change", args=[obj.pk])
    )
    assert response.status_code == 200
    html = response.content.decode()
    # Each translated field appears in both languages, as tabs; the page links to the
    # public page.
    assert re.search(r'name="\w+_zh_hans"', html) and re.search(r'name="\w+_en"', html)
    assert "/static/modeltranslation/js/tabbed_translation_fields.js" in html
    assert "View on site" in html


@pytest.mark.django_db
def test_language_tabs_load_from_this_site_with_no_inline_script(editor_client, content):
    requirement = Requirement.objects.get()
    url = reverse("admin:recruiting_requirement_change", args=[requirement.pk])
    html = editor_client.get(url).content.decode()
    scripts = re.findall(r"<script\b([^>]*)>", html)
    for attributes in scripts:
        src = re.search(r'src="([^"]+)"', attributes)
        assert src or 'type="application/json"' in attributes, attributes
        if src:
            assert src.group(1).startswith(("/static/", "/admin/")), src.group(1)
    assert "/static/vendor/jquery-ui/jquery-ui.min.js" in html
    assert "/static/modeltranslation/js/tabbed_translation_fields.js" in html


@pytest.mark.django_db
@pytest.mark.parametrize("model", LISTS, ids=lambda m: m.__name__)
def test_editors_reorder_every_list_from_the_list_itself(editor_client, content, model):
    first = model.objects.get()
    second = model.objects.get(pk=first.pk)
    second.pk, second._state.adding = None, True
    if hasattr(second, "slug"):
        second.slug += "-2"
    first.order, second.order = 1, 2
    first.save()
    second.save()
    url = reverse(f"admin:recruiting_{model._meta.model_name}_changelist")
    response = editor_client.get(url)
    assert list(response.context["cl"].result_list) == [first, second]

    data = {**change_form_data(response), "_save": "Save"}
    for form in response.context["cl"].formset.forms:
        data[form.add_prefix("order")] = 1 if form.instance == second else 2
    assert editor_client.post(url, data).status_code == 302

    assert list(editor_client.get(url).context["cl"].result_list) == [second, first]


@pytest.mark.django_db
def test_a_change_in_the_admin_shows_on_the_public_page_at_once(editor_client, content):
    assert "在顶级会议发表论文" in editor_client.get("/").content.decode()  # now cached
    requirement = Requirement.objects.get()
    url = reverse("admin:recruiting_requirement_change", args=[requirement.pk])
    data = change_form_data(editor_client.get(url))
    data["text_zh_hans"] = "以第一作者身份在CCF-A类会议发表论文"
    assert editor_client.post(url, data).status_code == 302
    html = editor_client.get("/").content.decode()
    assert "以第一作者身份在CCF-A类会议发表论文" in html
    assert "在顶级会议发表论文" not in html


@pytest.mark.django_db
def test_view_on_site_goes_to_the_section_of_the_public_page(editor_client, content):
    position = Position.objects.get()
    url = reverse("admin:recruiting_position_change", args=[position.pk])
    html = editor_client.get(url).content.decode()
    link = re.search(r'href="([^"]+)" class="viewsitelink"', html).group(1)
    response = editor_client.get(link)
    assert response.status_code == 302
    assert response["Location"].endswith("/#positions")


@pytest.mark.django_db
def test_admin_title_is_the_labs(editor_client):
    html = editor_client.get(reverse("admin:index")).content.decode()
    assert "Lab recruiting admin" in html


@pytest.mark.django_db
@pytest.mark.parametrize(
    "model, prefix, child_field",
    [
        (Advisor, "achievements", "text_en"),
        (AdvantageGroup, "items", "text_en"),
        (ResearchDirection, "children", "title_en"),
    ],
    ids=["achievements under the advisor", "items under their group", "branches"],
)
def test_children_are_edited_inline_in_both_languages(
    editor_client, content, model, prefix, child_field
):
    parent = model.objects.filter(**({"parent": None} if model is ResearchDirection else {}))[0]
    if model is ResearchDirection:
        ResearchDirection.objects.create(
            slug="science", title_zh_hans="科学", parent=parent, order=1
        )
    url = reverse(f"admin:recruiting_{model._meta.model_name}_change", args=[parent.pk])
    html = editor_client.get(url).content.decode()
    assert f'name="{prefix}-0-{child_field}"' in html
    assert f'name="{prefix}-0-order"' in html
