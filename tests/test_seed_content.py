"""`manage.py seed_content`: the source post loaded in both languages, safe to run again."""

import re
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import translation
from modeltranslation.translator import translator

from recruiting.content import CONTENT_MODELS, TRANSLATED_MODELS, landing_content
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
from tests.facts import FACTS_EN, FACTS_ZH

CJK = re.compile(r"[\u4e00-\u9fff]")


def seed(verbosity=0):
    out = StringIO()
    call_command("seed_content", verbosity=verbosity, stdout=out)
    return out.getvalue()


def snapshot():
    """Every content row, field by field (both languages), keyed by model."""
    return {
        model.__name__: list(model.objects.order_by("pk").values()) for model in CONTENT_MODELS
    }


def seeded_text(language):
    """Every text column of the content in one language, with those not translated."""
    texts = []
    for model in TRANSLATED_MODELS:
        translated = translator.get_options_for_model(model).fields
        columns = []
        for field in model._meta.concrete_fields:
            if field.get_internal_type() not in ("CharField", "TextField"):
                continue
            if field.name in translated:
                continue  # the original column, a copy of the Chinese
            if field.name.endswith(("_zh_hans", "_en")) and not field.name.endswith(
                f"_{language}"
            ):
                continue
            columns.append(field.attname)
        for row in model.objects.all():
            texts.extend(getattr(row, column) or "" for column in columns)
    return "\n".join(texts)


def test_seeding_an_empty_database_loads_every_section(db):
    seed()

    assert Lab.objects.count() == 1
    assert Advisor.objects.count() == 1
    assert Achievement.objects.filter(kind=Achievement.Kind.HONOUR).count() == 6
    assert list(
        Achievement.objects.filter(kind=Achievement.Kind.SYSTEM).values_list(
            "name", "github_stars"
        )
    ) == [("SGL", ""), ("Angel", "6.7k"), ("OpenBox", "")]
    assert list(AdvantageGroup.objects.values_list("title_zh_hans", flat=True)) == [
        "研究方向",
        "学生指导",
        "资源优势",
        "其他",
    ]
    assert [group.items.count() for group in AdvantageGroup.objects.all()] == [2, 4, 4, 1]
    resources = AdvantageGroup.objects.get(title_zh_hans="资源优势")
    assert list(resources.items.values_list("title_zh_hans", flat=True)) == [
        "业界合作",
        "学术合作",
        "充足算力",
        "助研津贴",
    ]
    assert list(ResearchDirection.objects.filter(parent=None).values_list("slug", flat=True)) == [
        "general-dcml",
        "dcml-applications",
        "dcml-systems",
    ]
    assert list(
        ResearchDirection.objects.filter(parent__slug="dcml-applications").values_list(
            "slug", flat=True
        )
    ) == ["for-science", "for-aigc"]
    assert list(Position.objects.open().values_list("slug", flat=True)) == [
        "ra",
        "intern",
        "early-intern",
    ]
    assert list(Requirement.objects.active().values_list("order", "short_title_zh_hans")) == [
        (1, "顶会论文"),
        (2, "研究与开源经验"),
        (3, "实习成果"),
        (4, "竞赛成绩"),
        (5, "科研热情"),
    ]


def test_the_command_says_what_it_created_and_what_it_left_alone(db):
    first = seed(verbosity=1)
    assert "Created:" in first
    assert "requirements (5)" in first
    assert "reasons to join (4 groups, 11 items)" in first

    second = seed(verbosity=1)
    assert "Created" not in second
    assert "Left as they are" in second
    assert "requirements" in second

    assert seed(verbosity=0) == ""


def test_every_translated_field_has_chinese_and_english(db):
    seed()
    for model in TRANSLATED_MODELS:
        for row in model.objects.all():
            for name in translator.get_options_for_model(model).fields:
                chinese = getattr(row, f"{name}_zh_hans")
                english = getattr(row, f"{name}_en")
                where = f"{model.__name__} {row.pk} {name}"
                assert bool(chinese) == bool(english), where
                if CJK.search(chinese or ""):
                    assert english != chinese, f"{where} is not translated"


def test_running_it_again_changes_nothing(db):
    seed()
    before = snapshot()

    seed()

    assert snapshot() == before


def test_staff_edits_survive_a_second_run(db):
    seed()
    requirement = Requirement.objects.get(order=2)
    requirement.text_zh_hans = "熟练掌握 PyTorch。"
    requirement.save()
    Advantage.objects.get(title_zh_hans="助研津贴").delete()
    Position.objects.filter(slug="early-intern").update(is_open=False)
    Position.objects.filter(slug="intern").delete()
    Lab.objects.update(meeting_place_zh_hans="静园六院")

    seed()

    assert Requirement.objects.get(order=2).text_zh_hans == "熟练掌握 PyTorch。"
    assert Requirement.objects.count() == 5
    assert not Advantage.objects.filter(title_zh_hans="助研津贴").exists()
    assert Advantage.objects.count() == 10
    assert list(Position.objects.values_list("slug", "is_open")) == [
        ("ra", True),
        ("early-intern", False),
    ]
    assert Lab.objects.get().meeting_place_zh_hans == "静园六院"


def test_a_section_staff_emptied_is_loaded_again_and_the_others_are_left_alone(db):
    seed()
    Position.objects.all().delete()
    Requirement.objects.filter(order=5).delete()

    seed()

    assert Position.objects.count() == 3
    assert Requirement.objects.count() == 4


def test_an_advisor_is_added_to_a_lab_staff_created_first(db):
    lab = Lab.objects.create(name="课题组", tagline="机器学习", requirements_rule="至少一项")

    seed()

    assert Lab.objects.get().name == "课题组"
    assert Advisor.objects.get().lab == lab
    assert Advisor.objects.get().name_en == "Zhang Wentao"


def test_nothing_the_post_does_not_give_is_invented(db):
    seed()
    lab = Lab.objects.get()
    advisor = Advisor.objects.get()

    assert lab.email == ""
    assert lab.website == ""
    assert advisor.email == ""
    assert advisor.homepage == ""
    assert not advisor.photo
    assert not Achievement.objects.exclude(url="").exists()
    assert not Position.objects.exclude(deadline=None).exists()


@pytest.mark.parametrize("language", ["zh_hans", "en"])
def test_no_email_address_or_phone_number_is_seeded(db, language):
    seed()
    text = seeded_text(language)

    assert "@" not in text
    assert not re.search(r"\d[\d\s-]{7,}\d", text)
    assert "微信号" not in text
    assert "WeChat ID" not in text


def test_requirement_keywords_are_names_the_post_gives(db):
    seed()
    keywords = dict(Requirement.objects.values_list("order", "keywords"))
    assert keywords == {
        1: "ICML, NeurIPS, ICLR, CVPR, ICCV, WWW, KDD, SIGMOD, VLDB",
        2: "PyTorch",
        3: "",
        4: "Kaggle, 天池, OGB, ACM, NOI, NOIP",
        5: "",
    }
    for requirement in Requirement.objects.all():
        for keyword in requirement.keyword_list:
            assert keyword in requirement.text_zh_hans


def test_every_fact_of_the_post_is_seeded_in_both_languages(db):
    seed()
    chinese = seeded_text("zh_hans")
    english = seeded_text("en")

    assert [fact for fact in FACTS_ZH if fact not in chinese] == []
    assert [fact for fact in FACTS_EN if fact not in english] == []


def test_landing_content_returns_every_section_in_at_most_nine_queries(
    db, django_assert_max_num_queries
):
    seed()
    translation.activate("zh-hans")  # an earlier test's request may have left English on

    with django_assert_max_num_queries(9):
        content = landing_content()
        advisor_name = content.advisor.name
        items = [item.text for group in content.advantage_groups for item in group.item_list]
        branches = [child.slug for d in content.directions for child in d.child_list]

    assert content.lab.name == "北大国际机器学习研究中心张文涛教授团队"
    assert advisor_name == "张文涛"
    assert len(content.honours) == 6
    assert [system.name for system in content.systems] == ["SGL", "Angel", "OpenBox"]
    assert len(content.advantage_groups) == 4
    assert len(items) == 11
    assert [d.slug for d in content.directions] == [
        "general-dcml",
        "dcml-applications",
        "dcml-systems",
    ]
    assert branches == ["for-science", "for-aigc"]
    assert [p.slug for p in content.positions] == ["ra", "intern", "early-intern"]
    assert len(content.requirements) == 5
