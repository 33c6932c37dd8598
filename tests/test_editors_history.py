"""
Editors' changes are recorded and can be undone; what applications refer to is never
deleted from under them; publications come in from a BibTeX file.
"""

import pytest
from django.urls import reverse
from reversion.models import Version

from recruiting import bibtex
from recruiting.content import recruiting_sentence
from recruiting.forms import ApplicationForm
from recruiting.models import Application, Position, Publication, Requirement, ResearchDirection
from tests.factories import ApplicationFactory
from tests.images import upload
from tests.submissions import change_form_data

# --- History and undo -----------------------------------------------------------------


def edit(client, obj, **changes):
    url = reverse(f"admin:recruiting_{obj._meta.model_name}_change", args=[obj.pk])
    data = change_form_data(client.get(url))
    data.update(changes)
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    return response


def test_seeded_content_has_a_first_version_so_the_first_edit_can_be_undone(seeded):
    for requirement in Requirement.objects.all():
        versions = Version.objects.get_for_object(requirement)
        assert versions.count() == 1
        assert versions[0].revision.comment == "Loaded from the lab's post (seed_content)"


def test_every_change_in_the_admin_is_recorded_with_who_and_what(editor_client, editor, seeded):
    requirement = Requirement.objects.order_by("order").first()
    edit(editor_client, requirement, short_title_en="A changed title")

    latest = Version.objects.get_for_object(requirement).first()
    assert latest.revision.user == editor
    assert "Short title [English]" in latest.revision.get_comment()
    assert latest.field_dict["short_title_en"] == "A changed title"
    history = editor_client.get(
        reverse("admin:recruiting_requirement_history", args=[requirement.pk])
    )
    assert history.status_code == 200
    assert "editor" in history.content.decode()


def test_reverting_a_change_in_the_admin_puts_the_old_text_back_on_the_page(
    editor_client, seeded, client
):
    requirement = Requirement.objects.order_by("order").first()
    before = requirement.short_title_en
    edit(editor_client, requirement, short_title_en="A changed title")
    assert "A changed title" in client.get("/en/").content.decode()

    first = Version.objects.get_for_object(requirement).last()
    revision_url = reverse(
        "admin:recruiting_requirement_revision", args=[requirement.pk, first.pk]
    )
    form = editor_client.get(revision_url)
    assert form.status_code == 200
    response = editor_client.post(revision_url, change_form_data(form))
    assert response.status_code == 302

    requirement.refresh_from_db()
    assert requirement.short_title_en == before
    page = client.get("/en/").content.decode()
    assert "A changed title" not in page and before in page


def test_a_deleted_item_can_be_recovered_from_the_admin(editor_client, seeded, client):
    requirement = Requirement.objects.order_by("order").last()
    title = requirement.short_title_zh_hans
    editor_client.post(
        reverse("admin:recruiting_requirement_delete", args=[requirement.pk]), {"post": "yes"}
    )
    assert title not in client.get("/").content.decode()

    deleted = Version.objects.get_deleted(Requirement).get(object_id=str(requirement.pk))
    recover_url = reverse("admin:recruiting_requirement_recover", args=[deleted.pk])
    form = editor_client.get(recover_url)
    assert form.status_code == 200
    assert editor_client.post(recover_url, change_form_data(form)).status_code == 302
    assert Requirement.objects.filter(pk=requirement.pk).exists()
    assert title in client.get("/").content.decode()


# --- What applications refer to -------------------------------------------------------


@pytest.fixture
def chosen(seeded):
    """A research direction and a criterion one application chose."""
    direction = ResearchDirection.objects.filter(parent__isnull=True).first()
    requirement = Requirement.objects.order_by("order").first()
    application = ApplicationFactory(
        directions=[direction], claims={requirement: "ICML 2024, first author"}
    )
    return direction, requirement, application


@pytest.mark.parametrize("which", [0, 1], ids=["direction", "requirement"])
def test_deleting_what_an_application_chose_is_refused_with_what_to_do_instead(
    editor_client, chosen, which
):
    obj = chosen[which]
    url = reverse(f"admin:recruiting_{obj._meta.model_name}_delete", args=[obj.pk])

    page = editor_client.get(url).content.decode()
    assert "was chosen by 1 application: make it inactive instead." in page
    editor_client.post(url, {"post": "yes"})

    assert type(obj).objects.filter(pk=obj.pk).exists()
    assert chosen[2].directions.exists() and chosen[2].claims.exists()


def test_the_bulk_delete_action_refuses_too(editor_client, chosen):
    direction = chosen[0]
    response = editor_client.post(
        reverse("admin:recruiting_researchdirection_changelist"),
        {"action": "delete_selected", "_selected_action": [direction.pk], "post": "yes"},
    )
    assert "make it inactive instead" in response.content.decode()
    assert ResearchDirection.objects.filter(pk=direction.pk).exists()


def test_a_branch_an_application_chose_cannot_be_deleted_from_its_directions_page(
    editor_client, seeded
):
    branch = ResearchDirection.objects.filter(parent__isnull=False).first()
    application = ApplicationFactory(directions=[branch])
    url = reverse("admin:recruiting_researchdirection_change", args=[branch.parent_id])
    data = change_form_data(editor_client.get(url))
    prefix = next(key for key in data if key.endswith("-TOTAL_FORMS")).removesuffix("TOTAL_FORMS")
    index = next(
        key.split("-")[1]
        for key, value in data.items()
        if key.startswith(prefix) and key.endswith("-id") and str(value) == str(branch.pk)
    )
    data[f"{prefix}{index}-DELETE"] = "on"

    response = editor_client.post(url, data)

    assert response.status_code == 200
    assert "make it inactive instead" in response.content.decode()
    assert application.directions.filter(pk=branch.pk).exists()


def test_an_unused_direction_is_deleted_as_before(editor_client, seeded):
    direction = ResearchDirection.objects.create(slug="unused", title_zh_hans="未用方向")
    editor_client.post(
        reverse("admin:recruiting_researchdirection_delete", args=[direction.pk]),
        {"post": "yes"},
    )
    assert not ResearchDirection.objects.filter(pk=direction.pk).exists()


def test_an_inactive_direction_leaves_the_page_and_the_form_but_applications_keep_it(
    chosen, client
):
    direction, _requirement, application = chosen
    direction.is_active = False
    direction.save()

    assert direction.title_zh_hans not in client.get("/").content.decode()
    offered = dict(ApplicationForm().fields["directions"].choices)
    assert str(direction.pk) not in offered
    assert list(Application.objects.get(pk=application.pk).directions.all()) == [direction]


# --- The recruiting sentence ----------------------------------------------------------


def test_the_recruiting_sentence_follows_the_open_positions(seeded):
    from django.utils import translation

    with translation.override("en"):
        assert recruiting_sentence(list(Position.objects.open())) == (
            "The group is now recruiting: Research assistant (RA), Intern and Early "
            "internship for future PhD/master's students (推免/申请考核制)."
        )
        Position.objects.filter(slug="intern").update(is_open=False)
        assert "Intern and" not in recruiting_sentence(list(Position.objects.open()))
        assert recruiting_sentence([]) == ""
    with translation.override("zh-hans"):
        assert recruiting_sentence(list(Position.objects.open())) == (
            "课题组正在招收：研究助理（RA）和推免/申请考核制提前进组实习。"
        )


# --- BibTeX ---------------------------------------------------------------------------

BIB = r"""
@inproceedings{madeup2024,
  title = {A {Made-Up} Study of {G}raph Learning},
  author = {Doe, Jane and M{\"u}ller, Max and Roe, Richard},
  booktitle = {Proceedings of a Made-Up Conference},
  year = {2024},
  doi = {10.1234/madeup.2024}
}
@article{madeup2023,
  title = {Another Invented Paper},
  author = {Jane Doe},
  journal = {Journal of Examples},
  year = 2023,
  url = {https://example.org/paper}
}
@misc{notitle, author = {Nobody}, year = {2020}}
@article{broken, title = {never closed
"""


def import_page(client, **data):
    return client.post(reverse("admin:recruiting_publication_import"), data)


def test_a_bibtex_file_becomes_publications_and_importing_it_again_adds_nothing(
    editor_client, seeded
):
    response = import_page(editor_client, file=upload("refs.bib", BIB.encode(), "text/plain"))
    assert response.status_code == 302

    study, other = Publication.objects.order_by("-year")
    assert study.title == "A Made-Up Study of Graph Learning"
    assert study.authors == "Jane Doe, Max Müller, Richard Roe"
    assert study.venue == "Proceedings of a Made-Up Conference"
    assert study.year == 2024
    assert study.url == "https://doi.org/10.1234/madeup.2024"
    assert (other.venue, other.year, other.url) == (
        "Journal of Examples",
        2023,
        "https://example.org/paper",
    )
    messages = [str(m) for m in editor_client.get("/admin/").context["messages"]]
    assert "2 publications added." in messages
    assert "2 entries could not be read (no title, or not valid BibTeX)." in messages
    # One change in the history, by the editor.
    assert Version.objects.get_for_object(study).get().revision.user.username == "editor"

    import_page(editor_client, text=BIB)
    assert Publication.objects.count() == 2


@pytest.mark.parametrize(
    "data, message",
    [
        ({"text": "   "}, "Choose a BibTeX file or paste its entries."),
        (
            {"file": upload("refs.bib", "@misc{x, title={é}}".encode("utf-16"), "text/plain")},
            "This file is not UTF-8 text.",
        ),
        (
            {"file": upload("refs.bib", b"x" * (bibtex.MAX_BYTES + 1), "text/plain")},
            "This file is larger than 512 KB.",
        ),
        (
            {"text": "@misc{x, title={T}}\n" * (bibtex.MAX_ENTRIES + 1)},
            "This file has more than 500 entries: import it in parts.",
        ),
    ],
    ids=["empty", "not-utf8", "too-large", "too-many"],
)
def test_a_bad_bibtex_upload_is_refused_with_a_clear_message(editor_client, seeded, data, message):
    response = import_page(editor_client, **data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Publication.objects.exists()


def test_a_link_in_bibtex_must_be_a_web_address(db):
    found, _unreadable = bibtex.entries(
        "@misc{a, title={T}, author={A}, url={javascript:alert(1)}}"
    )
    assert found[0].url == ""


def test_reviewers_cannot_import_publications(reviewer_client):
    response = reviewer_client.get(reverse("admin:recruiting_publication_import"))
    assert response.status_code == 403


def test_importing_needs_the_admin_form_token(editor, seeded, client):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    strict.force_login(editor)
    response = strict.post(reverse("admin:recruiting_publication_import"), {"text": BIB})
    assert response.status_code == 403
    assert not Publication.objects.exists()


def test_junk_bibtex_is_counted_not_logged_line_by_line(db, caplog):
    found, unreadable = bibtex.entries("@a{ " * 300)
    assert found == [] and unreadable == 300
    assert not [r for r in caplog.records if r.name.startswith("bibtexparser")]
