"""
What a browser sends: the fields of an application that passes every check, through
Django's test client (`submit`) or as a multipart body for a raw HTTP client
(`application_body`, for the tests and benchmarks that talk to gunicorn); an admin form
sent back unchanged (`change_form_data`); and the one PDF they all upload. Nothing here
needs the database: the benchmarks import it too.
"""

import datetime
import re

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test.client import BOUNDARY, MULTIPART_CONTENT, encode_multipart
from django.utils import timezone

from recruiting.pdfcheck import raw_pdf


def page_objects(catalog_extra=b"", *more):
    """Catalog, page tree and one page showing a line of text, then `more` objects."""
    text = b"BT /F1 12 Tf 72 720 Td (Li Hua - MSc Computer Science, Peking University) Tj ET"
    return [
        b"<</Type/Catalog/Pages 2 0 R" + catalog_extra + b">>",
        b"<</Type/Pages/Kids[3 0 R]/Count 1>>",
        b"<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]"
        b"/Resources<</Font<</F1 4 0 R>>>>/Contents 5 0 R>>",
        b"<</Type/Font/Subtype/Type1/BaseFont/Helvetica>>",
        b"<</Length %d>>stream\n%s\nendstream" % (len(text), text),
        *more,
    ]


def _one_page_pdf(padding=0):
    """
    A well-formed one-page PDF, padded with a comment of `padding` bytes: the form opens
    every CV (recruiting/pdfcheck.py) and refuses a file without pages. The tests'
    richer CVs, in Chinese too, are in tests/pdfs.py.
    """
    return raw_pdf(page_objects(), preamble=b"%" + b"x" * padding + b"\n" if padding else b"")


PDF = _one_page_pdf()
PAPER_EVIDENCE = "NeurIPS 2023, first author: https://arxiv.org/abs/2301.00001"


def pdf_upload(name="My CV.pdf", content=PDF):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def pdf_of_size(size):
    """A one-page PDF of exactly `size` bytes (padded with a comment after the header)."""
    padding = max(size - len(PDF) - 2, 1)
    while len(pdf := _one_page_pdf(padding)) > size and padding > 1:
        padding -= len(pdf) - size  # the offsets grew by a digit
    return pdf


def application_fields(position, directions, evidence, /, **overrides):
    """
    The POST data of an application that passes every check, CV included: for the
    position's slug, direction ids, and {criterion id: evidence}. An override of None
    drops the field.
    """
    data = {
        "full_name": "李华",
        "email": "li.hua@example.edu.cn",
        "phone": "+86 138 0000 0000",
        "wechat": "lihua_2024",
        "school": "北京大学",
        "major": "计算机科学",
        "degree": "master",
        "year_of_study": "2",
        "graduation_year": "2027",
        "position": position,
        "directions": [str(pk) for pk in directions],
        "criteria": [str(pk) for pk in evidence],
        **{f"evidence_{pk}": text for pk, text in evidence.items()},
        "start_date": (timezone.localdate() + datetime.timedelta(days=30)).isoformat(),
        "duration_months": "6",
        "work_mode": "onsite",
        "homepage": "https://lihua.example.edu.cn/",
        "github": "https://github.com/lihua",
        "scholar": "",
        "statement": "我对以数据为中心的机器学习很感兴趣。",
        "cv": pdf_upload(),
        "consent": "on",
        "website": "",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def application_data(lab, **overrides):
    """application_fields() for the `lab` fixture: the RA position, two criteria."""
    return application_fields(
        lab.ra.slug,
        [lab.general.pk, lab.science.pk],
        {lab.paper.pk: PAPER_EVIDENCE, lab.competitions.pk: "Kaggle 比赛银牌，排名前 3%"},
        **overrides,
    )


def submit(client, lab, url="/en/apply/", headers=None, **overrides):
    """Send the application form; overrides change or (with None) drop fields."""
    return client.post(url, application_data(lab, **overrides), headers=headers)


def errors_of(response, field):
    """The codes of the errors the refused form carries for one field."""
    form = response.context["form"]
    return [error.code for error in form.errors.as_data().get(field, [])]


def change_form_data(response):
    """The POST data of the admin form on the page, unchanged, as the browser sends it."""
    context = response.context
    if "cl" in context:  # a list with fields editable in place
        forms = [context["cl"].formset.management_form, *context["cl"].formset.forms]
    else:
        forms = [context["adminform"].form]
        for inline in context["inline_admin_formsets"]:
            forms += [inline.formset.management_form, *inline.formset.forms]
    data = {}
    for form in forms:
        for name, field in form.fields.items():
            value = form[name].value()
            if value is None or value is False:
                continue
            if field.widget.__class__.__name__ == "CheckboxInput":
                value = "on"
            if isinstance(value, list | tuple):
                value = [str(v) for v in value]
            data[form.add_prefix(name)] = value
    return data


def multipart(data):
    """data encoded as a browser sends a form with a file: (body, content type)."""
    return encode_multipart(BOUNDARY, data), MULTIPART_CONTENT


# --- Raw HTTP ---------------------------------------------------------------------------


def csrf_token(html):
    match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
    return match.group(1) if match else None


def application_body(html, email, pdf=PDF):
    """
    The multipart body of a valid application on the form page `html`: its CSRF token,
    the first position and direction it offers and its first two criteria, with `pdf`
    as the CV. Returns (body, content type).
    """

    def offered(name):
        return re.findall(rf'name="{name}" value="([^"]+)"', html)

    data = application_fields(
        offered("position")[0],
        offered("directions")[:1],
        dict.fromkeys(offered("criteria")[:2], PAPER_EVIDENCE),
        email=email,
        cv=pdf_upload("cv.pdf", pdf),
        csrfmiddlewaretoken=csrf_token(html),
    )
    return multipart(data)
