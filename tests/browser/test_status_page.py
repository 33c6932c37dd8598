"""
The applicant's own status page in a real browser, in both languages: a correction while
new, a replaced CV, a withdrawal and a deletion, each seen on the applicant's timeline and
where staff look (the list's stage, the application's stage history, the dashboard's
counts); everything gone after the deletion. axe-core on every state of the page and on
every action page, light and dark; a withdrawal by the keyboard alone with a visible
focus ring; no sideways scrolling on a 360 px phone.
"""

import uuid

import pytest
from django.utils import timezone, translation
from playwright.sync_api import expect

from recruiting.models import (
    Application,
    Claim,
    CVText,
    Message,
    PreviousCV,
    Requirement,
    StageChange,
)
from tests import pdfs
from tests.factories import ApplicationFactory, stored_files
from tests.submissions import PDF

from .pages import (
    DJANGO_ADMIN_AXE,
    FOCUSED_ELEMENT,
    LANGUAGES,
    axe_violations,
    prefix,
    staff_page,
    t,
)

pytestmark = pytest.mark.browser

BOTH = list(LANGUAGES)
SCHEMES = ["light", "dark"]
LIST = "/admin/recruiting/application/"
DASHBOARD = "/admin/recruiting/application/dashboard/"
PAGE_WIDTH = "() => document.documentElement.scrollWidth"
NEW_CV = pdfs.cv(["Li Hua", "NeurIPS 2023 first author", "Kaggle silver medal"])
NEW_SCHOOL = "Tsinghua University"


def an_application(language, **extra):
    """An application for the seeded RA position with one claim, as the form saves it."""
    from recruiting.models import Position

    requirement = Requirement.objects.filter(is_active=True).order_by("order").first()
    return ApplicationFactory(
        position=Position.objects.get(slug="ra"),
        language=language,
        claims={requirement: "Kaggle silver medal: https://example.org/kaggle"},
        **extra,
    )


def status_url(site, application, action=""):
    path = f"{site}{prefix(application.language)}/apply/status/{application.token}/"
    return f"{path}{action}/" if action else path


def label_of_field(language, name):
    with translation.override(language):
        return str(Application._meta.get_field(name).verbose_name)


def stage_label(language, stage):
    with translation.override(language):
        return str(Application.Stage(stage).label)


def lab_stage_email(application):
    """The lab's e-mail of the application's stage, sent: the timeline shows it."""
    return Message.objects.create(
        application=application,
        kind=Message.Kind.STAGE,
        stage=application.stage,
        language=application.language,
        recipients=[application.email],
        subject="Your application is being read",
        body="Dear applicant,\nthe lab's reviewers are reading your application.",
        message_id=f"<{uuid.uuid4()}@example.org>",
        state=Message.State.SENT,
        sent_at=timezone.now(),
    )


def to_state(application, state):
    """Bring the application to one of the status page's states."""
    if state == "screening":
        application.move_to(Application.Stage.SCREENING)
        lab_stage_email(application)
    elif state == "withdrawn":
        application.move_to(Application.Stage.WITHDRAWN, by_applicant=True)
    elif state == "rejected":
        application.move_to(Application.Stage.REJECTED)


# The states of the status page, in an order one application can go through (withdrawn
# after screening); "rejected" on an application of its own.
STATES = ["new", "screening", "withdrawn", "rejected"]


def status_page_states(language):
    """(state, application) in each state of STATES, one after the other."""
    application = an_application(language)
    yield "new", application
    to_state(application, "screening")
    yield "screening", application
    to_state(application, "withdrawn")
    yield "withdrawn", application
    rejected = an_application(language)
    to_state(rejected, "screening")
    to_state(rejected, "rejected")
    yield "rejected", rejected


def timeline_text(page):
    return page.locator("#timeline").inner_text()


def withdrawn_total(page, site):
    """The dashboard's total of withdrawn applications (its table's last row)."""
    page.goto(f"{site}{DASHBOARD}")
    column = Application.Stage.values.index(Application.Stage.WITHDRAWN)
    return int(page.locator("#by-position-and-stage tfoot td.count").nth(column).inner_text())


def admin_timeline_rows(page, site, application):
    """The application's stage history in its admin page: (what, by or state) rows."""
    page.goto(f"{site}{LIST}{application.pk}/change/")
    rows = page.locator(".field-timeline table.timeline tbody tr")
    return [
        tuple(cell.strip() for cell in row.locator("td").all_text_contents()[1:])
        for row in rows.all()
    ]


# -- The whole way, and where staff see each step ---------------------------------------


@pytest.mark.parametrize("language", BOTH)
def test_correct_replace_the_cv_withdraw_and_delete_each_seen_by_staff_and_then_all_gone(
    browser, page, site, cv_storage, tmp_path, run_worker, language
):
    from django.contrib.auth.models import User

    boss = User.objects.create_superuser("boss", "boss@example.com", None)
    staff = staff_page(browser, site, boss)
    application = an_application(language)
    pk, old_cv = application.pk, application.cv.name
    try:
        withdrawn_before = withdrawn_total(staff, site)

        # Correct the school while nobody at the lab has started.
        page.goto(status_url(site, application))
        page.get_by_role("link", name=t(language, "Correct your application")).click()
        page.locator("#id_school").fill(NEW_SCHOOL)
        page.get_by_role("button", name=t(language, "Check my changes")).click()
        expect(page.get_by_role("heading", level=1)).to_have_text(
            t(language, "Check your changes")
        )
        expect(page.locator("dl.changes")).to_contain_text(NEW_SCHOOL)
        application.refresh_from_db()
        assert application.school == "Peking University", "saved only once confirmed"
        page.get_by_role("button", name=t(language, "Save these changes")).click()
        expect(page.locator(".status-messages")).to_contain_text(
            t(language, "Your changes are saved.")
        )
        corrected = t(language, "You corrected: %(fields)s.") % {
            "fields": label_of_field(language, "school")
        }
        assert corrected in timeline_text(page)
        application.refresh_from_db()
        assert application.school == NEW_SCHOOL

        # Replace the CV with a real PDF, checked, then used.
        cv_file = tmp_path / "new cv.pdf"
        cv_file.write_bytes(NEW_CV)
        page.get_by_role("link", name=t(language, "Replace your CV")).click()
        page.get_by_label(t(language, "CV (PDF)")).set_input_files(cv_file)
        page.get_by_role("button", name=t(language, "Upload and check")).click()
        expect(page.get_by_role("heading", level=1)).to_have_text(t(language, "Use this CV?"))
        page.get_by_role("button", name=t(language, "Use this CV")).click()
        expect(page.locator(".status-messages")).to_contain_text(
            t(language, "Your new CV is saved.")
        )
        assert t(language, "You sent a new CV.") in timeline_text(page)
        application.refresh_from_db()
        assert application.cv.read() == NEW_CV
        assert stored_files(cv_storage) == [application.cv.name], "the old CV is deleted"
        assert application.cv.name != old_cv

        # The lab starts (and writes): a newer CV is now kept beside the one before.
        application.move_to(Application.Stage.SCREENING, by=boss)
        lab_stage_email(application)
        page.goto(status_url(site, application))
        page.get_by_role("link", name=t(language, "Send a newer CV")).click()
        cv_file.write_bytes(PDF)
        page.get_by_label(t(language, "CV (PDF)")).set_input_files(cv_file)
        page.get_by_role("button", name=t(language, "Upload and check")).click()
        page.get_by_role("button", name=t(language, "Use this CV")).click()
        expect(page.locator(".status-messages")).to_contain_text(
            t(language, "Your new CV is saved; the lab also keeps the one you sent before.")
        )
        application.refresh_from_db()
        assert application.cv.read() == PDF
        assert [earlier.file.read() for earlier in application.previous_cvs.all()] == [NEW_CV]
        assert len(stored_files(cv_storage)) == 2

        # Withdraw.
        page.get_by_role("link", name=t(language, "Withdraw my application")).click()
        expect(page.get_by_role("heading", level=1)).to_have_text(
            t(language, "Withdraw your application?")
        )
        page.get_by_role("button", name=t(language, "Withdraw my application")).click()
        expect(page.locator(".status-messages")).to_contain_text(
            t(language, "Your application is withdrawn.")
        )
        expect(page.locator("#current-stage strong")).to_have_text(
            stage_label(language, "withdrawn")
        )
        timeline = timeline_text(page)
        assert t(language, "You withdrew your application.") in timeline
        assert (
            t(language, "The lab wrote to you: %(subject)s")
            % {"subject": "Your application is being read"}
            in timeline
        )
        application.refresh_from_db()
        assert application.stage == "withdrawn"

        # Where staff look (the admin in English): the list, the stage history, the dashboard.
        staff.goto(f"{site}{LIST}?q={application.email}")
        row = staff.locator("#result_list tbody tr").filter(has_text=application.full_name)
        expect(row.locator("td.field-stage")).to_have_text(stage_label("en", "withdrawn"))
        history = admin_timeline_rows(staff, site, application)
        assert (
            f"Corrected by the applicant: {label_of_field('en', 'school')}",
            "the applicant",
        ) in history
        assert ("New CV from the applicant", "the applicant") in history
        assert ("New → Screening", "boss") in history
        assert ("Screening → Withdrawn", "the applicant") in history
        assert withdrawn_total(staff, site) == withdrawn_before + 1

        # Delete everything: the rows, files and e-mails there are.
        run_worker()  # the CV read (CVText), the withdrawal's e-mail sent
        for model in (Claim, StageChange, PreviousCV, CVText, Message):
            assert model.objects.filter(application_id=pk).exists(), model.__name__
        page.goto(status_url(site, application))
        page.get_by_role("link", name=t(language, "Delete my data")).click()
        page.get_by_label(
            t(
                language,
                "I understand that my application, my CV and everything the lab wrote "
                "about it will be deleted for good, and cannot be restored.",
            )
        ).check()
        page.get_by_role("button", name=t(language, "Delete my data for good")).click()
        page.wait_for_url(f"{site}{prefix(language)}/apply/deleted/")
        expect(page.get_by_role("heading", level=1)).to_have_text(
            t(language, "Your data has been deleted")
        )
        assert not Application.objects.filter(pk=pk).exists()
        for model in (Claim, StageChange, PreviousCV, CVText):
            assert not model.objects.filter(application_id=pk).exists(), model.__name__
        assert not Message.objects.filter(application_id=pk).exists()
        assert stored_files(cv_storage) == []
        assert page.goto(status_url(site, application)).status == 404
        assert withdrawn_total(staff, site) == withdrawn_before
    finally:
        staff.context.close()


# -- axe-core ------------------------------------------------------------------------------


def send_unticked(page, language):
    """The delete page's form sent with its box unticked, past the browser's own check."""
    page.eval_on_selector("main form[method=post]", "form => { form.noValidate = true; }")
    page.get_by_role("button", name=t(language, "Delete my data for good")).click()
    expect(page.locator("#id_understood")).to_have_attribute("aria-invalid", "true")


def axe_both_schemes(page, label, found):
    """axe on the page as it is, light then dark, each violation under `label`."""
    for scheme in SCHEMES:
        page.emulate_media(color_scheme=scheme)
        # The buttons' colours change by a CSS transition: axe reads them once it ends.
        page.evaluate("() => Promise.all(document.getAnimations().map(a => a.finished))")
        for violation in axe_violations(page):
            found.append(f"{label} ({scheme}): {violation}")


# Fails until static/css/site.css gives .btn-outline-danger a dark-scheme colour: the
# "Withdraw my application" link (new, screening) is #dc3545 on #212529, 3.4:1.
@pytest.mark.parametrize("language", BOTH)
def test_axe_finds_no_violation_on_the_status_page_in_any_state(page, site, language):
    found = []
    for state, application in status_page_states(language):
        response = page.goto(status_url(site, application))
        assert response.status == 200
        if state == "screening":
            # The lab's e-mail in the timeline, unfolded.
            page.get_by_text(t(language, "Read the e-mail")).click()
            expect(page.locator(".event-body")).to_be_visible()
        if state == "rejected":
            expect(page.get_by_role("link", name=t(language, "Delete my data"))).to_be_visible()
        axe_both_schemes(page, state, found)
    assert found == [], "\n".join(found)


# Fails until static/css/site.css gives .btn-outline-secondary a dark-scheme colour: "Change
# them again" on the check-your-changes page is #6c757d on #212529, 3.28:1.
@pytest.mark.parametrize("language", BOTH)
def test_axe_finds_no_violation_on_any_action_page(page, site, cv_storage, tmp_path, language):
    application = an_application(language)
    found = []

    page.goto(status_url(site, application, "correct"))
    axe_both_schemes(page, "correct", found)
    page.locator("#id_school").fill(NEW_SCHOOL)
    page.get_by_role("button", name=t(language, "Check my changes")).click()
    expect(page.locator("dl.changes")).to_be_visible()
    axe_both_schemes(page, "check your changes", found)

    page.goto(status_url(site, application, "cv"))
    axe_both_schemes(page, "new CV", found)
    cv_file = tmp_path / "cv.pdf"
    cv_file.write_bytes(PDF)
    page.get_by_label(t(language, "CV (PDF)")).set_input_files(cv_file)
    page.get_by_role("button", name=t(language, "Upload and check")).click()
    expect(page.get_by_role("button", name=t(language, "Use this CV"))).to_be_visible()
    axe_both_schemes(page, "use this CV?", found)

    page.goto(status_url(site, application, "withdraw"))
    axe_both_schemes(page, "withdraw", found)
    page.get_by_role("button", name=t(language, "Withdraw my application")).click()
    expect(page.locator(".status-messages")).to_be_visible()
    axe_both_schemes(page, "status with a message", found)

    page.goto(status_url(site, application, "delete"))
    axe_both_schemes(page, "delete", found)
    send_unticked(page, language)
    axe_both_schemes(page, "delete, box unticked", found)

    page.goto(f"{site}{prefix(language)}/apply/deleted/")
    axe_both_schemes(page, "deleted", found)
    assert found == [], "\n".join(found)


@pytest.mark.parametrize("scheme", SCHEMES)
def test_axe_finds_no_violation_in_the_admin_stage_history_of_an_applicants_changes(
    browser, site, scheme
):
    from django.contrib.auth.models import User

    application = an_application("en")
    to_state(application, "withdrawn")
    boss = User.objects.create_superuser("boss", "boss@example.com", None)
    staff = staff_page(browser, site, boss, color_scheme=scheme)
    try:
        assert admin_timeline_rows(staff, site, application)
        assert axe_violations(staff, DJANGO_ADMIN_AXE) == []
    finally:
        staff.context.close()


# -- The keyboard alone ----------------------------------------------------------------------


def tab_to(page, matches, rings, limit=60):
    """Tab until the focused element matches; every element on the way shows its focus."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUSED_ELEMENT)
        assert focused is not None, "Tab never leaves the page"
        assert focused["ring"] and focused["visible"], f"no visible focus ring on {focused}"
        rings.append(focused)
        if matches(focused):
            return focused
    raise AssertionError(f"Tab never reached it; focused in turn: {rings}")


@pytest.mark.parametrize("language", BOTH)
def test_an_application_can_be_withdrawn_with_the_keyboard_alone(browser, site, language):
    application = an_application(language)
    context = browser.new_context(locale="en-US", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    rings = []
    try:
        page.goto(status_url(site, application))
        label = t(language, "Withdraw my application")
        tab_to(page, lambda el: el["href"].endswith("/withdraw/") and el["text"] == label, rings)
        page.keyboard.press("Enter")
        expect(page.get_by_role("heading", level=1)).to_have_text(
            t(language, "Withdraw your application?")
        )
        tab_to(page, lambda el: el["tag"] == "button" and el["text"] == label, rings)
        page.keyboard.press("Space")
        expect(page.locator(".status-messages")).to_contain_text(
            t(language, "Your application is withdrawn.")
        )
        application.refresh_from_db()
        assert application.stage == "withdrawn"
        change = application.stage_changes.get()
        assert (change.to_stage, change.by_applicant) == ("withdrawn", True)
    finally:
        context.close()


# -- A 360 px phone --------------------------------------------------------------------------


@pytest.mark.parametrize("language", BOTH)
def test_no_state_of_the_status_page_scrolls_sideways_on_a_phone(phone_page, site, language):
    widths = {}
    for state, application in status_page_states(language):
        phone_page.goto(status_url(site, application))
        if state == "screening":
            phone_page.get_by_text(t(language, "Read the e-mail")).click()
        widths[state] = phone_page.evaluate(PAGE_WIDTH)
    assert widths == dict.fromkeys(STATES, 360)


@pytest.mark.parametrize("language", BOTH)
def test_no_action_page_scrolls_sideways_on_a_phone(
    phone_page, site, cv_storage, tmp_path, language
):
    page = phone_page
    application = an_application(language)
    widths = {}
    page.goto(status_url(site, application, "correct"))
    widths["correct"] = page.evaluate(PAGE_WIDTH)
    page.locator("#id_school").fill("An-unusually-long-school-name-without-spaces-" * 3)
    page.get_by_role("button", name=t(language, "Check my changes")).click()
    expect(page.locator("dl.changes")).to_be_visible()
    widths["check your changes"] = page.evaluate(PAGE_WIDTH)
    page.goto(status_url(site, application, "cv"))
    widths["new CV"] = page.evaluate(PAGE_WIDTH)
    cv_file = tmp_path / "cv.pdf"
    cv_file.write_bytes(PDF)
    page.get_by_label(t(language, "CV (PDF)")).set_input_files(cv_file)
    page.get_by_role("button", name=t(language, "Upload and check")).click()
    expect(page.get_by_role("button", name=t(language, "Use this CV"))).to_be_visible()
    widths["use this CV?"] = page.evaluate(PAGE_WIDTH)
    page.goto(status_url(site, application, "withdraw"))
    widths["withdraw"] = page.evaluate(PAGE_WIDTH)
    page.get_by_role("button", name=t(language, "Withdraw my application")).click()
    page.goto(status_url(site, application, "delete"))
    send_unticked(page, language)
    widths["delete, box unticked"] = page.evaluate(PAGE_WIDTH)
    page.goto(f"{site}{prefix(language)}/apply/deleted/")
    widths["deleted"] = page.evaluate(PAGE_WIDTH)
    assert widths == dict.fromkeys(widths, 360)
    assert page.url.endswith("/apply/deleted/")
