"""Reviews: each staff member rates an application once, and only they can change it."""

import pytest
from django.urls import reverse

from recruiting.models import Review
from tests.factories import ApplicationFactory, ReviewFactory, StaffFactory
from tests.submissions import change_form_data


@pytest.fixture
def alice(roles):
    return StaffFactory(username="alice", groups=["reviewers"])


@pytest.fixture
def bob(roles):
    return StaffFactory(username="bob", groups=["reviewers"])


def change_url(application):
    return reverse("admin:recruiting_application_change", args=[application.pk])


def login(client, user):
    client.force_login(user)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


def review_on_form(client, application, rating, comment=""):
    data = change_form_data(client.get(change_url(application)))
    data["reviews-0-rating"] = str(rating)
    data["reviews-0-comment"] = comment
    return client.post(change_url(application), data)


@pytest.mark.django_db
def test_staff_add_their_own_review_with_a_rating_and_comment(client, alice):
    application = ApplicationFactory()
    login(client, alice)
    response = review_on_form(client, application, 4, "Strong systems background.")
    assert response.status_code == 302
    review = Review.objects.get()
    assert (review.application, review.reviewer, review.rating, review.comment) == (
        application,
        alice,
        4,
        "Strong systems background.",
    )


@pytest.mark.django_db
def test_author_changes_their_review(client, alice):
    application = ApplicationFactory()
    ReviewFactory(application=application, reviewer=alice, rating=2, comment="meh")
    login(client, alice)
    response = review_on_form(client, application, 5, "Met them: excellent.")
    assert response.status_code == 302
    review = Review.objects.get()
    assert (review.rating, review.comment) == (5, "Met them: excellent.")


@pytest.mark.django_db
def test_a_reviewer_cannot_add_a_second_review_of_the_same_application(client, alice):
    application = ApplicationFactory()
    ReviewFactory(application=application, reviewer=alice, rating=2)
    login(client, alice)
    data = change_form_data(client.get(change_url(application)))
    assert data["reviews-TOTAL_FORMS"] == 1  # their review, no empty one
    # A hand-made second form is refused.
    data.update(
        {
            "reviews-TOTAL_FORMS": "2",
            "reviews-1-application": str(application.pk),
            "reviews-1-rating": "5",
            "reviews-1-comment": "again",
        }
    )
    response = client.post(change_url(application), data)
    assert response.status_code == 200
    assert "You have already reviewed this application" in response.content.decode()
    assert list(Review.objects.values_list("rating", flat=True)) == [2]


@pytest.mark.django_db
def test_two_reviewers_each_have_their_own_review(client, alice, bob):
    application = ApplicationFactory()
    review_on_form(login(client, alice), application, 3)
    review_on_form(login(client, bob), application, 5)
    assert sorted(Review.objects.values_list("reviewer__username", "rating")) == [
        ("alice", 3),
        ("bob", 5),
    ]


@pytest.mark.django_db
def test_a_colleagues_review_is_hidden_until_her_own_is_saved_then_read_only(client, alice, bob):
    application = ApplicationFactory()
    ReviewFactory(application=application, reviewer=alice, rating=2, comment="Alice's")
    response = login(client, bob).get(change_url(application))
    html = response.content.decode()
    # Blind: neither Alice's comment nor her rating, only that a colleague reviewed it.
    assert "Alice&#x27;s" not in html
    assert "1 colleague has reviewed this application" in html
    own = next(
        f for f in response.context["inline_admin_formsets"] if f.formset.prefix == "reviews"
    )
    assert [form.instance.pk for form in own.formset.forms] == [None]  # only a new one, Bob's
    assert len(response.context["inline_admin_formsets"]) == 1

    review_on_form(client, application, 4, "Bob's")
    html = client.get(change_url(application)).content.decode()
    assert "Alice&#x27;s" in html
    assert "colleague has reviewed" not in html
    others = next(
        f
        for f in client.get(change_url(application)).context["inline_admin_formsets"]
        if f.formset.prefix != "reviews"
    )
    assert [form.instance.comment for form in others.formset.forms] == ["Alice's"]
    assert not others.has_change_permission


@pytest.mark.django_db
def test_a_superuser_reads_every_review_without_writing_one(admin_client, alice):
    application = ApplicationFactory()
    ReviewFactory(application=application, reviewer=alice, rating=2, comment="Alice's")
    assert "Alice&#x27;s" in admin_client.get(change_url(application)).content.decode()


@pytest.mark.django_db
def test_a_reviewer_cannot_change_someone_elses_review(client, alice, bob):
    application = ApplicationFactory()
    alices = ReviewFactory(application=application, reviewer=alice, rating=2)
    login(client, bob)
    data = change_form_data(client.get(change_url(application)))
    # Bob's form, pointed at Alice's review.
    data["reviews-INITIAL_FORMS"] = "1"
    data["reviews-0-id"] = str(alices.pk)
    data["reviews-0-rating"] = "5"
    data["reviews-0-comment"] = "overwritten"
    client.post(change_url(application), data)
    alices.refresh_from_db()
    assert (alices.rating, alices.comment, alices.reviewer) == (2, "", alice)
    assert Review.objects.count() == 1


@pytest.mark.django_db
def test_a_rating_outside_1_to_5_is_refused(client, alice):
    application = ApplicationFactory()
    login(client, alice)
    response = review_on_form(client, application, 6)
    assert response.status_code == 200
    assert not Review.objects.exists()


@pytest.mark.django_db
def test_saving_the_form_without_a_rating_adds_no_review(client, alice):
    application = ApplicationFactory()
    login(client, alice)
    data = change_form_data(client.get(change_url(application)))
    assert client.post(change_url(application), data).status_code == 302
    assert not Review.objects.exists()


@pytest.mark.django_db
def test_the_stored_average_follows_every_review_saved_changed_or_deleted(client, alice, bob):
    application = ApplicationFactory()
    review_on_form(login(client, alice), application, 2)
    application.refresh_from_db()
    assert application.rating_average == 2
    review_on_form(login(client, bob), application, 5)
    application.refresh_from_db()
    assert application.rating_average == 3.5
    Review.objects.filter(reviewer=bob).update(rating=3)  # no signal: stays as it was
    Review.objects.get(reviewer=alice).delete()
    application.refresh_from_db()
    assert application.rating_average == 3
    Review.objects.all().delete()
    application.refresh_from_db()
    assert application.rating_average is None
