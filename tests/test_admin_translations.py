"""Editors see which texts lack a language: in each list, on the form, on saving, on one page."""

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from recruiting.models import Advantage, AdvantageGroup, Requirement
from tests.factories import PositionFactory, RequirementFactory
from tests.submissions import change_form_data

STATUS_URL = reverse("admin:recruiting_translation_status")
REQUIREMENTS = reverse("admin:recruiting_requirement_changelist")


def change_url(obj):
    return reverse(f"admin:recruiting_{obj._meta.model_name}_change", args=[obj.pk])


@pytest.fixture
def untranslated(db):
    """A criterion whose English short title and text were never written."""
    return RequirementFactory(
        short_title_zh_hans="竞赛成绩", short_title_en="", text_zh_hans="竞赛获奖。", text_en=None
    )


@pytest.fixture
def translated(db):
    return RequirementFactory(short_title_zh_hans="科研热情", short_title_en="Drive for research")


def row_of(response, obj):
    cl = response.context["cl"]
    return dict(zip(cl.result_list, response.context["results"], strict=True))[obj]


def test_the_list_names_the_language_and_fields_each_row_lacks(
    editor_client, untranslated, translated
):
    response = editor_client.get(REQUIREMENTS)
    assert "English missing: short title and criterion" in "".join(row_of(response, untranslated))
    assert "✓ complete" in "".join(row_of(response, translated))


def test_a_text_empty_in_both_languages_is_missing_only_when_required(editor_client, db):
    # A position's description may be left out in both languages; its title may not.
    position = PositionFactory(title_zh_hans="", title_en="", summary_zh_hans="", summary_en="")
    response = editor_client.get(reverse("admin:recruiting_position_changelist"))
    row = "".join(row_of(response, position))
    assert "English missing: title" in row
    assert "Chinese missing: title" in row
    assert "description" not in row


def test_the_list_filters_by_the_missing_language(editor_client, untranslated, translated):
    chinese_only = RequirementFactory(short_title_zh_hans="", short_title_en="Internship")

    def listed(value):
        response = editor_client.get(REQUIREMENTS, {"translation": value})
        assert response.status_code == 200
        return set(response.context["cl"].result_list)

    assert listed("en") == {untranslated}
    assert listed("zh-hans") == {chinese_only}
    assert listed("complete") == {translated}
    assert editor_client.get(REQUIREMENTS, {"translation": "fr"}).status_code == 400


def test_the_form_marks_the_empty_english_fields_and_says_what_the_page_shows(
    editor_client, untranslated
):
    response = editor_client.get(change_url(untranslated))
    form = response.context["adminform"].form
    for name in ("short_title_en", "text_en"):
        assert "translation-missing" in form.fields[name].widget.attrs["class"]
        assert "the English page shows the Chinese text" in form.fields[name].help_text
    for name in ("short_title_zh_hans", "evidence_prompt_en"):
        assert "translation-missing" not in form.fields[name].widget.attrs.get("class", "")
    html = response.content.decode()
    assert "English text missing: the English page shows the Chinese text." in html


def test_inline_forms_mark_their_missing_texts_too(editor_client, db):
    group = AdvantageGroup.objects.create(title_zh_hans="科研", title_en="Research", order=1)
    Advantage.objects.create(group=group, text_zh_hans="每周组会", order=1)
    response = editor_client.get(change_url(group))
    (items,) = [i.formset for i in response.context["inline_admin_formsets"]]
    assert "translation-missing" in items.forms[0].fields["text_en"].widget.attrs["class"]


def test_saving_with_a_missing_translation_saves_and_warns(editor_client, untranslated):
    url = change_url(untranslated)
    data = change_form_data(editor_client.get(url))
    data["text_zh_hans"] = "在竞赛中获奖。"
    response = editor_client.post(url, data)
    assert response.status_code == 302
    untranslated.refresh_from_db()
    assert untranslated.text_zh_hans == "在竞赛中获奖。"
    warnings = [m.message for m in get_messages(response.wsgi_request) if m.level_tag == "warning"]
    assert warnings == [
        "Saved, with texts missing in one language: English missing: short title and criterion."
    ]


def test_saving_names_the_items_edited_inline_that_lack_a_language(editor_client, db):
    group = AdvantageGroup.objects.create(title_zh_hans="科研", title_en="Research", order=1)
    item = Advantage.objects.create(group=group, text_zh_hans="每周组会", order=1)
    url = change_url(group)
    response = editor_client.post(url, change_form_data(editor_client.get(url)))
    assert response.status_code == 302
    (warning,) = [
        m.message for m in get_messages(response.wsgi_request) if m.level_tag == "warning"
    ]
    assert f"{Advantage._meta.verbose_name} “{item}”: English missing: text" in warning


def test_saving_a_complete_text_gives_no_warning(editor_client, translated):
    url = change_url(translated)
    response = editor_client.post(url, change_form_data(editor_client.get(url)))
    assert response.status_code == 302
    assert not [m for m in get_messages(response.wsgi_request) if m.level_tag == "warning"]


def test_the_status_page_lists_a_missing_english_text_until_it_is_filled(
    editor_client, untranslated, translated
):
    response = editor_client.get(STATUS_URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert f'href="{change_url(untranslated)}"' in html
    assert "竞赛成绩" in html
    assert "short title and criterion" in html
    assert f'href="{change_url(translated)}"' not in html

    Requirement.objects.filter(pk=untranslated.pk).update(
        short_title_en="Competitions", text_en="Prizes in competitions."
    )
    html = editor_client.get(STATUS_URL).content.decode()
    assert change_url(untranslated) not in html
    assert "All texts are in both languages." in html


def test_the_admin_index_links_editors_to_the_status_page(editor_client, reviewer, client):
    assert STATUS_URL in editor_client.get(reverse("admin:index")).content.decode()
    client.force_login(reviewer)
    assert STATUS_URL not in client.get(reverse("admin:index")).content.decode()


def test_reviewers_without_content_permissions_may_not_open_the_status_page(reviewer_client):
    assert reviewer_client.get(STATUS_URL).status_code == 403


def test_the_status_page_and_list_take_as_many_queries_for_30_texts_as_for_1(
    editor_client, django_assert_max_num_queries
):
    RequirementFactory(short_title_en="")
    with django_assert_max_num_queries(30) as one:
        editor_client.get(STATUS_URL)
    with django_assert_max_num_queries(30) as one_list:
        editor_client.get(REQUIREMENTS)
    RequirementFactory.create_batch(29, short_title_en="")
    with django_assert_max_num_queries(len(one)):
        assert editor_client.get(STATUS_URL).content.decode().count("/change/") == 30
    with django_assert_max_num_queries(len(one_list)):
        editor_client.get(REQUIREMENTS)
