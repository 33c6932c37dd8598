"""The CV: a PDF by name and by content, not empty, not too large, never public."""

import pytest
from django.test import override_settings

from recruiting.models import Application
from tests.factories import stored_files
from tests.submissions import PDF, errors_of, pdf_upload, submit


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("/apply/", "简历必须是 PDF 文件（文件名以 .pdf 结尾）。"),
        ("/en/apply/", "Your CV must be a PDF file (a name ending in .pdf)."),
    ],
)
def test_a_cv_that_is_not_named_pdf_is_refused(client, lab, cv_storage, url, message):
    response = submit(client, lab, url, cv=pdf_upload("cv.docx"))
    assert response.status_code == 422
    assert errors_of(response, "cv") == ["not_pdf"]
    assert message in response.content.decode()
    assert stored_files(cv_storage) == []


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("/apply/", "该文件名以 .pdf 结尾，但内容并不是 PDF。请上传 PDF 格式的简历。"),
        ("/en/apply/", "This file is not a PDF, although its name ends in .pdf."),
    ],
)
def test_a_file_named_pdf_that_is_not_a_pdf_is_refused(client, lab, cv_storage, url, message):
    fake = pdf_upload("cv.pdf", b"<html><script>alert(1)</script></html>")
    response = submit(client, lab, url, cv=fake)
    assert response.status_code == 422
    assert errors_of(response, "cv") == ["not_pdf_content"]
    assert message in response.content.decode()
    assert stored_files(cv_storage) == []


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("/apply/", "你上传的文件是空的。请上传 PDF 格式的简历。"),
        ("/en/apply/", "The file you attached is empty. Attach your CV as a PDF file."),
    ],
)
def test_an_empty_cv_is_refused(client, lab, url, message):
    response = submit(client, lab, url, cv=pdf_upload("cv.pdf", b""))
    assert response.status_code == 422
    assert message in response.content.decode()


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("/apply/", "请上传 PDF 格式的简历。"),
        ("/en/apply/", "Attach your CV as a PDF file."),
    ],
)
def test_an_application_without_a_cv_is_refused(client, lab, url, message):
    response = submit(client, lab, url, cv=None)
    assert response.status_code == 422
    assert errors_of(response, "cv") == ["required"]
    assert message in response.content.decode()
    assert not Application.objects.exists()


@override_settings(CV_MAX_BYTES=4096)
@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("/apply/", "你的简历超过了 4 KB。请上传更小的 PDF 文件。"),
        ("/en/apply/", "Your CV is larger than 4 KB. Attach a smaller PDF file."),
    ],
)
def test_a_cv_over_the_size_limit_is_refused_and_the_rest_is_kept(
    client, lab, cv_storage, url, message
):
    big = pdf_upload("cv.pdf", PDF + b"0" * 5000)
    response = submit(client, lab, url, cv=big)
    assert response.status_code == 422
    assert errors_of(response, "cv") == ["too_large"]
    assert message in response.content.decode()
    # The form was still read after the file was dropped.
    assert 'value="li.hua@example.edu.cn"' in response.content.decode()
    assert stored_files(cv_storage) == []


def test_the_size_limit_is_shown_in_megabytes(client, lab):
    assert "One PDF file of at most 10 MB." in client.get("/en/apply/").content.decode()
    assert "一个 PDF 文件，不超过 10 MB。" in client.get("/apply/").content.decode()


@override_settings(CV_MAX_BYTES=4096)
def test_a_cv_of_exactly_the_size_limit_is_accepted(client, lab):
    exact = PDF + b"0" * (4096 - len(PDF))
    response = submit(client, lab, cv=pdf_upload("cv.pdf", exact))
    assert response.status_code == 302
    assert Application.objects.get().cv.size == 4096


def test_a_large_cv_kept_on_disk_during_the_upload_is_accepted(client, lab):
    three_megabytes = PDF + b"0" * (3 * 1024 * 1024)  # over the in-memory limit
    response = submit(client, lab, cv=pdf_upload("cv.pdf", three_megabytes))
    assert response.status_code == 302
    with Application.objects.get().cv.open("rb") as stored:
        assert stored.read() == three_megabytes


def test_an_upper_case_pdf_extension_is_accepted(client, lab):
    assert submit(client, lab, cv=pdf_upload("CV.PDF")).status_code == 302


def test_the_cv_is_stored_under_a_random_name_not_the_uploaded_one(client, lab, cv_storage):
    submit(client, lab, cv=pdf_upload("Li Hua CV 2025.pdf"))
    application = Application.objects.get()
    name = application.cv.name
    assert "Li" not in name and "Hua" not in name and "CV" not in name
    assert name.endswith(".pdf") and len(name.rsplit("/", 1)[1]) == len("0" * 32 + ".pdf")
    assert stored_files(cv_storage) == [name]
    with application.cv.open("rb") as stored:
        assert stored.read() == PDF


def test_two_cvs_with_the_same_name_do_not_collide(client, lab, cv_storage):
    submit(client, lab, cv=pdf_upload("cv.pdf"))
    submit(client, lab, email="other@example.com", cv=pdf_upload("cv.pdf"))
    names = [a.cv.name for a in Application.objects.all()]
    assert len(set(names)) == 2
    assert len(stored_files(cv_storage)) == 2


def test_the_cv_is_never_served_at_a_public_url(client, lab):
    submit(client, lab)
    name = Application.objects.get().cv.name
    for url in [
        f"/media/{name}",
        f"/media/cvs/{name}",
        f"/cvs/{name}",
        f"/en/media/{name}",
        f"/static/{name}",
        f"/{name}",
    ]:
        assert client.get(url).status_code == 404, url


def test_no_url_pattern_serves_the_cvs_folder(settings):
    """Only the lab's photos are served at /media/, from a folder that holds no CV."""
    from pathlib import Path

    from django.urls import get_resolver

    from recruiting.views import public_media

    def patterns(resolver, prefix=""):
        for pattern in resolver.url_patterns:
            if hasattr(pattern, "url_patterns"):
                yield from patterns(pattern, prefix + str(pattern.pattern))
            else:
                yield prefix + str(pattern.pattern), pattern.callback

    for route, view in patterns(get_resolver()):
        if view is public_media:
            assert route == "media/<path:path>"
            continue
        assert "media" not in route
        assert getattr(view, "__name__", "") != "serve", route
    cvs = Path(settings.MEDIA_ROOT).resolve()
    photos = Path(settings.PUBLIC_MEDIA_ROOT).resolve()
    assert not photos.is_relative_to(cvs) and not cvs.is_relative_to(photos)
