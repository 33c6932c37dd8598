"""axe-core finds nothing wrong on any public page, in either language, light or dark."""

import pytest
from axe_playwright_python.sync_playwright import Axe

from .pages import LANGUAGES, make_application, prefix, submit_empty_application

pytestmark = pytest.mark.browser

PAGES = ["landing", "apply", "apply-with-errors", "thanks", "status", "privacy", "not-found"]
axe = Axe()


def violations(page):
    results = axe.run(page)
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — "
        + "; ".join(" ".join(node["target"]) for node in v["nodes"][:5])
        for v in results.response["violations"]
    ]


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

    assert violations(page) == []


def test_axe_does_report_a_violation_when_there_is_one(page, site):
    page.goto(f"{site}/")
    page.evaluate(
        "() => document.querySelector('main').append(Object.assign("
        "document.createElement('img'), {src: '/static/img/favicon.svg'}))"
    )
    assert [v.split(" ")[0] for v in violations(page)] == ["image-alt"]
