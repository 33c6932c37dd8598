"""Malformed submissions get a 4xx and a page that says what happened, never a 500."""

from urllib.parse import urlencode

import pytest
from django.test import Client, override_settings

from recruiting.models import Application
from tests.submissions import application_data, multipart, pdf_upload


@pytest.fixture
def client():
    # As in production: an error inside the view is answered, not raised into the test.
    return Client(raise_request_exception=False)


def post_raw(client, body, content_type=None):
    if isinstance(body, dict):
        body, content_type = multipart(body)
    return client.generic("POST", "/en/apply/", body, content_type=content_type)


def assert_clear_refusal(response, status):
    assert response.status_code == status
    html = response.content.decode()
    assert "<h1>" in html  # a page, not a stack trace
    assert not Application.objects.exists()


def test_a_form_sent_without_multipart_asks_for_the_cv(client, lab):
    data = urlencode(application_data(lab, cv=None), doseq=True)
    response = post_raw(client, data, content_type="application/x-www-form-urlencoded")
    assert_clear_refusal(response, 422)
    assert "Attach your CV as a PDF file." in response.content.decode()
    assert 'value="li.hua@example.edu.cn"' in response.content.decode()


def test_a_json_body_is_refused_with_the_form_and_its_errors(client, lab):
    response = post_raw(client, b'{"full_name": "x"}', content_type="application/json")
    assert_clear_refusal(response, 422)
    assert "This field is required." in response.content.decode()


def test_a_multipart_body_missing_most_parts_is_refused_with_the_form(client, lab):
    response = post_raw(client, {"full_name": "Li Hua"})
    assert_clear_refusal(response, 422)
    assert 'value="Li Hua"' in response.content.decode()


def test_a_multipart_body_without_a_boundary_is_a_bad_request(client, lab):
    response = post_raw(client, b"garbage", content_type="multipart/form-data")
    assert_clear_refusal(response, 400)
    assert "This request could not be understood" in response.content.decode()


def test_a_truncated_multipart_body_is_refused_not_an_error(client, lab):
    body, content_type = multipart(
        {"full_name": "Li Hua", "cv": pdf_upload("cv.pdf", b"%PDF-1.4")}
    )
    response = post_raw(client, body[: body.index(b"%PDF-1.4") + 6], content_type)
    assert_clear_refusal(response, 422)  # what arrived is read; the rest is missing
    assert 'value="Li Hua"' in response.content.decode()


def test_broken_base64_in_a_file_part_is_a_bad_request(client, lab):
    body, content_type = multipart({"cv": pdf_upload("cv.pdf", b"!!!not base64!!!")})
    base64 = body.replace(b"Content-Type: application/pdf", b"Content-Transfer-Encoding: base64")
    response = post_raw(client, base64, content_type)
    assert_clear_refusal(response, 400)


def test_too_many_fields_is_a_bad_request(client, lab):
    assert_clear_refusal(post_raw(client, {f"f{n}": "x" for n in range(1100)}), 400)


@override_settings(DATA_UPLOAD_MAX_NUMBER_FILES=5)
def test_too_many_files_is_a_bad_request(client, lab):
    cvs = [pdf_upload("cv.pdf", b"%PDF-1.4") for _ in range(6)]
    assert_clear_refusal(post_raw(client, {"cv": cvs}), 400)


def test_a_huge_text_field_is_a_bad_request(client, lab):
    assert_clear_refusal(post_raw(client, {"statement": "x" * 3_000_000}), 400)


def test_a_long_text_field_under_the_body_limit_is_refused_by_the_form(client, lab):
    response = client.post("/en/apply/", application_data(lab, full_name="x" * 100_000))
    assert_clear_refusal(response, 422)
    assert "Ensure this value has at most 100 characters" in response.content.decode()


def test_of_a_list_where_one_value_is_expected_the_last_counts(client, lab):
    data = application_data(lab, position=["ra", "intern"], degree=["master", "phd"])
    response = client.post("/en/apply/", data)
    assert response.status_code == 302  # the last value counts, as in any Django form
    application = Application.objects.get()
    assert (application.position, application.degree) == (lab.intern, "phd")


def test_a_post_without_the_csrf_token_is_forbidden(lab):
    client = Client(enforce_csrf_checks=True)
    response = client.post("/en/apply/", application_data(lab))
    assert response.status_code == 403
    assert not Application.objects.exists()


def test_a_post_with_the_csrf_token_from_the_page_is_accepted(lab):
    client = Client(enforce_csrf_checks=True)
    page = client.get("/en/apply/")
    token = page.context["csrf_token"]
    response = client.post("/en/apply/", {**application_data(lab), "csrfmiddlewaretoken": token})
    assert response.status_code == 302


def test_a_very_long_status_token_is_simply_not_found(client):
    assert client.get("/en/apply/status/" + "a" * 5000 + "/").status_code == 404
