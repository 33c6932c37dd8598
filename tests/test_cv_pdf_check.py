"""
Opening a CV in a bounded child process: what `cvcheck.check` (at submit) and
`cvcheck.read` (in the worker) report for real CVs, damaged files and hostile ones.
"""

import io
import time

import pytest
from pypdf import PdfReader

from recruiting import cvcheck
from recruiting.pdfcheck import raw_pdf
from tests import pdfs
from tests.submissions import page_objects

GITHUB = "https://github.com/lihua"
SCHOLAR = "https://scholar.google.com/citations?user=lihua"


@pytest.fixture
def fresh_checker():
    """No zygote left by an earlier test: this one starts its own."""
    with cvcheck._zygote_lock:
        if cvcheck._zygote is not None:
            cvcheck._zygote.stop()
            cvcheck._zygote = None
    yield
    with cvcheck._zygote_lock:
        if cvcheck._zygote is not None:
            cvcheck._zygote.stop()
            cvcheck._zygote = None


def test_a_chinese_cv_is_accepted_and_read_with_its_punctuation_and_links():
    data = pdfs.cv(pdfs.CHINESE_CV, links=[GITHUB, SCHOLAR, GITHUB])

    assert cvcheck.check(data) == cvcheck.PDFReport(problem=None, pages=1)
    report = cvcheck.read(data)
    assert (report.problem, report.pages, report.flags) == (None, 1, ())
    for line in pdfs.CHINESE_CV:
        assert line in report.text  # full-width "：（），《》；、" and "。" included
    assert report.links == (GITHUB, SCHOLAR)  # each once, in the page's order


def test_an_english_cv_of_ten_pages_is_read_page_after_page():
    report = cvcheck.read(pdfs.ten_pages())

    assert (report.problem, report.pages, report.flags) == (None, 10, ())
    assert report.text.startswith(pdfs.ENGLISH_CV[0] + "\n")
    assert "Peking University (10)\n" in report.text
    assert report.text.count("Kaggle gold medal") == 10
    assert "\n\n" + pdfs.ENGLISH_CV[0] + " (2)" in report.text  # pages are apart


def test_only_the_first_pages_and_characters_are_read(settings):
    settings.CV_READ_MAX_PAGES = 2
    report = cvcheck.read(pdfs.ten_pages())
    assert report.pages == 10
    assert "(2)" in report.text and "(3)" not in report.text

    settings.CV_TEXT_MAX_CHARS = 20
    assert cvcheck.read(pdfs.ten_pages()).text == pdfs.ENGLISH_CV[0][:20]


def test_a_cv_of_ten_megabytes_is_accepted_and_read(settings):
    data = pdfs.big_cv()
    assert 9.5 * 1024 * 1024 < len(data) <= settings.CV_MAX_BYTES

    assert cvcheck.check(data) == cvcheck.PDFReport(problem=None, pages=10)
    report = cvcheck.read(data)
    assert report.problem is None
    assert report.text.count("Kaggle gold medal") == 10


def test_a_scan_is_accepted_and_flagged_as_without_text_when_read():
    assert cvcheck.check(pdfs.scan()) == cvcheck.PDFReport(problem=None, pages=1)
    report = cvcheck.read(pdfs.scan())
    assert (report.problem, report.pages, report.flags) == (None, 1, ("no_text",))


@pytest.mark.parametrize(
    ("make", "flags"),
    [
        (pdfs.with_javascript, ("javascript", "open_action")),
        (pdfs.hex_escaped_javascript, ("javascript",)),
        (pdfs.with_open_action_uri, ("open_action",)),
        (pdfs.with_additional_actions, ("additional_actions",)),
        (pdfs.with_embedded_file, ("embedded_files",)),
        (pdfs.with_launch_action, ("launch",)),
    ],
)
def test_actions_and_attachments_are_flagged_to_staff_not_refused(make, flags):
    data = make()
    assert cvcheck.check(data) == cvcheck.PDFReport(problem=None, pages=1, flags=flags)
    report = cvcheck.read(data)
    assert (report.problem, report.flags) == (None, flags)
    assert "Peking University" in report.text


def test_an_encrypted_pdf_is_refused_even_if_it_opens_without_a_password():
    data = pdfs.encrypted()
    assert PdfReader(io.BytesIO(data)).decrypt("") != 0  # anyone may open it

    assert cvcheck.check(data).problem == "encrypted"
    assert cvcheck.read(data).problem == "encrypted"


def test_a_pdf_that_is_also_a_web_page_is_refused():
    data = pdfs.html_polyglot()
    assert len(PdfReader(io.BytesIO(data)).pages) == 1  # a valid PDF all the same

    assert cvcheck.check(data) == cvcheck.PDFReport(problem="html")


def test_bytes_that_look_like_short_tags_early_in_a_genuine_pdf_are_not_a_web_page():
    # Compressed data near the start of a PDF holds "<a>" or "<p " by chance.
    data = raw_pdf(page_objects(), preamble=b"%\x8f<a>\x01<p \x02<b/>\x03<br>\n")
    report = cvcheck.check(data)
    assert report.problem is None
    assert report.pages == 1


def test_a_pdf_without_pages_is_refused():
    assert cvcheck.check(pdfs.no_pages()) == cvcheck.PDFReport(problem="no_pages")


@pytest.mark.parametrize("make", [pdfs.truncated, pdfs.page_content_missing])
def test_a_damaged_pdf_is_refused_as_unreadable(make):
    """
    Cut in half, a CV has lost its cross-reference table and the pages' content; pypdf
    cannot rebuild it. A file whose page refers to content it lacks opens in pypdf (the
    reference reads as null), but shows nothing: it is refused too.
    """
    assert cvcheck.check(make()) == cvcheck.PDFReport(problem="unreadable")


@pytest.mark.parametrize("make", [pdfs.deeply_nested, pdfs.compression_bomb])
def test_a_pdf_bomb_is_refused_within_the_time_bound(settings, make):
    data = make()
    assert len(data) <= settings.CV_MAX_BYTES

    started = time.monotonic()
    report = cvcheck.check(data)
    assert report.problem in {"unreadable", "too_complex"}
    assert time.monotonic() - started < settings.CV_CHECK_SECONDS + 5
    assert cvcheck.read(data).problem in {"unreadable", "too_complex"}


def test_a_check_that_runs_out_of_time_is_killed_and_reports_too_complex(settings):
    settings.CV_CHECK_SECONDS = 0.001  # no machine starts Python and opens 10 MB so fast

    assert cvcheck.check(pdfs.big_cv()) == cvcheck.PDFReport(problem="too_complex")


def test_a_check_held_to_too_little_memory_refuses_the_cv(settings):
    settings.CV_CHECK_MEMORY_MB = 32  # less than Python, pypdf and the file need

    assert cvcheck.check(pdfs.big_cv()).problem in {"too_complex", "unreadable"}


def test_the_checker_that_cannot_start_says_so(monkeypatch, fresh_checker):
    monkeypatch.setattr(cvcheck.sys, "executable", "/nonexistent/python3")

    with pytest.raises(cvcheck.CheckerUnavailable):
        cvcheck.check(pdfs.cv())
    with pytest.raises(cvcheck.CheckerUnavailable):
        cvcheck.read(pdfs.cv())


def test_every_file_is_examined_by_a_child_of_the_one_warm_zygote(fresh_checker):
    assert cvcheck.check(pdfs.cv()).pages == 1
    zygote = cvcheck._zygote.process
    assert cvcheck.read(pdfs.cv()).pages == 1
    assert cvcheck.check(pdfs.compression_bomb()).problem in {"unreadable", "too_complex"}
    assert cvcheck._zygote.process is zygote
    assert zygote.poll() is None  # still waiting for the next file


def test_checks_from_many_threads_at_once_each_get_their_answer(fresh_checker):
    from concurrent.futures import ThreadPoolExecutor

    files = [pdfs.cv(), pdfs.encrypted(), pdfs.no_pages(), pdfs.ten_pages()] * 3
    with ThreadPoolExecutor(max_workers=6) as pool:
        reports = list(pool.map(cvcheck.check, files))
    assert [r.problem or r.pages for r in reports] == [1, "encrypted", "no_pages", 10] * 3


def test_a_zygote_that_died_is_replaced(fresh_checker):
    cvcheck.check(pdfs.cv())
    dead = cvcheck._zygote.process
    dead.kill()
    dead.wait()

    assert cvcheck.check(pdfs.cv()).pages == 1
    assert cvcheck._zygote.process is not dead
