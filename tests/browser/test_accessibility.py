"""axe-core finds nothing wrong on any public page, in either language, light or dark."""

import pytest

from .pages import LANGUAGES, axe_violations, make_application, prefix, submit_empty_application

pytestmark = pytest.mark.browser

PAGES = ["landing", "apply", "apply-with-errors", "thanks", "status", "privacy", "not-found"]


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("language", list(LANGUAGES))
@pytest.mark.parametrize("name", PAGES)
def test_axe_finds_no_violation(page, site, name, language, scheme):
    page.emulate_media(color_scheme=scheme)
    p = prefix(language)
    if name == "apply-with-errors":
        submit_empty_application(page, site, language)
    else:
        token = make_application(language).token if name in ("thanks", "status") else ""
        path = {
            "landing": "/",
            "apply": "/apply/",
            "thanks": f"/apply/thanks/{token}/",
            "status": f"/apply/status/{token}/",
            "privacy": "/privacy/",
            "not-found": "/no-such-page/",
        }[name]
        response = page.goto(f"{site}{p}{path}")
        assert response.status == (404 if name == "not-found" else 200)

    assert axe_violations(page) == []


def test_axe_does_report_a_violation_when_there_is_one(page, site):
    page.goto(f"{site}/")
    page.evaluate(
        "() => document.querySelector('main').append(Object.assign("
        "document.createElement('img'), {src: '/static/img/favicon.svg'}))"
    )
    assert [v.split(" ")[0] for v in axe_violations(page)] == ["image-alt"]
