"""
Property-based tests of the application form and the status pages: whatever a client
sends — arbitrary or huge values, unknown fields, invalid Unicode, NUL bytes, wrong
content types, truncated multipart bodies — the site never answers with a 5xx, and
nothing is saved unless the submission was a valid application.

`make test` runs about 1,100 examples in all; `make fuzz` (HYPOTHESIS_PROFILE=fuzz)
runs 10,000.
"""

import io
import os
import string
import uuid
from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, assume, event, example, given, settings
from hypothesis import strategies as st

from recruiting import decoys
from recruiting.forms import ApplicationForm
from recruiting.models import Application, Claim, Requirement
from tests.factories import stored_files
from tests.submissions import PDF, application_data, multipart

pytestmark = pytest.mark.slow

# Examples per test as a share of the profile's total.
TOTALS = {"ci": 1_100, "fuzz": 10_000}
PROFILE = os.environ.get("HYPOTHESIS_PROFILE", "ci")
for name, total in TOTALS.items():
    settings.register_profile(
        name,
        max_examples=total,
        deadline=None,
        suppress_health_check=[
            HealthCheck.function_scoped_fixture,
            HealthCheck.too_slow,
            HealthCheck.data_too_large,
        ],
        print_blob=True,
    )


def fuzz_settings(share):
    profile = settings.get_profile(PROFILE)
    return settings(profile, max_examples=max(1, round(profile.max_examples * share)))


# The application form and the button under its duplicate refusal, in both languages.
APPLY_PATHS = st.sampled_from(
    ["/apply/", "/en/apply/", "/apply/status-link/", "/en/apply/status-link/"]
)

# Text with everything the database or a parser may trip on: NUL, control characters,
# lone surrogates are left out here (they cannot be sent as UTF-8; raw bodies cover them).
nasty_text = st.one_of(
    st.text(max_size=50),
    st.text(st.characters(codec="utf-8"), max_size=300),
    st.sampled_from(
        [
            "",
            " ",
            "\x00",
            "a\x00b",
            "０",
            "-1",
            "0",
            "1e400",
            "NaN",
            "9" * 50,
            "2027-02-30",
            "<script>alert(1)</script>",
            "' OR 1=1 --",
            "../../etc/passwd",
            "http://",
            "javascript:alert(1)",
            "https://例子.测试/路径",
            "\u202e\u200b",
            "🙂" * 40,
        ]
    ),
    st.integers(min_value=1, max_value=3_000_000).map(lambda n: "x" * n),  # huge
)
field_values = st.one_of(nasty_text, st.lists(nasty_text, max_size=4))

# The form's fields but the CV (sent as a file, below), and evidence fields by position.
FORM_FIELDS = [name for name in ApplicationForm.base_fields if name != "cv"] + [
    "EVIDENCE_0",  # the first criterion's evidence field, whatever its id
    "EVIDENCE_1",
    "EVIDENCE_4",
    "evidence_0",
]
unknown_keys = st.text(string.ascii_letters + string.digits + "_-[].", min_size=1, max_size=30)

# (file name, content, content type) of the uploaded CV, sent as the browser would.
cv_files = st.one_of(
    st.none(),
    st.tuples(
        st.one_of(st.just("cv.pdf"), st.text(max_size=40)),
        st.one_of(
            st.just(PDF),
            st.binary(max_size=2000),
            st.binary(max_size=200).map(lambda b: b"%PDF-" + b),
            st.just(b""),
        ),
        st.sampled_from(["application/pdf", "text/plain", "image/png", "", "x/y; a=b"]),
    ),
)


class Ledger:
    """What the database and the CV storage hold, to compare before and after a request."""

    def __init__(self, storage):
        self.storage = storage

    def snapshot(self):
        files = set(stored_files(self.storage))
        return Application.objects.count(), Claim.objects.count(), files

    def check(self, before, response):
        event(f"HTTP {response.status_code}")
        assert response.status_code < 500, response.status_code
        rows, claims, files = self.snapshot()
        thanked = response.status_code == 302 and "/apply/thanks/" in response["Location"]
        token = response["Location"].rstrip("/").rsplit("/", 1)[-1] if thanked else ""
        if thanked and decoys.application(token) is None:
            # A valid application after all (not a bot sent to a decoy): saved whole, once.
            assert rows == before[0] + 1
            assert len(files - before[2]) == 1
            assert claims > before[1]
        else:
            assert (rows, claims, files) == before, "nothing saved from a refused submission"


@pytest.fixture
def ledger(lab, cv_storage):
    return Ledger(cv_storage)


def browser_file(name, content, content_type):
    """A file to encode as the browser names and types it, whatever the name (an upload
    object would refuse an empty one)."""
    file = io.BytesIO(content)
    file.name, file.content_type = name, content_type
    return file


def valid_data(lab, **overrides):
    """A valid application, under an address of its own: the examples share the database."""
    email = f"applicant-{uuid.uuid4().hex[:12]}@example.org"
    return application_data(lab, email=email, **overrides)


@fuzz_settings(0.45)
@given(
    path=APPLY_PATHS,
    changes=st.dictionaries(st.sampled_from(FORM_FIELDS), field_values, max_size=8),
    removed=st.sets(st.sampled_from(FORM_FIELDS), max_size=5),
    extra=st.dictionaries(unknown_keys, field_values, max_size=3),
    cv=cv_files,
)
def test_arbitrary_form_values_never_cause_a_server_error_nor_a_bad_row(
    client, lab, ledger, path, changes, removed, extra, cv
):
    data = valid_data(lab, cv=None)
    evidence = [f"evidence_{r.pk}" for r in Requirement.objects.active()]
    real = {f"EVIDENCE_{i}": name for i, name in enumerate(evidence)}
    for name in removed:
        data.pop(real.get(name, name), None)
    data.update({real.get(name, name): value for name, value in changes.items()})
    data.update({k: v for k, v in extra.items() if k not in data})
    if cv is not None:
        data["cv"] = browser_file(*cv)
    body, content_type = multipart(data)
    before = ledger.snapshot()

    response = client.generic("POST", path, body, content_type=content_type)

    ledger.check(before, response)


raw_bodies = st.one_of(
    st.binary(max_size=5000),
    st.binary(max_size=300).map(lambda b: b + b"\x00\xff\xfe\xed\xa0\x80"),  # invalid UTF-8
    st.text(max_size=300).map(lambda s: s.encode("utf-8", "surrogatepass")),
    st.text(st.characters(categories=["Cs"]), min_size=1, max_size=20).map(
        lambda s: ("full_name=" + s).encode("utf-8", "surrogatepass")
    ),
    st.just(b"full_name=%ED%A0%80&email=%FF%FE&consent=on&criteria=%00"),
)
content_types = st.sampled_from(
    [
        "application/x-www-form-urlencoded",
        "application/x-www-form-urlencoded; charset=latin-1",
        "application/x-www-form-urlencoded; charset=no-such-charset",
        "multipart/form-data",
        "multipart/form-data; boundary=",
        "multipart/form-data; boundary=xyz",
        "application/json",
        "text/plain",
        "application/octet-stream",
        "",
    ]
)


@fuzz_settings(0.3)
@given(path=APPLY_PATHS, body=raw_bodies, content_type=content_types)
def test_raw_bodies_of_any_type_never_cause_a_server_error(
    client, ledger, path, body, content_type
):
    before = ledger.snapshot()
    response = client.generic("POST", path, body, content_type=content_type)
    ledger.check(before, response)


@fuzz_settings(0.15)
@given(
    path=APPLY_PATHS,
    cut=st.floats(min_value=0, max_value=1, exclude_max=True),
    junk=st.binary(max_size=50),
)
def test_truncated_multipart_bodies_never_cause_a_server_error(
    client, lab, ledger, path, cut, junk
):
    body, content_type = multipart(valid_data(lab))
    truncated = body[: int(len(body) * cut)] + junk
    assume(truncated != body)
    before = ledger.snapshot()

    response = client.generic("POST", path, truncated, content_type=content_type)

    ledger.check(before, response)


tokens = st.one_of(
    st.text(max_size=100).map(lambda s: quote(s, safe="")),
    st.text(string.ascii_letters + string.digits + "-_", min_size=1, max_size=200),
    st.binary(min_size=1, max_size=40).map(lambda b: quote(b, safe="")),  # invalid UTF-8
    st.sampled_from(["%00", "%ff", "..", "%2e%2e", "a" * 5000, "%ED%A0%80", "+", "%"]),
)


@fuzz_settings(0.1)
@given(
    prefix=st.sampled_from(["", "/en"]),
    page=st.sampled_from(["status", "thanks"]),
    token=tokens,
    method=st.sampled_from(["GET", "HEAD", "POST", "PUT", "DELETE", "OPTIONS"]),
    body=st.binary(max_size=200),
)
# Found by this test: a NUL byte in the token reached PostgreSQL (which refuses it).
@example(prefix="", page="status", token="%00", method="GET", body=b"")
@example(prefix="/en", page="thanks", token="a%00b", method="GET", body=b"")
def test_arbitrary_status_links_never_cause_a_server_error(
    client, ledger, prefix, page, token, method, body
):
    before = ledger.snapshot()
    response = client.generic(
        method,
        f"{prefix}/apply/{page}/{token}/",
        body,
        content_type="application/x-www-form-urlencoded",
    )
    ledger.check(before, response)
    if method in ("GET", "HEAD"):
        assert response.status_code in (400, 404), response.status_code
