"""
An application's claims checked against its CV, from the form to the reviewer: the form
refuses a file that cannot be a CV (keeping what was typed), the worker reads the CV
after the response, and the list, the review screen, the CV search and the CSV say per
claim what the CV corroborates.
"""

import csv
import io

import pytest
from django.urls import reverse
from django.utils import translation
from django_tasks_db.models import DBTaskResult

from recruiting import cvcheck
from recruiting.models import Application, Claim, CVText
from tests import pdfs
from tests.factories import ApplicationFactory, stored_files
from tests.submissions import application_fields, change_form_data, errors_of, pdf_upload

PAPER_LINK = "https://arxiv.org/abs/2405.01234"
REPO = "https://github.com/lihua/graphkit"


def send(client, lab, cv_bytes, evidence, url="/apply/", **overrides):
    """Send the form with this CV and {requirement: evidence}."""
    data = application_fields(
        lab.ra.slug,
        [lab.general.pk],
        {r.pk: text for r, text in evidence.items()},
        cv=pdf_upload("简历.pdf", cv_bytes),
        **overrides,
    )
    return client.post(url, data)


def claims_of(application):
    return {c.requirement_id: c for c in application.claims.all()}


@pytest.fixture
def chinese_cv():
    return pdfs.cv(
        [
            "李华 · 北京大学计算机科学硕士",
            "论文：ICML 2024（第一作者），《图数据的高效训练》。",
            "竞赛：天池大赛 第二名；Kaggle 银牌。",
            "工具：PyTorch；项目 graphkit。",
        ],
        links=[PAPER_LINK, REPO],
    )


# -- At submit ----------------------------------------------------------------------


def test_the_cv_is_read_after_the_response_not_during_it(client, lab, chinese_cv):
    response = send(client, lab, chinese_cv, {lab.paper: f"ICML 2024 一作：{PAPER_LINK}"})
    assert response.status_code == 302
    application = Application.objects.get()
    # Nothing read yet: the text and the checks are the worker's.
    assert not CVText.objects.exists()
    assert claims_of(application)[lab.paper.pk].cv_state == ""
    queued = DBTaskResult.objects.filter(task_path="recruiting.tasks.read_cv")
    assert [task.args_kwargs["args"] for task in queued] == [[application.pk]]


@pytest.mark.parametrize(
    ("make", "code", "url", "message"),
    [
        (pdfs.encrypted, "cv_encrypted", "/apply/", "这个 PDF 设有密码或加密"),
        (pdfs.encrypted, "cv_encrypted", "/en/apply/", "This PDF is protected by a password"),
        (pdfs.html_polyglot, "cv_html", "/apply/", "网页代码"),
        (pdfs.html_polyglot, "cv_html", "/en/apply/", "it also holds web-page code"),
        (pdfs.truncated, "cv_unreadable", "/en/apply/", "This PDF cannot be opened"),
        (pdfs.no_pages, "cv_no_pages", "/en/apply/", "This PDF has no pages."),
        (pdfs.deeply_nested, "cv_unreadable", "/en/apply/", "This PDF cannot be opened"),
    ],
)
def test_a_file_that_cannot_be_a_cv_is_refused_and_the_rest_is_kept(
    client, lab, cv_storage, make, code, url, message
):
    response = send(client, lab, make(), {lab.paper: f"ICML 2024 一作：{PAPER_LINK}"}, url=url)
    assert response.status_code == 422
    assert errors_of(response, "cv") == [code]
    page = response.content.decode()
    assert message in page
    # Everything else typed is shown again.
    assert 'value="李华"' in page
    assert PAPER_LINK in page
    assert not Application.objects.exists()
    assert stored_files(cv_storage) == []


def test_a_compression_bomb_is_refused_within_the_time_bound(client, lab, settings):
    settings.CV_CHECK_SECONDS = 2
    response = send(client, lab, pdfs.compression_bomb(), {lab.paper: "ICML 2024 一作"})
    assert response.status_code == 422
    assert errors_of(response, "cv")[0] in {"cv_unreadable", "cv_too_complex"}


@pytest.mark.parametrize(
    ("make", "flag", "label"),
    [
        (pdfs.with_javascript, "javascript", "holds JavaScript"),
        (pdfs.with_launch_action, "launch", "can launch a program"),
        (pdfs.with_embedded_file, "embedded_files", "carries embedded files"),
        (pdfs.with_additional_actions, "additional_actions", "runs actions on events"),
    ],
)
def test_a_cv_with_active_content_is_accepted_and_flagged_to_staff(
    client, admin_client, lab, make, flag, label
):
    response = send(client, lab, make(), {lab.paper: "ICML 2024 一作"})
    assert response.status_code == 302
    application = Application.objects.get()
    assert flag in application.cv_flags.split(",")
    listing = admin_client.get("/admin/recruiting/application/", HTTP_ACCEPT_LANGUAGE="en")
    assert f"⚠ {label}" in listing.content.decode()


def test_a_cv_the_checker_cannot_open_is_accepted_and_read_later(
    client, lab, chinese_cv, monkeypatch, run_worker
):
    def unavailable(data):
        raise cvcheck.CheckerUnavailable("no processes left")

    with monkeypatch.context() as patched:
        patched.setattr(cvcheck, "check", unavailable)
        response = send(client, lab, chinese_cv, {lab.paper: f"ICML 2024 一作：{PAPER_LINK}"})
    assert response.status_code == 302
    application = Application.objects.get()
    assert application.cv_flags == "not_checked"
    run_worker()
    application.refresh_from_db()
    assert application.cv_flags == ""
    assert application.corroborated == 1


# -- Read by the worker -------------------------------------------------------------


def test_a_chinese_cv_corroborates_a_chinese_paper_claim(client, lab, chinese_cv, run_worker):
    send(client, lab, chinese_cv, {lab.paper: f"ICML 2024，第一作者，论文链接：{PAPER_LINK}。"})
    run_worker()
    application = Application.objects.get()
    cv = application.cv_text
    assert cv.state == CVText.State.READ
    assert "天池大赛" in cv.text.replace(" ", "")
    assert PAPER_LINK in cv.links
    claim = claims_of(application)[lab.paper.pk]
    assert claim.cv_state == Claim.CVState.CORROBORATED
    assert claim.finding.keywords_in_both == ["ICML"]
    assert claim.author_position == "first"
    assert application.corroborated == 1
    assert application.priority == 1


def test_each_criterion_can_be_corroborated_by_an_english_cv(client, lab, run_worker):
    cv = pdfs.cv(
        [
            "Li Hua - MSc Computer Science, Peking University",
            "Publication: KDD 2024, first author.",
            "Open source: graphkit, built with PyTorch.",
            "Internship: see https://example.com/lihua/internship-report",
            "Competitions: Kaggle gold medal; ACM-ICPC Asia regional.",
            "Blog: https://lihua.example.org/why-data-centric",
        ],
        links=[REPO],
    )
    evidence = {
        lab.paper: "KDD 2024, first author of Efficient Graph Training.",
        lab.research: f"graphkit, a PyTorch library: {REPO}",
        lab.internship: "Report: https://example.com/lihua/internship-report",
        lab.competitions: "Kaggle gold medal, ACM training.",
        lab.drive: "My notes: https://lihua.example.org/why-data-centric",
    }
    assert send(client, lab, cv, evidence, url="/en/apply/").status_code == 302
    run_worker()
    application = Application.objects.get()
    states = {c.requirement_id: c.cv_state for c in application.claims.all()}
    assert states == {r.pk: "corroborated" for r in lab.requirements}
    assert application.corroborated == 5


def test_second_author_does_not_corroborate_a_main_author_claim(client, lab, run_worker):
    cv = pdfs.cv(["Li Hua", "NeurIPS 2023: Graph Data Pruning (second author)."])
    send(client, lab, cv, {lab.paper: "NeurIPS 2023, second author, Graph Data Pruning."})
    run_worker()
    application = Application.objects.get()
    claim = claims_of(application)[lab.paper.pk]
    assert claim.cv_state == Claim.CVState.PARTLY
    assert claim.author_position == "second"
    assert application.corroborated == 0
    with translation.override("en"):
        explanations = claim.finding.explanations()
    assert "The evidence says: second author; this criterion asks for a main author" in (
        explanations
    )


def test_a_scan_without_text_is_flagged_and_corroborates_nothing(client, lab, run_worker):
    assert send(client, lab, pdfs.scan(), {lab.paper: "ICML 2024 一作"}).status_code == 302
    run_worker()
    application = Application.objects.get()
    assert "no_text" in application.cv_flags.split(",")
    claim = claims_of(application)[lab.paper.pk]
    assert claim.cv_state == Claim.CVState.NOT_FOUND
    assert claim.finding.cv_readable is False


def test_a_missing_cv_file_is_recorded_not_retried_forever(lab, run_worker):
    application = ApplicationFactory(position=lab.ra, claims={lab.paper: "ICML 2024 一作"})
    application.cv.storage.delete(application.cv.name)
    from recruiting.tasks import read_cv

    read_cv.enqueue(application.pk)
    run_worker()
    assert CVText.objects.get().state == CVText.State.FAILED
    application.refresh_from_db()
    assert application.cv_flags == "unreadable"
    assert claims_of(application)[lab.paper.pk].cv_state == Claim.CVState.NOT_FOUND


def test_changing_a_criterions_keywords_checks_its_claims_again(admin_client, lab, run_worker):
    application = ApplicationFactory(
        position=lab.ra,
        claims={lab.internship: "Research intern at ByteDance, 2024."},
        cv__data=pdfs.cv(["Li Hua", "Research intern, ByteDance AI Lab, 2024."]),
    )
    from recruiting.tasks import read_cv

    read_cv.enqueue(application.pk)
    run_worker()
    assert claims_of(application)[lab.internship.pk].cv_state == Claim.CVState.NOT_FOUND

    url = f"/admin/recruiting/requirement/{lab.internship.pk}/change/"
    data = change_form_data(admin_client.get(url))
    data["keywords"] = "ByteDance, 字节"
    assert admin_client.post(url, data).status_code == 302
    run_worker()
    application.refresh_from_db()
    assert claims_of(application)[lab.internship.pk].cv_state == Claim.CVState.CORROBORATED
    assert application.corroborated == 1


# -- What staff see ------------------------------------------------------------------


def read(application):
    from recruiting.cvreading import read_cv

    read_cv(application.pk)
    application.refresh_from_db()
    return application


@pytest.fixture
def kaggle_and_tianchi(lab):
    """Two applications: one whose CV has Kaggle and 天池, one whose CV has neither."""
    with_both = read(
        ApplicationFactory(
            position=lab.ra,
            full_name="Has Kaggle",
            claims={lab.competitions: "Kaggle 银牌，天池大赛第二名。"},
            cv__data=pdfs.cv(["竞赛：天池大赛 第二名；Kaggle 银牌。"]),
        )
    )
    without = read(
        ApplicationFactory(
            position=lab.ra,
            full_name="No Kaggle",
            claims={lab.competitions: "Kaggle 银牌。"},
            cv__data=pdfs.cv(["Li Hua", "Tools: PyTorch."]),
        )
    )
    return with_both, without


@pytest.mark.parametrize("words", ["Kaggle", "kaggle", "天池", "天池大赛 Kaggle"])
def test_staff_find_who_has_a_word_in_the_cv(admin_client, kaggle_and_tianchi, words):
    response = admin_client.get("/admin/recruiting/application/", {"cv": words})
    assert response.status_code == 200
    names = [a.full_name for a in response.context["cl"].result_list]
    assert names == ["Has Kaggle"]


def test_a_cv_search_keeps_the_lists_other_filters(admin_client, kaggle_and_tianchi, lab):
    response = admin_client.get(
        "/admin/recruiting/application/", {"cv": "Kaggle", "stage": "new", "o": "1"}
    )
    page = response.content.decode()
    assert 'name="stage" value="new"' in page
    assert 'name="o" value="1"' in page
    assert 'value="Kaggle"' in page


def test_a_cv_search_for_a_word_in_no_cv_finds_nothing(admin_client, kaggle_and_tianchi):
    response = admin_client.get("/admin/recruiting/application/", {"cv": "SIGMOD"})
    assert list(response.context["cl"].result_list) == []


def test_the_list_puts_corroborated_criteria_first(admin_client, lab, kaggle_and_tianchi):
    claimed_more = ApplicationFactory(
        position=lab.ra,
        full_name="Claims three",
        claims={lab.paper: "x" * 10, lab.research: "y" * 10, lab.drive: "z" * 10},
    )
    response = admin_client.get("/admin/recruiting/application/")
    names = [a.full_name for a in response.context["cl"].result_list]
    assert names == ["Has Kaggle", claimed_more.full_name, "No Kaggle"]
    page = response.content.decode()
    assert "criteria corroborated" in page.lower() or "已印证" in page


def test_the_list_marks_each_claim_with_what_the_cv_says(admin_client, kaggle_and_tianchi):
    response = admin_client.get("/admin/recruiting/application/", HTTP_ACCEPT_LANGUAGE="en")
    page = response.content.decode()
    assert 'class="cv-state cv-corroborated"' in page
    assert 'class="cv-state cv-not_found"' in page
    assert "In the evidence and the CV: Kaggle" in page


def test_the_review_screen_shows_where_each_match_was_found(admin_client, kaggle_and_tianchi):
    application, _ = kaggle_and_tianchi
    response = admin_client.get(
        f"/admin/recruiting/application/{application.pk}/change/", HTTP_ACCEPT_LANGUAGE="en"
    )
    page = response.content.decode()
    assert '<dd id="review-corroborated">1</dd>' in page
    assert "In the evidence and the CV: Kaggle, 天池" in page
    evidence = page.split('<div class="evidence">')[1].split("</div>")[0]
    assert evidence == "<mark>Kaggle</mark> 银牌，<mark>天池</mark>大赛第二名。"
    snippets = page.split('class="cv-snippet"')[1:]
    assert any("<mark>Kaggle</mark>" in snippet for snippet in snippets)
    assert any("<mark>天池</mark>" in snippet for snippet in snippets)


def test_the_csv_has_a_column_per_criterion_with_its_state(admin_client, lab, run_worker):
    paper = ApplicationFactory(
        position=lab.ra,
        claims={lab.paper: "NeurIPS 2023, second author."},
        cv__data=pdfs.cv(["NeurIPS 2023 (second author)."]),
    )
    read(paper)
    unread = ApplicationFactory(position=lab.ra, claims={lab.competitions: "Kaggle 银牌。"})
    response = admin_client.post(
        reverse("admin:recruiting_application_changelist"),
        {"action": "export_csv", "_selected_action": [paper.pk, unread.pk]},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    rows = list(
        csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig")))
    )
    by_id = {int(row["ID"]): row for row in rows}
    assert by_id[paper.pk]["Top-venue paper: in the CV"] == "partly"
    assert by_id[paper.pk]["Top-venue paper: author position"] == "second author"
    assert by_id[paper.pk]["Competitions: in the CV"] == ""
    assert by_id[unread.pk]["Competitions: in the CV"] == "not checked"
    assert by_id[unread.pk]["Top-venue paper: in the CV"] == ""
    assert by_id[paper.pk]["criteria corroborated"] == "0"


def test_a_cv_the_worker_cannot_read_now_is_read_again_later(lab, run_worker, monkeypatch):
    application = ApplicationFactory(position=lab.ra, claims={lab.paper: "ICML 2024 一作"})
    from recruiting.tasks import read_cv

    def unavailable(data):
        raise cvcheck.CheckerUnavailable("no processes left")

    read_cv.enqueue(application.pk)
    with monkeypatch.context() as patched:
        patched.setattr(cvcheck, "read", unavailable)
        run_worker()
    assert not CVText.objects.exists()
    again = DBTaskResult.objects.filter(task_path="recruiting.tasks.read_cv").order_by(
        "-enqueued_at"
    )
    assert again[0].status == "READY"
    assert again[0].run_after > again[1].finished_at


@pytest.mark.parametrize(
    "words", ["'):*&|!<-> \\", "a" * 5000, "%_", "不存在", "https://example.org/x?y=1&z=2"]
)
def test_any_words_in_the_cv_search_answer_a_page(admin_client, kaggle_and_tianchi, words):
    response = admin_client.get("/admin/recruiting/application/", {"cv": words})
    assert response.status_code == 200
    assert list(response.context["cl"].result_list) == []


def test_a_nul_character_in_the_cv_search_is_refused_not_a_server_error(admin_client, lab):
    client = admin_client
    client.raise_request_exception = False
    assert client.get("/admin/recruiting/application/", {"cv": "Kag\x00gle"}).status_code == 400


def test_markup_in_a_cv_or_evidence_is_shown_as_text(admin_client, lab):
    application = read(
        ApplicationFactory(
            position=lab.ra,
            claims={lab.competitions: 'Kaggle <img src=x onerror="alert(1)">'},
            cv__data=pdfs.cv(["Kaggle <script>alert(1)</script> gold"]),
        )
    )
    screen = admin_client.get(f"/admin/recruiting/application/{application.pk}/change/")
    listing = admin_client.get("/admin/recruiting/application/")
    for page in (screen.content.decode(), listing.content.decode()):
        assert "<script>alert(1)" not in page
        assert "<img src=x" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in screen.content.decode()
