"""
What the CV says of each claim, as a reviewer meets it in a real browser: the list puts
the corroborated first and marks each claim (its explanation in the mark's title), the
CV search in the filters keeps the others, the review screen highlights the match in
the CV's text, the CSV carries a state per criterion; in English and Chinese, and axe
finds nothing on the list or the review screen, light or dark.
"""

import csv
import io
import re
from types import SimpleNamespace
from urllib.parse import parse_qs, urlsplit

import pytest

from .pages import DJANGO_ADMIN_AXE, axe_violations, staff_page

pytestmark = pytest.mark.browser

LIST = "/admin/recruiting/application/"
PAPER_LINK = "https://arxiv.org/abs/2405.01234"
SECOND_AUTHOR = "The evidence says: second author; this criterion asks for a main author"


@pytest.fixture
def applications(site):
    """
    Three applications to the seeded criteria, their CVs read as the worker reads them:
    Li Hua's CV corroborates her one claim, a first-author ICML paper; Wang Fang claims
    two criteria, a second-author paper (partly) and PyTorch (not in her CV); Zhang
    Wei's CV holds JavaScript, and is the only one with Kaggle in it (pdfs.ENGLISH_CV).
    """
    from recruiting.cvreading import read_cv
    from recruiting.models import Requirement
    from recruiting.roles import setup_roles
    from tests import pdfs
    from tests.factories import ApplicationFactory, StaffFactory

    setup_roles()
    paper = Requirement.objects.get(short_title_en="Top-venue paper")
    research = Requirement.objects.get(short_title_en="Research and open source")
    corroborated = ApplicationFactory(
        full_name="Li Hua",
        claims={paper: f"ICML 2024, first author: {PAPER_LINK}"},
        cv__data=pdfs.cv(
            [
                "Li Hua - MSc Computer Science, Peking University",
                "ICML 2024: Efficient Graph Training (first author).",
            ],
            links=[PAPER_LINK],
        ),
    )
    partly = ApplicationFactory(
        full_name="Wang Fang",
        claims={
            paper: "NeurIPS 2023, second author, Graph Data Pruning.",
            research: "graphkit, a PyTorch library for graph sampling.",
        },
        cv__data=pdfs.cv(
            [
                "Wang Fang - BSc, Fudan University",
                "NeurIPS 2023: Graph Data Pruning (second author).",
            ]
        ),
    )
    flagged = ApplicationFactory(
        full_name="Zhang Wei",
        claims={research: "graphkit with PyTorch: https://github.com/zhangwei/graphkit"},
        cv__data=pdfs.with_javascript(),
    )
    for application in (corroborated, partly, flagged):
        read_cv(application.pk)
    return SimpleNamespace(
        reviewer=StaffFactory(username="lin", groups=["reviewers"]),
        corroborated=corroborated,
        partly=partly,
        flagged=flagged,
    )


def names_listed(page):
    return page.locator("#result_list tbody th a").all_inner_texts()


def row(page, name):
    return page.locator("#result_list tbody tr").filter(has_text=name)


def test_the_corroborated_come_first_and_each_claim_says_what_the_cv_holds(
    browser, site, applications
):
    page = staff_page(browser, site, applications.reviewer)
    try:
        page.goto(f"{site}{LIST}")
        # Wang Fang claims more criteria; Li Hua's one is corroborated by her CV.
        assert names_listed(page) == ["Li Hua", "Wang Fang", "Zhang Wei"]
        mark = row(page, "Li Hua").locator(".cv-state")
        assert mark.inner_text() == "✓ Top-venue paper"
        assert "cv-corroborated" in mark.get_attribute("class")

        partly = row(page, "Wang Fang").locator(".cv-state.cv-partly")
        assert partly.inner_text() == "◐ Top-venue paper"
        partly.hover()
        assert SECOND_AUTHOR in partly.get_attribute("title")
        missing = row(page, "Wang Fang").locator(".cv-state.cv-not_found")
        assert missing.inner_text() == "✗ Research and open source"

        warning = row(page, "Zhang Wei").locator(".cv-warning")
        assert "⚠ holds JavaScript" in warning.inner_text()
        assert row(page, "Li Hua").locator(".cv-warning").count() == 0
    finally:
        page.context.close()


def test_words_in_the_cv_narrow_the_list_and_keep_its_other_filters(browser, site, applications):
    page = staff_page(browser, site, applications.reviewer)
    try:
        page.goto(f"{site}{LIST}?stage__exact=new&o=2")
        assert len(names_listed(page)) == 3
        search = page.get_by_label("Words in the CV")
        search.fill("Kaggle")
        search.press("Enter")
        page.wait_for_url(re.compile(r"[?&]cv=Kaggle"))
        assert names_listed(page) == ["Zhang Wei"]
        query = parse_qs(urlsplit(page.url).query)
        assert (query["stage__exact"], query["o"], query["cv"]) == (["new"], ["2"], ["Kaggle"])
        assert page.get_by_label("Words in the CV").input_value() == "Kaggle"
    finally:
        page.context.close()


def test_the_review_screen_highlights_what_the_cv_corroborates(browser, site, applications):
    page = staff_page(browser, site, applications.reviewer)
    try:
        page.goto(f"{site}{LIST}")
        page.get_by_role("link", name="Li Hua", exact=True).click()
        page.wait_for_url(re.compile(rf"/application/{applications.corroborated.pk}/change/"))
        assert page.locator("#review-corroborated").inner_text() == "1"
        assert page.locator("#review-priority").inner_text() == "1"
        check = page.locator(".cv-check")
        assert check.count() == 1
        assert "cv-corroborated" in check.get_attribute("class")
        assert check.locator(".cv-state").inner_text() == "corroborated"
        assert check.locator("ul.cv-explanations li").all_inner_texts() == [
            "In the evidence and the CV: ICML",
            f"Link in the CV: {PAPER_LINK}",
            "The evidence says: first author",
        ]
        snippet = check.locator("blockquote.cv-snippet").filter(
            has=page.locator("mark", has_text=re.compile(r"^ICML$"))
        )
        assert snippet.count() == 1
        assert "ICML 2024: Efficient Graph Training" in snippet.inner_text()
        assert PAPER_LINK in check.locator("blockquote.cv-snippet mark").all_inner_texts()
    finally:
        page.context.close()


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_axe_finds_no_violation_on_the_marked_list_and_review_screen(
    browser, site, applications, scheme
):
    page = staff_page(browser, site, applications.reviewer, color_scheme=scheme)
    try:
        assert page.goto(f"{site}{LIST}").status == 200
        assert page.locator(".cv-state").count() == 4
        assert axe_violations(page, DJANGO_ADMIN_AXE) == []
        for application in (applications.corroborated, applications.partly):
            assert page.goto(f"{site}{LIST}{application.pk}/change/").status == 200
            assert page.locator("blockquote.cv-snippet mark").count() >= 1
            assert axe_violations(page, DJANGO_ADMIN_AXE) == []
    finally:
        page.context.close()


def test_the_csv_export_has_a_state_and_an_author_position_per_criterion(
    browser, site, applications
):
    page = staff_page(browser, site, applications.reviewer)
    try:
        page.goto(f"{site}{LIST}")
        page.locator("#action-toggle").check()
        page.locator("select[name=action]").select_option("export_csv")
        with page.expect_download() as download:
            page.locator("button[name=index]").click()
        data = download.value.path().read_bytes()
    finally:
        page.context.close()
    assert data.startswith(b"\xef\xbb\xbf")
    rows = {row["ID"]: row for row in csv.DictReader(io.StringIO(data.decode("utf-8-sig")))}
    a, b, c = (
        str(x.pk) for x in (applications.corroborated, applications.partly, applications.flagged)
    )
    state = "Top-venue paper: in the CV"
    research = "Research and open source: in the CV"
    position = "Top-venue paper: author position"
    assert [(rows[pk][state], rows[pk][research]) for pk in (a, b, c)] == [
        ("corroborated", ""),
        ("partly", "not found"),
        ("", "partly"),
    ]
    assert [rows[pk][position] for pk in (a, b, c)] == ["first author", "second author", ""]
    assert [rows[pk]["criteria corroborated"] for pk in (a, b, c)] == ["1", "0", "0"]


def test_in_chinese_the_review_screen_names_the_states_in_chinese(browser, site, applications):
    page = staff_page(browser, site, applications.reviewer, locale="zh-CN")
    try:
        page.goto(f"{site}{LIST}{applications.corroborated.pk}/change/")
        assert page.locator("html").get_attribute("lang") == "zh-hans"
        assert page.locator(".cv-check .cv-state").all_inner_texts() == ["已印证"]
        page.goto(f"{site}{LIST}{applications.partly.pk}/change/")
        assert page.locator(".cv-check .cv-state").all_inner_texts() == ["部分印证", "未找到"]
        explanations = page.locator(".cv-check.cv-partly ul.cv-explanations").inner_text()
        assert "证明材料写明：第二作者；此条件要求主要作者" in explanations
    finally:
        page.context.close()
