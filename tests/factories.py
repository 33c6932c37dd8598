"""
The rows tests start from (factory_boy factories), and what the CV storage holds
afterwards. Chinese is the site's first language: every translated
field is given in Chinese, and in English where a test reads it.

    ApplicationFactory(claims={requirement: "evidence"}, directions=[direction])
    StaffFactory(username="reviewer", groups=["reviewers"])   # needs the `roles` fixture
"""

import datetime
from pathlib import Path

import factory
from django.contrib.auth.models import Group, User
from django.utils import timezone
from factory.django import DjangoModelFactory

from recruiting.models import (
    Application,
    Claim,
    GroupPhoto,
    Member,
    Position,
    Publication,
    Requirement,
    ResearchDirection,
    Review,
)
from tests.images import photo_upload
from tests.submissions import PDF

STAFF_PASSWORD = "the-right-password-for-staff-in-tests"


class PositionFactory(DjangoModelFactory):
    class Meta:
        model = Position

    slug = factory.Sequence(lambda n: f"position-{n}")
    title_zh_hans = "研究助理（RA）"
    title_en = "Research assistant (RA)"
    order = factory.Sequence(int)


class ResearchDirectionFactory(DjangoModelFactory):
    class Meta:
        model = ResearchDirection

    slug = factory.Sequence(lambda n: f"direction-{n}")
    title_zh_hans = "General DCML"
    title_en = factory.SelfAttribute("title_zh_hans")
    order = factory.Sequence(int)


class RequirementFactory(DjangoModelFactory):
    class Meta:
        model = Requirement

    short_title_zh_hans = factory.Sequence(lambda n: f"要求{n}")
    short_title_en = factory.Sequence(lambda n: f"Criterion {n}")
    text_zh_hans = factory.LazyAttribute(lambda r: f"{r.short_title_zh_hans}。")
    text_en = factory.LazyAttribute(lambda r: f"{r.short_title_en}.")
    evidence_prompt_zh_hans = "请给出证据。"
    evidence_prompt_en = "Your evidence."
    order = factory.Sequence(int)


class ApplicationFactory(DjangoModelFactory):
    """An application as the form saves it, CV file included (cv=None: without one)."""

    class Meta:
        model = Application
        skip_postgeneration_save = True

    position = factory.SubFactory(PositionFactory)
    full_name = factory.Sequence(lambda n: f"Applicant {n}")
    email = factory.Sequence(lambda n: f"applicant{n}@example.com")
    school = "Peking University"
    major = "Computer Science"
    degree = Application.Degree.MASTER
    year_of_study = 1
    graduation_year = 2027
    start_date = datetime.date(2026, 9, 1)
    duration_months = 6
    work_mode = Application.WorkMode.ONSITE
    statement = "I would like to join."
    cv = factory.django.FileField(data=PDF, filename="cv.pdf")
    consent_at = factory.LazyFunction(timezone.now)
    privacy_notice_version = "1"

    @factory.post_generation
    def directions(self, create, directions, **kwargs):
        if directions:
            self.directions.set(directions)

    @factory.post_generation
    def claims(self, create, claims, **kwargs):
        """claims={requirement: evidence}; the priority is their number, as the form sets it."""
        if not claims:
            return
        Claim.objects.bulk_create(
            Claim(
                application=self,
                requirement=requirement,
                evidence=evidence,
                keywords_found=", ".join(requirement.keywords_in(evidence)),
            )
            for requirement, evidence in claims.items()
        )
        self.priority = len(claims)
        self.save(update_fields=["priority"])


class StaffFactory(DjangoModelFactory):
    """A member of staff; groups=["reviewers"] puts them in groups `setup_roles` made."""

    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"staff{n}")
    email = factory.LazyAttribute(lambda user: f"{user.username}@example.com")
    password = factory.django.Password(STAFF_PASSWORD)
    is_staff = True

    @factory.post_generation
    def groups(self, create, names, **kwargs):
        if names:
            self.groups.set(Group.objects.filter(name__in=names))


class ReviewFactory(DjangoModelFactory):
    class Meta:
        model = Review

    application = factory.SubFactory(ApplicationFactory)
    reviewer = factory.SubFactory(StaffFactory)
    rating = 3


def stored_files(storage):
    """Every file the storage holds, as names relative to it, sorted."""
    root = Path(storage.location)
    return sorted(path.relative_to(root).as_posix() for path in root.rglob("*") if path.is_file())


def assert_sandboxed_inline_pdf(response):
    """A CV served to the review screen's frame: inline, sandboxed, never cached or sniffed."""
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("inline")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "SAMEORIGIN"
    policy = [part.strip() for part in response["Content-Security-Policy"].split(";")]
    assert "sandbox" in policy
    assert "frame-ancestors 'self'" in policy
    assert "default-src 'none'" in policy
    assert not any(part.startswith("script-src") for part in policy)
    assert {"private", "no-store"} <= {p.strip() for p in response["Cache-Control"].split(",")}


# --- The page's photos, people and publications (obviously made up: tests only) ----------


class GroupPhotoFactory(DjangoModelFactory):
    """A group photo, a real JPEG (tests/images.py); its sizes are made on commit."""

    class Meta:
        model = GroupPhoto

    image = factory.LazyFunction(lambda: photo_upload("group.jpg", width=800, height=600))
    alt_zh_hans = factory.Sequence(lambda n: f"测试照片{n}")
    alt_en = factory.Sequence(lambda n: f"Test photo {n}")
    order = factory.Sequence(int)


class MemberFactory(DjangoModelFactory):
    """A current member without a photo; photo=photo_upload(...) gives one."""

    class Meta:
        model = Member

    name_zh_hans = factory.Sequence(lambda n: f"测试成员{n}")
    name_en = factory.Sequence(lambda n: f"Test Member {n}")
    role_zh_hans = "博士生"
    role_en = "PhD student"
    order = factory.Sequence(int)


class PublicationFactory(DjangoModelFactory):
    class Meta:
        model = Publication

    title = factory.Sequence(lambda n: f"A Made-Up Paper on Testing, Part {n}")
    authors = "A. Tester, B. Example"
    venue = "Proceedings of Imaginary Conference"
    year = 2025
    order = factory.Sequence(int)
