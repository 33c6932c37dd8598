"""
Building application submissions for the fault, fuzz and load tests: a valid form for
the seeded content, a small PDF, and multipart bodies for raw HTTP clients.
"""

import datetime
import re
import uuid

# A tiny but well-formed PDF: enough for the form, which checks the "%PDF-" header.
PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)

EVIDENCE = "First author of a paper, see https://example.org/paper for the details."
STATEMENT = "I would like to work on data-centric machine learning with the group."


def pdf_of_size(size):
    """A PDF of exactly `size` bytes (padded with a comment before the end)."""
    padding = size - len(PDF) - 2
    return PDF[:-6] + b"%" + b"x" * max(padding, 0) + b"\n" + PDF[-6:]


def start_date():
    return (datetime.date.today() + datetime.timedelta(days=30)).isoformat()


def form_data(*, position, directions, criteria, email=None, **overrides):
    """
    A valid application as a browser posts it (without the CV), claiming the given
    criteria (ids) with evidence for each.
    """
    data = {
        "full_name": "李明",
        "email": email or f"applicant-{uuid.uuid4().hex[:12]}@example.org",
        "phone": "",
        "wechat": "",
        "school": "北京大学",
        "major": "计算机科学与技术",
        "degree": "bachelor",
        "year_of_study": "3",
        "graduation_year": "2027",
        "position": position,
        "directions": [str(pk) for pk in directions],
        "criteria": [str(pk) for pk in criteria],
        "start_date": start_date(),
        "duration_months": "6",
        "work_mode": "onsite",
        "homepage": "",
        "github": "",
        "scholar": "",
        "statement": STATEMENT,
        "consent": "on",
        "website": "",
    }
    for pk in criteria:
        data[f"evidence_{pk}"] = EVIDENCE
    data.update(overrides)
    return data


def seeded_form_data(criteria=2, **overrides):
    """form_data() for the seeded database: the RA position, one direction."""
    from recruiting.models import Requirement, ResearchDirection

    requirements = list(Requirement.objects.active().values_list("pk", flat=True)[:criteria])
    direction = ResearchDirection.objects.filter(children__isnull=True).order_by("pk").first()
    return form_data(position="ra", directions=[direction.pk], criteria=requirements, **overrides)


# --- Raw HTTP ---------------------------------------------------------------------------


def form_choices(html):
    """Position slugs, direction ids and criterion ids offered by the rendered form."""

    def values(name):
        return re.findall(rf'name="{name}" value="([^"]+)"', html)

    return {
        "position": values("position"),
        "directions": values("directions"),
        "criteria": values("criteria"),
    }


def csrf_token(html):
    match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
    return match.group(1) if match else None


def cookies_from(headers):
    """The name=value pairs of the Set-Cookie headers (http.client's getheaders())."""
    jar = {}
    for name, value in headers:
        if name.lower() == "set-cookie":
            pair = value.split(";", 1)[0]
            key, _, val = pair.partition("=")
            jar[key.strip()] = val.strip()
    return jar


def multipart(fields, files):
    """
    Encode a form as multipart/form-data. fields: {name: str or [str, ...]};
    files: {name: (filename, bytes, content type)}. Returns (body, content type).
    """
    boundary = f"----labsite{uuid.uuid4().hex}"
    parts = []
    for name, value in fields.items():
        for item in value if isinstance(value, list) else [value]:
            parts.append(
                f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'.encode()
                + str(item).encode()
                + b"\r\n"
            )
    for name, (filename, content, content_type) in files.items():
        parts.append(
            (
                f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
                f'filename="{filename}"\r\nContent-Type: {content_type}\r\n\r\n'
            ).encode()
            + content
            + b"\r\n"
        )
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"
