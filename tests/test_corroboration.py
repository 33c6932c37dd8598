"""
What the CV corroborates of a claim's evidence (recruiting/corroboration.py): keywords,
links and the author position, in English and in Chinese as PDF extraction gives it.
"""

import json

import pytest
from django.db import connection
from django.utils import translation

from recruiting.corroboration import (
    MAIN_POSITIONS,
    Finding,
    State,
    author_positions,
    corroborate,
    keywords_in,
    link_key,
    links_in_cv,
    normalize,
    search_document,
    search_phrases,
    snippets,
)

VENUES = "ICML, NeurIPS, ICLR, CVPR, ICCV, WWW, KDD, SIGMOD, VLDB"
COMPETITIONS = "Kaggle, 天池, OGB, ACM, NOI, NOIP"


def explained(finding):
    with translation.override("en"):
        return finding.explanations()


# --- Normalizing ----------------------------------------------------------------------------


def test_full_width_letters_digits_and_spaces_read_as_ascii():
    assert normalize("ＩＣＭＬ\u3000２０２４") == "ICML 2024"


def test_spaces_and_line_breaks_between_chinese_characters_are_removed():
    assert normalize("北 京\n大  学 计算机学院") == "北京大学计算机学院"


def test_spaces_between_words_are_kept_and_collapsed():
    assert normalize("  Kaggle\n\n gold   medal 天池 Top 10 ") == "Kaggle gold medal 天池 Top 10"


def test_a_link_still_ends_at_the_full_width_comma_once_normalized():
    evidence = "代码：https://github.com/x/y，获得Kaggle金牌"
    assert keywords_in(["Kaggle"], evidence) == ["Kaggle"]


# --- Keywords -------------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["NOIP 2019 一等奖", "Noise-robust training", "ANOI"])
def test_noi_is_not_found_inside_a_longer_word(text):
    assert keywords_in(["NOI"], text) == []


@pytest.mark.parametrize(
    "keyword, text",
    [
        ("ICML", "Paper at ICML2024"),
        ("KDD", "Accepted by KDD'23"),
        ("ACM", "ACM-ICPC regional gold"),
        ("ICPC", "ACM-ICPC regional gold"),
        ("NOI", "获得NOI金牌"),
        ("NOI", "NOI2021 银牌"),
        ("天池", "阿里天池大赛第三名"),
    ],
)
def test_keyword_is_found_next_to_digits_punctuation_and_chinese(keyword, text):
    assert keywords_in([keyword], text) == [keyword]


def test_keywords_are_found_case_insensitively_in_the_criterions_order():
    assert keywords_in(VENUES, "neurips 2023 and Icml 2024") == ["ICML", "NeurIPS"]


def test_keywords_given_as_the_field_with_full_width_commas_are_split():
    assert keywords_in("Kaggle，天池", "天池 and kaggle") == ["Kaggle", "天池"]


def test_full_width_keyword_and_text_match_their_ascii_forms():
    assert keywords_in(["ＩＣＭＬ"], "ICML 2024") == ["ＩＣＭＬ"]
    assert keywords_in(["ICML"], "ＩＣＭＬ ２０２４") == ["ICML"]


def test_www_is_not_found_in_a_link_but_is_found_as_the_venue():
    assert keywords_in(["WWW"], "Code at www.github.com/x/y and https://www.example.org") == []
    assert keywords_in(["WWW"], "Full paper at WWW 2024 (The Web Conference)") == ["WWW"]


def test_chinese_keyword_is_found_across_spaces_the_pdf_put_between_characters():
    assert keywords_in(["天池"], "阿里 天 池 大赛") == ["天池"]


# --- Links ----------------------------------------------------------------------------------


def test_links_differing_in_scheme_www_case_slash_and_fragment_are_the_same():
    assert link_key("https://www.GitHub.com/x/y/#readme") == "github.com/x/y"
    assert link_key("http://github.com/x/y.") == "github.com/x/y"


def test_links_differing_in_path_or_query_are_not_the_same():
    assert link_key("https://arxiv.org/abs/1") != link_key("https://arxiv.org/abs/2")
    assert link_key("https://x.org/p?id=1") != link_key("https://x.org/p?id=2")


def test_a_link_in_the_cvs_annotations_is_in_the_cv():
    found = links_in_cv(
        ["https://github.com/x/y"], "Projects: my repository", ["http://github.com/x/y/"]
    )
    assert found == ["https://github.com/x/y"]


def test_a_link_in_the_cvs_text_is_in_the_cv():
    found = links_in_cv(["https://github.com/x/y"], "代码：www.github.com/x/y。", [])
    assert found == ["https://github.com/x/y"]


def test_a_link_broken_across_lines_in_the_cvs_text_is_in_the_cv():
    text = "Code: https://github.com/some-\nuser/long-project-\nname\nAwards"
    found = links_in_cv(["https://github.com/some-user/long-project-name"], text, [])
    assert found == ["https://github.com/some-user/long-project-name"]


def test_a_link_elsewhere_is_not_in_the_cv():
    text = "Code: https://github.com/x/z"
    assert links_in_cv(["https://github.com/x/y"], text, ["https://gitlab.com/x/y"]) == []


# --- Author position ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "evidence, position",
    [
        ("ICML 2024, co-first author", "co_first"),
        ("ICML 2024, co first author", "co_first"),
        ("joint first author of the paper", "co_first"),
        ("* equal contribution", "co_first"),
        ("共同一作", "co_first"),
        ("共同第一作者", "co_first"),
        ("共一，ICLR 2024", "co_first"),
        ("First author, KDD 2023", "first"),
        ("1st author", "first"),
        ("lead author", "first"),
        ("一作", "first"),
        ("第一作者", "first"),
        ("corresponding author", "corresponding"),
        ("通讯作者", "corresponding"),
        ("second author", "second"),
        ("2nd author", "second"),
        ("二作", "second"),
        ("第二作者", "second"),
        ("third author", "third"),
        ("3rd author", "third"),
        ("三作", "third"),
        ("第三作者", "third"),
        ("4th author", "other"),
        ("fourth author", "other"),
        ("11th author", "other"),
        ("第四作者", "other"),
        ("第十一作者", "other"),
    ],
)
def test_each_author_phrasing_is_read(evidence, position):
    assert author_positions(evidence) == [position]


def test_co_first_is_not_also_read_as_first():
    assert author_positions("VLDB 2024 共同一作") == ["co_first"]
    assert author_positions("Co-first author (equal contribution)") == ["co_first"]


def test_positions_are_given_in_order_each_once():
    evidence = "KDD: 第 二 作 者; ICML: first author; CVPR: second author, 通讯作者"
    assert author_positions(evidence) == ["second", "first", "corresponding"]


def test_one_paper_in_all_is_not_a_co_first_authorship():
    assert author_positions("共一篇论文被 ICML 录用") == []


def test_main_positions_are_first_co_first_and_corresponding():
    assert MAIN_POSITIONS == {"first", "co_first", "corresponding"}


# --- Corroboration --------------------------------------------------------------------------


def test_a_paper_claim_found_in_an_english_cv_is_corroborated():
    finding = corroborate(
        keywords=VENUES,
        main_author=True,
        evidence="ICML 2024, first author: https://arxiv.org/abs/2401.00001",
        cv_text="Publications\nA. Applicant et al. Data-centric ML. ICML 2024. "
        "arxiv.org/abs/2401.00001",
    )
    assert finding.state == State.CORROBORATED
    assert finding.keywords_in_both == ["ICML"]
    assert finding.links_in_cv == ["https://arxiv.org/abs/2401.00001"]
    assert finding.position_ok is True
    assert explained(finding) == [
        "In the evidence and the CV: ICML",
        "Link in the CV: https://arxiv.org/abs/2401.00001",
        "The evidence says: first author",
    ]


def test_a_competition_claim_found_in_a_chinese_cv_as_pdfs_extract_it_is_corroborated():
    finding = corroborate(
        keywords=COMPETITIONS,
        main_author=False,
        evidence="阿里天池大赛第一名，ＮＯＩ２０２０银牌。",
        cv_text="获 奖 情 况\n阿 里 天 池 大 赛 冠 军\nNOI 2020 银 牌",
    )
    assert finding.state == State.CORROBORATED
    assert finding.keywords_in_both == ["天池", "NOI"]
    assert finding.position_ok is None


def test_a_claim_with_some_keywords_missing_from_the_cv_is_partly_corroborated():
    finding = corroborate(
        keywords=VENUES,
        main_author=True,
        evidence="一作：ICML 2024；NeurIPS 2023",
        cv_text="ICML 2024 (first author)",
    )
    assert finding.state == State.PARTLY
    assert explained(finding) == [
        "In the evidence and the CV: ICML",
        "In the evidence only: NeurIPS",
        "The evidence says: first author",
    ]


def test_second_author_against_a_main_author_criterion_is_only_partly_corroborated():
    finding = corroborate(
        keywords=VENUES,
        main_author=True,
        evidence="VLDB 2024, second author, https://github.com/x/y",
        cv_text="VLDB 2024 ... https://github.com/x/y",
        cv_links=["https://github.com/x/y"],
    )
    assert finding.keywords_not_in_cv == [] and finding.links_not_in_cv == []
    assert finding.state == State.PARTLY
    assert finding.position_ok is False
    assert "The evidence says: second author; this criterion asks for a main author" in (
        explained(finding)
    )


def test_a_main_author_criterion_with_no_position_stated_is_only_partly_corroborated():
    finding = corroborate(
        keywords=VENUES, main_author=True, evidence="KDD 2023 论文", cv_text="KDD 2023"
    )
    assert finding.state == State.PARTLY
    assert explained(finding)[-1] == (
        "The evidence states no author position; this criterion asks for a main author"
    )


def test_the_position_does_not_matter_where_the_criterion_asks_for_no_main_author():
    finding = corroborate(
        keywords="PyTorch", main_author=False, evidence="PyTorch 二作", cv_text="PyTorch"
    )
    assert finding.state == State.CORROBORATED
    assert finding.positions == ["second"] and finding.position_ok is None


def test_a_claim_found_nowhere_in_the_cv_is_not_found():
    finding = corroborate(
        keywords=COMPETITIONS,
        main_author=False,
        evidence="Kaggle gold, https://kaggle.com/me",
        cv_text="Internship at a bank",
    )
    assert finding.state == State.NOT_FOUND
    assert explained(finding) == [
        "In the evidence only: Kaggle",
        "Link not in the CV: https://kaggle.com/me",
    ]


def test_evidence_with_nothing_to_look_for_is_not_found_and_says_so():
    finding = corroborate(
        keywords="", main_author=False, evidence="我非常热爱科研。", cv_text="热爱科研"
    )
    assert finding.state == State.NOT_FOUND
    assert explained(finding) == [
        "Nothing in the evidence to look for in the CV (no keyword of this criterion, no link)"
    ]


@pytest.mark.parametrize("cv_text", ["", "  \n ", None])
def test_a_cv_without_text_corroborates_nothing_and_says_so(cv_text):
    finding = corroborate(
        keywords=VENUES, main_author=True, evidence="ICML 2024 一作", cv_text=cv_text
    )
    assert finding.state == State.NOT_FOUND
    assert explained(finding)[:2] == ["The CV has no readable text", "In the evidence only: ICML"]


def test_a_finding_survives_its_json_round_trip():
    finding = corroborate(
        keywords=VENUES,
        main_author=True,
        evidence="ICML 2024 二作 https://github.com/x/y",
        cv_text="ICML",
    )
    stored = json.loads(json.dumps(finding.to_json()))
    assert stored["state"] == "partly"
    assert Finding.from_json(stored) == finding
    assert Finding.from_json({**stored, "a_key_of_later": 1}) == finding


def test_the_states_labels_are_translated_words():
    with translation.override("en"):
        assert [str(label) for label in State.labels] == ["corroborated", "partly", "not found"]


# --- Snippets -------------------------------------------------------------------------------


def test_snippets_show_the_match_between_whole_words_of_the_cv():
    cv = "Publications: Alexander Applicant and others, Data-centric training, ICML2024, Vienna."
    [(before, match, after)] = snippets(cv, ["ICML"], width=20)
    assert (before, match, after) == ("…training, ", "ICML", "2024, Vienna.")


def test_snippets_read_the_chinese_cv_as_normalized():
    [(before, match, after)] = snippets("获 奖：阿 里 天 池 大 赛 冠 军", ["天池"], width=3)
    assert (before, match, after) == ("…:阿里", "天池", "大赛冠…")


def test_snippets_give_at_most_the_limit_per_term_and_skip_what_is_absent():
    cv = "Kaggle one. Kaggle two. Kaggle three. Kaggle four. NOIP 2019."
    places = snippets(cv, ["Kaggle", "NOI", "天池"], width=5, limit=2)
    assert [match for _before, match, _after in places] == ["Kaggle", "Kaggle"]


def test_snippets_find_a_link_broken_across_lines():
    cv = "Code: https://github.com/x/long-\nproject and more"
    [(_before, match, _after)] = snippets(cv, ["https://github.com/x/long-project"])
    assert match == "github.com/x/long- project"


def test_snippets_find_a_link_written_differently_in_the_cv():
    [(_before, match, after)] = snippets(
        "见 www.GitHub.com/x/y/，谢谢", ["https://github.com/x/y"]
    )
    assert match == "www.GitHub.com/x/y/"
    assert after.startswith(" ,")


# --- Search ---------------------------------------------------------------------------------


def test_the_search_document_splits_chinese_into_overlapping_pairs():
    assert (
        search_document("北 京 大 学 Kaggle 金 牌 NOI 学") == "北京 京大 大学 Kaggle 金牌 NOI 学"
    )
    assert search_document("获得NOI金牌") == "获得 NOI 金牌"


def test_search_phrases_are_made_the_same_way_one_per_term():
    assert search_phrases("北京大学\u3000Ｋａｇｇｌｅ  - 京") == ["北京 京大 大学", "Kaggle", "京"]


@pytest.mark.postgres
@pytest.mark.django_db
def test_postgresql_finds_chinese_and_english_terms_of_the_cv_and_nothing_else():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: set DATABASE_URL")
    document = search_document("教 育 经 历\n北 京 大 学 计算机学院\nKaggle Grandmaster, 天池冠军")

    def found(query):
        phrases = search_phrases(query)
        query_sql = " && ".join(["phraseto_tsquery('simple', %s)"] * len(phrases))
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT to_tsvector('simple', %s) @@ ({query_sql})", [document, *phrases]
            )
            return cursor.fetchone()[0]

    assert found("北京大学 kaggle")
    assert found("计算机 天池")
    assert not found("清华大学")
    assert not found("北京大学 Codeforces")
    assert not found("大北京")
