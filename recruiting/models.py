"""
The lab's page content (edited in the admin in Chinese and English: translation.py), the
applications sent through the site, and the e-mails of the outbox.
"""

import functools
import operator
import re
import secrets
import uuid

from django.conf import settings
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.core.files.storage import storages
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import connections, models, transaction
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import lazy
from django.utils.translation import gettext, pgettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from . import corroboration, images
from .images import PhotoField, PublicName

# ---------------------------------------------------------------------------
# Page content
# ---------------------------------------------------------------------------


class OrderedContent(models.Model):
    """Every list on the page has an explicit order that editors set in the admin."""

    order = models.PositiveIntegerField(_("order"), default=0, db_index=True)

    class Meta:
        abstract = True
        ordering = ["order", "pk"]


class Photographed(models.Model):
    """
    Content with a public photo (images.py) in the field `photo_field`, whose upright size
    is stored beside it (<field>_width, <field>_height) so that the page needs no file.
    """

    photo_field = "photo"

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        images.sync_size(self, self.photo_field)
        super().save(*args, **kwargs)

    @property
    def picture(self):
        """The responsive image of the photo (images.Picture), or None."""
        name = self.photo_field
        return images.picture(
            getattr(self, name),
            getattr(self, f"{name}_width"),
            getattr(self, f"{name}_height"),
            alt=self.photo_alt(),
        )

    def photo_alt(self):
        """What the photo shows, for those who cannot see it: who is on it, by default."""
        return str(self)


class Lab(models.Model):
    """The group itself: one row. Fields the source post does not give stay empty."""

    name = models.CharField(_("group name"), max_length=200)
    institution = models.CharField(_("institution"), max_length=200)
    tagline = models.CharField(
        _("tagline"), max_length=300, help_text=_("One line on what the group does.")
    )
    intro = models.TextField(_("introduction"), blank=True)
    meeting_place = models.CharField(_("where the group meets"), max_length=200, blank=True)
    online_meeting = models.CharField(_("online meetings"), max_length=200, blank=True)
    email = models.EmailField(
        _("contact e-mail"),
        blank=True,
        help_text=_(
            "Where applicants write to the lab. When set, it is the reply address of "
            "every e-mail to applicants and the privacy notice names it."
        ),
    )
    website = models.URLField(_("website"), blank=True)
    requirements_rule = models.CharField(
        _("requirements rule"),
        max_length=300,
        help_text=_("The rule over the criteria, e.g. that at least one must be met."),
    )

    class Meta:
        verbose_name = _("lab")
        verbose_name_plural = _("lab")

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("recruiting:landing")


class Advisor(Photographed):
    """The professor who leads the group. Contact fields stay empty unless given."""

    lab = models.OneToOneField(
        Lab, on_delete=models.CASCADE, related_name="advisor", verbose_name=_("lab")
    )
    # A person's name and rank: 姓名 and 职称 in Chinese, not 名称 and 标题.
    name = models.CharField(pgettext_lazy("person", "name"), max_length=100)
    title = models.CharField(pgettext_lazy("academic rank", "title"), max_length=300)
    affiliation = models.CharField(_("affiliation"), max_length=300)
    former_affiliations = models.CharField(_("former affiliations"), max_length=300, blank=True)
    research_interests = models.TextField(_("research interests"), blank=True)
    record = models.TextField(
        _("publications and service"),
        blank=True,
        help_text=_("Papers, venues and service such as PC member or area chair."),
    )
    email = models.EmailField(_("e-mail"), blank=True)
    homepage = models.URLField(_("homepage"), blank=True)
    scholar = models.URLField(_("Google Scholar"), blank=True)
    dblp = models.URLField("DBLP", blank=True)
    github = models.URLField(_("GitHub"), blank=True)
    photo = PhotoField(
        _("photo"),
        upload_to=PublicName("advisor"),
        blank=True,
        help_text=_("A JPEG, PNG or WebP photo; the page shows it in several sizes."),
    )
    photo_width = models.PositiveIntegerField(null=True, blank=True, editable=False)
    photo_height = models.PositiveIntegerField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("advisor")
        verbose_name_plural = _("advisor")

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("recruiting:landing") + "#advisor"

    @property
    def links(self):
        """The advisor's pages that are set, as (label, URL), in the page's order."""
        candidates = [
            (gettext("Homepage"), self.homepage),
            (gettext("Google Scholar"), self.scholar),
            ("DBLP", self.dblp),
            ("GitHub", self.github),
        ]
        return [(label, url) for label, url in candidates if url]


class Achievement(OrderedContent):
    """
    An award, honour or open-source system of the advisor: one table keeps the page's
    queries few, each kind in its own list.
    """

    class Kind(models.TextChoices):
        HONOUR = "honour", _("Award or honour")
        SYSTEM = "system", _("Open-source system")

    advisor = models.ForeignKey(
        Advisor, on_delete=models.CASCADE, related_name="achievements", verbose_name=_("advisor")
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.HONOUR)
    name = models.CharField(
        _("name"), max_length=100, blank=True, help_text=_("For a system: its name, e.g. SGL.")
    )
    text = models.CharField(pgettext_lazy("list item", "text"), max_length=300)
    github_stars = models.CharField(
        _("GitHub stars"), max_length=20, blank=True, help_text=_("As written, e.g. 6.7k.")
    )
    url = models.URLField(_("link"), blank=True)

    class Meta(OrderedContent.Meta):
        verbose_name = _("award, honour or system")
        verbose_name_plural = _("awards, honours and systems")

    def __str__(self):
        return self.name or self.text


class AdvantageGroup(OrderedContent):
    """A group of reasons to join (research, mentoring, resources, other)."""

    title = models.CharField(_("title"), max_length=100)

    class Meta(OrderedContent.Meta):
        verbose_name = _("reason to join")
        verbose_name_plural = _("reasons to join")

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("recruiting:landing") + "#why-join"


class Advantage(OrderedContent):
    group = models.ForeignKey(
        AdvantageGroup, on_delete=models.CASCADE, related_name="items", verbose_name=_("group")
    )
    title = models.CharField(
        _("short title"), max_length=100, blank=True, help_text=_("Optional, e.g. “Compute”.")
    )
    text = models.TextField(pgettext_lazy("list item", "text"))

    class Meta(OrderedContent.Meta):
        verbose_name = _("item")
        verbose_name_plural = _("items")

    def __str__(self):
        return self.title or self.text[:60]


class ResearchDirectionQuerySet(models.QuerySet):
    def active(self):
        """Shown on the page and offered on the form: active, and so is its parent."""
        return self.filter(is_active=True).exclude(parent__is_active=False)


class ResearchDirection(OrderedContent):
    """A research direction; a direction with a parent is one of its branches."""

    parent = models.ForeignKey(
        "self",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("part of"),
    )
    slug = models.SlugField(_("slug"), max_length=60, unique=True)
    title = models.CharField(pgettext_lazy("research direction", "title"), max_length=100)
    summary = models.TextField(_("summary"), blank=True)
    is_active = models.BooleanField(
        _("active"),
        default=True,
        help_text=_(
            "Inactive directions leave the page and the form; applications that chose one keep it."
        ),
    )

    objects = ResearchDirectionQuerySet.as_manager()

    class Meta(OrderedContent.Meta):
        verbose_name = _("research direction")
        verbose_name_plural = _("research directions")

    def __str__(self):
        if self.parent_id:
            return f"{self.parent.title} · {self.title}"
        return self.title

    def get_absolute_url(self):
        return reverse("recruiting:landing") + f"#direction-{self.slug}"


class PositionQuerySet(models.QuerySet):
    def open(self):
        today = timezone.localdate()
        return self.filter(is_open=True).filter(
            models.Q(deadline__isnull=True) | models.Q(deadline__gte=today)
        )


class Position(OrderedContent):
    """A kind of place applicants can ask for: RA, intern, early internship."""

    slug = models.SlugField(_("slug"), max_length=60, unique=True)
    title = models.CharField(pgettext_lazy("position", "title"), max_length=100)
    summary = models.TextField(_("description"), blank=True)
    is_open = models.BooleanField(_("open"), default=True)
    deadline = models.DateField(_("deadline"), null=True, blank=True)
    created_at = models.DateTimeField(_("posted"), default=timezone.now)

    objects = PositionQuerySet.as_manager()

    class Meta(OrderedContent.Meta):
        verbose_name = _("position")
        verbose_name_plural = _("positions")

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("recruiting:landing") + "#positions"


class RequirementQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True)


class Requirement(OrderedContent):
    """One of the lab's admission criteria. Applicants must meet at least one."""

    short_title = models.CharField(_("short title"), max_length=60)
    text = models.TextField(_("criterion"))
    evidence_prompt = models.CharField(
        _("evidence prompt"),
        max_length=300,
        help_text=_("What an applicant who claims this criterion must give as evidence."),
    )
    keywords = models.CharField(
        _("keywords"),
        max_length=500,
        blank=True,
        help_text=_(
            "Comma-separated, e.g. venues or competitions. Found in evidence, they are "
            "shown to reviewers; they never refuse an applicant."
        ),
    )
    main_author = models.BooleanField(
        _("asks for main authorship"),
        default=False,
        help_text=_(
            "The author position stated in the evidence is checked: first, co-first or "
            "corresponding author corroborates the claim; second author or lower does not."
        ),
    )
    is_active = models.BooleanField(_("active"), default=True)

    objects = RequirementQuerySet.as_manager()

    class Meta(OrderedContent.Meta):
        verbose_name = _("requirement")
        verbose_name_plural = _("requirements")

    def __str__(self):
        return self.short_title

    def get_absolute_url(self):
        return reverse("recruiting:landing") + "#requirements"

    @property
    def keyword_list(self):
        return [k.strip() for k in self.keywords.replace("，", ",").split(",") if k.strip()]

    def keywords_in(self, evidence):
        """The keywords of this requirement that occur in the evidence (corroboration.py)."""
        return corroboration.keywords_in(self.keyword_list, evidence)


class GroupPhoto(Photographed, OrderedContent):
    """A photo of the group, in the gallery under the advisor."""

    photo_field = "image"

    image = PhotoField(_("photo"), upload_to=PublicName("group"))
    image_width = models.PositiveIntegerField(null=True, blank=True, editable=False)
    image_height = models.PositiveIntegerField(null=True, blank=True, editable=False)
    alt = models.CharField(
        _("description"),
        max_length=200,
        help_text=_(
            "What the photo shows, for people who cannot see it, e.g. “The group at a "
            "weekly meeting”."
        ),
    )
    caption = models.CharField(_("caption"), max_length=200, blank=True)

    class Meta(OrderedContent.Meta):
        verbose_name = _("group photo")
        verbose_name_plural = _("group photos")

    def __str__(self):
        return self.caption or self.alt

    def get_absolute_url(self):
        return reverse("recruiting:landing") + "#group"

    def photo_alt(self):
        return self.alt  # not the caption, which the page shows under it


class Member(Photographed, OrderedContent):
    """A member of the group, or an alumnus: the page lists each kind on its own."""

    class Status(models.TextChoices):
        CURRENT = "current", _("Member")
        ALUMNI = "alumni", _("Alumni")

    name = models.CharField(pgettext_lazy("person", "name"), max_length=100)
    role = models.CharField(
        _("role"),
        max_length=200,
        help_text=_("E.g. “PhD student, 2023”; for alumni, where they went next."),
    )
    status = models.CharField(
        _("member or alumni"), max_length=10, choices=Status.choices, default=Status.CURRENT
    )
    photo = PhotoField(_("photo"), upload_to=PublicName("people"), blank=True)
    photo_width = models.PositiveIntegerField(null=True, blank=True, editable=False)
    photo_height = models.PositiveIntegerField(null=True, blank=True, editable=False)
    url = models.URLField(_("link"), blank=True, help_text=_("Their homepage, if any."))

    class Meta(OrderedContent.Meta):
        verbose_name = _("member")
        verbose_name_plural = _("people")

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("recruiting:landing") + "#people"


class Publication(OrderedContent):
    """A selected publication: written as published, so in one language only."""

    title = models.CharField(pgettext_lazy("publication", "title"), max_length=500)
    authors = models.CharField(_("authors"), max_length=1000)
    venue = models.CharField(_("venue"), max_length=300, blank=True)
    year = models.PositiveSmallIntegerField(
        _("year"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1900), MaxValueValidator(2100)],
    )
    url = models.URLField(_("link"), max_length=500, blank=True)
    bibtex_key = models.CharField(
        _("BibTeX key"),
        max_length=200,
        blank=True,
        help_text=_(
            "The entry's key when it came from a BibTeX file: importing it again skips it."
        ),
    )

    class Meta:
        verbose_name = _("publication")
        verbose_name_plural = _("publications")
        ordering = ["order", "-year", "pk"]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("recruiting:landing") + "#publications"


# ---------------------------------------------------------------------------
# Applications
# ---------------------------------------------------------------------------


def new_status_token():
    return secrets.token_urlsafe(24)  # 192 bits


def cv_storage():
    return storages["cvs"]


def cv_upload_to(instance, filename):
    # The applicant's file name is never used: it could leak or collide.
    return f"{timezone.now():%Y/%m}/{uuid.uuid4().hex}.pdf"


def orphan_cv_files(older_than):
    """
    Stored CV files no application refers to, older than `older_than`: a process killed
    before its application's commit leaves one behind (purge_applications deletes them).
    """
    storage = Application._meta.get_field("cv").storage

    def walk(path):
        try:
            directories, files = storage.listdir(path)
        except FileNotFoundError:
            return
        for name in files:
            yield f"{path}/{name}" if path else name
        for directory in directories:
            yield from walk(f"{path}/{directory}" if path else directory)

    known = set(Application.objects.values_list("cv", flat=True))
    known |= set(PreviousCV.objects.values_list("file", flat=True))
    return sorted(
        name
        for name in walk("")
        if name not in known and storage.get_modified_time(name) < older_than
    )


class Stage(models.TextChoices):
    """Where an application is: Application.Stage."""

    NEW = "new", pgettext_lazy("stage", "New")
    SCREENING = "screening", pgettext_lazy("stage", "Screening")
    INTERVIEW = "interview", pgettext_lazy("stage", "Interview")
    OFFER = "offer", pgettext_lazy("stage", "Offer")
    ACCEPTED = "accepted", pgettext_lazy("stage", "Accepted")
    DECLINED = "declined", pgettext_lazy("stage", "Declined")
    REJECTED = "rejected", pgettext_lazy("stage", "Rejected")
    WITHDRAWN = "withdrawn", pgettext_lazy("stage", "Withdrawn")


# The stages that close an application; the retention period counts from entering one.
ENDED_STAGES = [Stage.ACCEPTED, Stage.DECLINED, Stage.REJECTED, Stage.WITHDRAWN]
# The stages before the lab's decision: the applicant may still withdraw. From an offer
# on, the applicant answers the offer instead.
WITHDRAWABLE_STAGES = [Stage.NEW, Stage.SCREENING, Stage.INTERVIEW]


class ApplicationQuerySet(models.QuerySet):
    def under_consideration(self):
        return self.exclude(stage__in=ENDED_STAGES)

    def ended_before(self, moment):
        return self.filter(stage__in=ENDED_STAGES, ended_at__lt=moment)

    def with_email(self, email):
        """
        The applications sent from this address, whatever its case. Compared as
        LOWER(email), the expression the open-application constraint and
        application_email_lower_idx index, so the lookup is an index scan; email__iexact
        (UPPER on PostgreSQL) reads every row.
        """
        return self.alias(email_lower=Lower("email")).filter(
            email_lower=Lower(models.Value(email, output_field=models.EmailField()))
        )

    def for_reviewer(self, user):
        """
        Annotate `my_score`, the user's own rating (None if she has not rated it), and
        `average_rating`, the mean of every rating, blind: None where she has not rated
        the application yet (reviews_shown_to), unless she is a superuser.

        Her rating is a join on her own review (one at most: one_review_per_reviewer) and
        the mean a column kept by update_rating_average: sorting or paging the list by
        either, and finding the next application in that order, reads each row once. As
        correlated subqueries, repeated in every term of the review screen's keyset, they
        cost a second at 100,000 applications.
        """
        mine = self.annotate(
            my_review=models.FilteredRelation(
                "reviews", condition=models.Q(reviews__reviewer=user)
            ),
            my_score=models.F("my_review__rating"),
        )
        if user.is_superuser:
            return mine.annotate(average_rating=models.F("rating_average"))
        return mine.annotate(
            average_rating=models.Case(
                models.When(my_score__isnull=False, then=models.F("rating_average")),
                default=None,
                output_field=models.FloatField(),
            )
        )

    def with_stage_message_state(self):
        """Annotate `stage_message_state`: the state of the current stage's last e-mail."""
        latest = (
            Message.objects.filter(
                application=models.OuterRef("pk"),
                kind=Message.Kind.STAGE,
                stage=models.OuterRef("stage"),
            )
            .order_by("-created_at", "-pk")
            .values("state")[:1]
        )
        return self.annotate(stage_message_state=models.Subquery(latest))


class Application(models.Model):
    Stage = Stage

    class Degree(models.TextChoices):
        BACHELOR = "bachelor", _("Bachelor's student")
        MASTER = "master", _("Master's student")
        PHD = "phd", _("PhD student")
        GRADUATE = "graduate", _("Graduated")
        OTHER = "other", _("Other")

    class WorkMode(models.TextChoices):
        ONSITE = "onsite", _("On site in Beijing")
        REMOTE = "remote", _("Remote")
        EITHER = "either", _("Either")

    token = models.CharField(max_length=64, unique=True, default=new_status_token, editable=False)
    position = models.ForeignKey(
        Position, on_delete=models.PROTECT, related_name="applications", verbose_name=_("position")
    )
    full_name = models.CharField(_("full name"), max_length=100)
    email = models.EmailField(_("e-mail"), max_length=254)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    wechat = models.CharField(_("WeChat ID"), max_length=50, blank=True)
    school = models.CharField(_("school"), max_length=150)
    major = models.CharField(_("major"), max_length=150)
    degree = models.CharField(_("current degree"), max_length=20, choices=Degree.choices)
    year_of_study = models.PositiveSmallIntegerField(
        _("year of study"), validators=[MinValueValidator(1), MaxValueValidator(10)]
    )
    graduation_year = models.PositiveSmallIntegerField(
        _("expected graduation year"),
        validators=[MinValueValidator(2000), MaxValueValidator(2100)],
    )
    directions = models.ManyToManyField(
        ResearchDirection, related_name="applications", verbose_name=_("research directions")
    )
    start_date = models.DateField(_("earliest start date"))
    duration_months = models.PositiveSmallIntegerField(
        _("months available"), validators=[MinValueValidator(1), MaxValueValidator(60)]
    )
    work_mode = models.CharField(_("on site or remote"), max_length=10, choices=WorkMode.choices)
    homepage = models.URLField(_("homepage"), blank=True)
    github = models.URLField(_("GitHub"), blank=True)
    scholar = models.URLField(_("Google Scholar"), blank=True)
    statement = models.TextField(_("statement"), max_length=2000)
    cv = models.FileField(_("CV"), storage=cv_storage, upload_to=cv_upload_to, max_length=200)
    cv_sent_at = models.DateTimeField(
        _("CV sent"),
        null=True,
        blank=True,
        editable=False,
        help_text=_("When the applicant sent this CV, if later than the application."),
    )
    language = models.CharField(_("language"), max_length=10, default="zh-hans")
    consent_at = models.DateTimeField(_("consent given at"))
    privacy_notice_version = models.CharField(_("privacy notice version"), max_length=20)

    priority = models.PositiveSmallIntegerField(
        _("criteria claimed"),
        default=0,
        help_text=_("How many criteria the applicant ticked, each with its evidence."),
    )
    corroborated = models.PositiveSmallIntegerField(
        _("criteria corroborated"),
        default=0,
        editable=False,
        help_text=_(
            "How many claimed criteria the CV corroborates: every keyword of the criterion "
            "and every link in the evidence is also in the CV, and for a paper the evidence "
            "states a main author position. The list shows these first, then criteria "
            "claimed, then the newest."
        ),
    )
    cv_flags = models.CharField(
        _("CV warnings"),
        max_length=200,
        blank=True,
        editable=False,
        help_text=_("What the CV holds that a CV should not, or that it has no text."),
    )
    stage = models.CharField(
        _("stage"), max_length=20, choices=Stage.choices, default=Stage.NEW, db_index=True
    )
    submitted_at = models.DateTimeField(_("submitted"), default=timezone.now, db_index=True)
    ended_at = models.DateTimeField(_("ended"), null=True, blank=True, db_index=True)

    rating_average = models.FloatField(
        _("average rating"), null=True, blank=True, editable=False, db_index=True
    )
    assigned_to = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="assigned_applications",
        verbose_name=_("assigned reviewers"),
        help_text=_("Who should review this application: it is in their queue."),
    )

    objects = ApplicationQuerySet.as_manager()

    class Meta:
        verbose_name = _("application")
        verbose_name_plural = _("applications")
        ordering = ["-corroborated", "-priority", "-submitted_at"]
        indexes = [
            # An address's applications whatever their case and stage (with_email): the
            # lost-link page's lookup, closed applications included.
            models.Index(Lower("email"), "position", name="application_email_lower_idx"),
            # The admin list's default order (ordering, then Django's -pk): a page of it
            # is the first rows of this index, not a sort of every application.
            models.Index(
                fields=["-corroborated", "-priority", "-submitted_at", "-id"],
                name="application_list_idx",
            ),
            # The list sorted by criteria claimed, most first: the admin adds its default
            # order after a column's (sorted by criteria corroborated: the index above).
            models.Index(
                fields=["-priority", "-corroborated", "-submitted_at", "-id"],
                name="application_claimed_idx",
            ),
            # The dashboard's position × stage table, counted from this index alone.
            models.Index(fields=["position", "stage"], name="application_position_stage_idx"),
        ]
        permissions = [("export_application", _("Can export applications"))]
        constraints = [
            # One application under consideration per address and position: the form
            # refuses a duplicate politely; this closes the race of two at once.
            models.UniqueConstraint(
                Lower("email"),
                models.F("position"),
                condition=~models.Q(stage__in=ENDED_STAGES),
                name="one_open_application_per_email_and_position",
            )
        ]

    def __str__(self):
        return f"{self.full_name} · {self.position}"

    def move_to(self, stage, by=None, by_applicant=False):
        """
        Move to `stage`, recording who and when, and set ended_at (when retention starts)
        for an ended stage. Returns the StageChange, or None if already there.
        """
        stage = self.Stage(stage)
        now = timezone.now()
        self.check_can_move_to(stage)
        with transaction.atomic():
            # Lock the row and read its stage now: two staff moving it at once record two
            # consistent changes, not a lost one.
            self.stage = (
                Application.objects.select_for_update()
                .values_list("stage", flat=True)
                .get(pk=self.pk)
            )
            if stage == self.stage:
                return None
            change = StageChange.objects.create(
                application=self,
                from_stage=self.stage,
                to_stage=stage,
                changed_by=by,
                by_applicant=by_applicant,
                changed_at=now,
            )
            self.stage = stage
            self.ended_at = now if stage in ENDED_STAGES else None
            self.save(update_fields=["stage", "ended_at"])
        return change

    # -- What the applicant may do on the status page (applicant.py) -----------------

    def is_untouched(self, changes=None):
        """
        Whether nobody at the lab has started on it: still new, never moved, never
        reviewed. Until then the applicant may correct it and replace the CV. `changes`:
        its stage history, if already read.
        """
        if self.stage != Stage.NEW:
            return False
        if self.pk is None:  # the honeypot's decoy
            return True
        if changes is None:
            moved = self.stage_changes.filter(kind=StageChange.Kind.MOVE).exists()
        else:
            moved = any(change.kind == StageChange.Kind.MOVE for change in changes)
        return not moved and not self.reviews.exists()

    @property
    def can_withdraw(self):
        return self.stage in WITHDRAWABLE_STAGES

    @property
    def can_delete(self):
        return self.stage in ENDED_STAGES

    def check_can_move_to(self, stage):
        """
        Refuse to reopen an application while the same person has another one open for
        the same position (as the form and the database constraint do for new ones).
        """
        if stage in ENDED_STAGES:
            return
        others = (
            Application.objects.under_consideration()
            .with_email(self.email)
            .filter(position_id=self.position_id)
            .exclude(pk=self.pk)
        )
        if others.exists():
            raise ValidationError(
                _(
                    "%(name)s has another application for this position under "
                    "consideration. End that one before reopening this one."
                ),
                code="open_duplicate",
                params={"name": self.full_name},
            )

    def get_status_url(self):
        return reverse("recruiting:status", args=[self.token])

    def update_rating_average(self):
        """
        Store the mean of the reviews' ratings (None without any): called whenever a
        review is saved or deleted (signals.py). The row is locked first, so that the mean
        is read after any other review being saved at the same time has committed.
        """
        with transaction.atomic():
            locked = Application.objects.select_for_update().filter(pk=self.pk)
            if not locked.exists():
                return  # deleted with its reviews
            average = Review.objects.filter(application=self).aggregate(
                average=models.Avg("rating")
            )["average"]
            locked.update(rating_average=average)
        self.rating_average = average

    @property
    def cv_flag_labels(self):
        """The CV's warnings, in words (CV_FLAGS)."""
        return [CV_FLAGS.get(flag, flag) for flag in self.cv_flags.split(",") if flag]

    @property
    def language_name(self):
        """The applicant's language by its own name ("中文", "English"), not its code."""
        return dict(settings.LANGUAGES).get(self.language, self.language)

    def reviews_shown_to(self, user):
        """
        Whether `user` may read other reviewers' scores and comments of this application:
        only once she has saved her own (no anchoring on others' scores); superusers
        always. The list's average follows the same rule (for_reviewer).
        """
        return user.is_superuser or self.reviews.filter(reviewer=user).exists()


# Who the applicant is: the first section of the application form and of the admin's
# application page.
APPLICANT_FIELDS = (
    "full_name",
    "email",
    "phone",
    "wechat",
    "school",
    "major",
    "degree",
    "year_of_study",
    "graduation_year",
)


# What the CV check (pdfcheck.py) flags to staff, never a reason to refuse a CV.
CV_FLAGS = {
    "javascript": _("holds JavaScript"),
    "open_action": _("runs an action when opened"),
    "additional_actions": _("runs actions on events"),
    "embedded_files": _("carries embedded files"),
    "launch": _("can launch a program"),
    "no_text": _("has no text (a scan?)"),
    "unreadable": _("could not be read"),
    "not_checked": _("not checked yet"),
}


class CVTextQuerySet(models.QuerySet):
    def matching(self, query):
        """
        The CV texts holding every word of the query. On PostgreSQL a full-text search
        with the GIN index of migration 0006 (Chinese as pairs of characters:
        corroboration.search_document); elsewhere a LIKE of each word.
        """
        words = query.split()
        if not words:
            return self.none()
        if connections[self.db].vendor != "postgresql":
            return self.filter(*[models.Q(text__icontains=word) for word in words])
        from django.contrib.postgres.search import SearchQuery, SearchVectorField

        queries = [
            SearchQuery(phrase, config="simple", search_type="phrase")
            for phrase in corroboration.search_phrases(query)
        ]
        if not queries:
            return self.none()
        document = models.Func(
            models.F("search_document"),
            template="to_tsvector('simple'::regconfig, %(expressions)s)",
            output_field=SearchVectorField(),
        )
        return self.alias(document=document).filter(
            document=functools.reduce(operator.and_, queries)
        )


class CVText(models.Model):
    """
    The text of an application's CV and the links it carries, read by the worker after
    the application was sent (tasks.read_cv); no row yet means not read yet.
    """

    class State(models.TextChoices):
        READ = "read", _("read")
        FAILED = "failed", _("could not be read")

    application = models.OneToOneField(
        Application, on_delete=models.CASCADE, primary_key=True, related_name="cv_text"
    )
    state = models.CharField(_("state"), max_length=10, choices=State.choices)
    pages = models.PositiveIntegerField(_("pages"), null=True, blank=True)
    text = models.TextField(_("text"), blank=True)
    links = models.JSONField(_("links"), default=list, blank=True)
    # The text as PostgreSQL's full-text search indexes it (corroboration.search_document):
    # Chinese as overlapping pairs of characters. See migration 0006 for the index.
    search_document = models.TextField(blank=True)
    read_at = models.DateTimeField(_("read at"), default=timezone.now)

    objects = CVTextQuerySet.as_manager()

    class Meta:
        verbose_name = _("CV text")
        verbose_name_plural = _("CV texts")

    def __str__(self):
        return str(self.application)


class Claim(models.Model):
    """An applicant's claim to meet one requirement, with the evidence they gave."""

    CVState = corroboration.State

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="claims", verbose_name=_("application")
    )
    requirement = models.ForeignKey(
        Requirement, on_delete=models.PROTECT, related_name="claims", verbose_name=_("criterion")
    )
    evidence = models.TextField(_("evidence"))
    keywords_found = models.CharField(_("keywords found"), max_length=500, blank=True)
    # What the CV corroborates (corroboration.py), set once the worker read the CV; empty
    # until then.
    cv_state = models.CharField(
        _("in the CV"), max_length=20, choices=corroboration.State.choices, blank=True
    )
    cv_findings = models.JSONField(_("found in the CV"), default=dict, blank=True)
    author_position = models.CharField(_("author position"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("criterion claimed")
        verbose_name_plural = _("criteria claimed")
        ordering = ["requirement__order", "requirement_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["application", "requirement"], name="one_claim_per_requirement"
            )
        ]

    def __str__(self):
        return str(self.requirement)

    @functools.cached_property
    def finding(self):
        """What the CV corroborates of this claim (corroboration.Finding); None until read."""
        if not self.cv_state:
            return None
        # The state column is the one the list sorts and counts by: it wins.
        return corroboration.Finding.from_json({**self.cv_findings, "state": self.cv_state})


class StageChange(models.Model):
    """
    One entry of an application's stage history: a move from one stage to another (by
    staff, or the applicant's withdrawal), or a change the applicant made on the status
    page (selfservice.py). Who and when.
    """

    class Kind(models.TextChoices):
        MOVE = "move", _("Stage change")
        CORRECTION = "correction", _("Corrected by the applicant")
        CV = "cv", _("New CV from the applicant")
        EMAIL = "email", _("E-mail address changed by the applicant")

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="stage_changes"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.MOVE)
    from_stage = models.CharField(
        _("from"), max_length=20, choices=Application.Stage.choices, blank=True
    )
    to_stage = models.CharField(_("to"), max_length=20, choices=Application.Stage.choices)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        verbose_name=_("changed by"),
    )
    by_applicant = models.BooleanField(_("by the applicant"), default=False)
    # The names of the fields the applicant corrected (never their values).
    fields = models.JSONField(_("fields changed"), default=list, blank=True)
    changed_at = models.DateTimeField(_("changed at"), default=timezone.now)

    class Meta:
        verbose_name = _("stage change")
        verbose_name_plural = _("stage history")
        ordering = ["changed_at", "pk"]

    def __str__(self):
        if self.kind == self.Kind.MOVE:
            return f"{self.get_from_stage_display()} → {self.get_to_stage_display()}"
        if self.fields:
            return f"{self.get_kind_display()}: {', '.join(map(str, self.field_labels))}"
        return str(self.get_kind_display())

    @property
    def field_labels(self):
        """The corrected fields by their names in the form, in the active language."""
        return [field_label(name) for name in self.fields]

    @property
    def by(self):
        """Who made the change, in words: a staff member, the applicant, or nobody known."""
        if self.by_applicant:
            return gettext("the applicant")
        return str(self.changed_by) if self.changed_by else ""


def field_label(name):
    """An application field's name in words ("claims": the criteria and their evidence)."""
    if name == "claims":
        return gettext("criteria and evidence")
    try:
        return Application._meta.get_field(name).verbose_name
    except FieldDoesNotExist:
        return name


class PreviousCV(models.Model):
    """
    A CV the applicant replaced with a newer one after the lab began to consider the
    application: kept for the reviewers, who see every version, the newest first.
    """

    application = models.ForeignKey(
        Application,
        on_delete=models.CASCADE,
        related_name="previous_cvs",
        verbose_name=_("application"),
    )
    file = models.FileField(_("CV"), storage=cv_storage, upload_to=cv_upload_to, max_length=200)
    sent_at = models.DateTimeField(_("sent"))
    replaced_at = models.DateTimeField(_("replaced"), default=timezone.now)

    class Meta:
        verbose_name = _("earlier CV")
        verbose_name_plural = _("earlier CVs")
        ordering = ["-replaced_at", "-pk"]

    def __str__(self):
        return f"{self.application} · {self.sent_at:%Y-%m-%d}"


class Review(models.Model):
    """A reviewer's rating of an application: one per reviewer, editable by its author."""

    application = models.ForeignKey(
        Application,
        on_delete=models.CASCADE,
        related_name="reviews",
        verbose_name=_("application"),
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, verbose_name=_("reviewer")
    )
    rating = models.PositiveSmallIntegerField(
        _("rating"), validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    comment = models.TextField(_("comment"), blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("review")
        verbose_name_plural = _("reviews")
        ordering = ["created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["application", "reviewer"], name="one_review_per_reviewer"
            ),
            models.CheckConstraint(
                condition=models.Q(rating__gte=1, rating__lte=5), name="rating_1_to_5"
            ),
        ]

    def __str__(self):
        return f"{self.reviewer} · {self.rating}"


class RateLimitCounter(models.Model):
    """
    How many times one client (a keyed hash, never its address) sent a form in one
    window, when there is no Redis (ratelimit.py).
    """

    key = models.CharField(max_length=64)
    window = models.BigIntegerField(db_index=True)
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["key", "window"], name="one_counter_per_key_and_window"
            )
        ]

    def __str__(self):
        return f"{self.key[:8]}… · {self.window} · {self.count}"


# ---------------------------------------------------------------------------
# The lab's e-mails: templates staff edit, and the outbox the worker delivers
# ---------------------------------------------------------------------------

# What a message template may contain: plain names in braces, replaced as text, so an
# editor's template can never run code or read settings.
PLACEHOLDERS = {
    "name": _("the applicant's full name"),
    "position": _("the position, in the applicant's language"),
    "status_url": _("the link to the applicant's status page"),
    "lab": _("the group's name"),
}
PLACEHOLDER_PATTERN = re.compile(r"\{([a-z_]+)\}")


class MessageTemplate(models.Model):
    """The e-mail an applicant gets when staff move the application to a stage."""

    STAGES = [
        Application.Stage.INTERVIEW,
        Application.Stage.OFFER,
        Application.Stage.REJECTED,
    ]

    stage = models.CharField(
        _("stage"),
        max_length=20,
        unique=True,
        choices=[(stage.value, stage.label) for stage in STAGES],
    )
    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(
        _("text"),
        help_text=lazy(
            lambda: (
                gettext("Plain text. These are filled in for each applicant: %(names)s.")
                % {
                    "names": pgettext("separator between list items", "; ").join(
                        f"{{{name}}} ({meaning})" for name, meaning in PLACEHOLDERS.items()
                    )
                }
            ),
            str,
        )(),
    )

    class Meta:
        verbose_name = _("message template")
        verbose_name_plural = _("message templates")
        ordering = ["stage"]

    def __str__(self):
        return self.get_stage_display()

    def clean(self):
        unknown = set()
        for field in self._meta.get_fields():
            if field.name.startswith(("subject", "body")) and isinstance(
                field, models.CharField | models.TextField
            ):
                unknown |= set(PLACEHOLDER_PATTERN.findall(getattr(self, field.attname) or ""))
        unknown -= set(PLACEHOLDERS)
        if unknown:
            raise ValidationError(
                _("Unknown placeholder %(names)s: use only %(known)s."),
                code="unknown_placeholder",
                params={
                    "names": ", ".join(f"{{{name}}}" for name in sorted(unknown)),
                    "known": ", ".join(f"{{{name}}}" for name in PLACEHOLDERS),
                },
            )

    def render(self, values):
        """(subject, body) in the active language, placeholders filled in."""

        def fill(text):
            return PLACEHOLDER_PATTERN.sub(
                lambda match: str(values.get(match.group(1), match.group(0))), text
            )

        return fill(self.subject), fill(self.body)


class MessageQuerySet(models.QuerySet):
    def unsent(self):
        return self.filter(state__in=[Message.State.QUEUED, Message.State.SENDING])


class Message(models.Model):
    """
    One e-mail in the outbox, written with the change that causes it and delivered by
    the worker (emails.py); the row keeps its state for staff.
    """

    class Kind(models.TextChoices):
        CONFIRMATION = "confirmation", _("Confirmation to the applicant")
        LAB_NOTIFICATION = "lab_notification", _("Notification to the lab")
        STATUS_LINK = "status_link", _("Status link sent again")
        STAGE = "stage", _("Stage message to the applicant")
        EMAIL_CHANGE = "email_change", _("Link to confirm a new e-mail address")
        EMAIL_CHANGED = "email_changed", _("Notice of a new address, to the old one")
        WITHDRAWN = "withdrawn", _("Withdrawal confirmed to the applicant")
        DELETED = "deleted", _("Deletion confirmed to the applicant")

    class State(models.TextChoices):
        QUEUED = "queued", pgettext_lazy("e-mail", "Queued")
        SENDING = "sending", pgettext_lazy("e-mail", "Sending")
        SENT = "sent", pgettext_lazy("e-mail", "Sent")
        FAILED = "failed", pgettext_lazy("e-mail", "Failed")

    application = models.ForeignKey(
        Application,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="messages",
        verbose_name=_("application"),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    stage = models.CharField(
        _("stage"), max_length=20, choices=Application.Stage.choices, blank=True
    )
    language = models.CharField(_("language"), max_length=10)
    recipients = models.JSONField(_("recipients"), default=list)
    reply_to = models.EmailField(_("reply to"), blank=True)
    subject = models.CharField(_("subject"), max_length=300)
    body = models.TextField(_("text"))
    # The same Message-ID on every try: a mail store that sees it twice keeps one copy.
    message_id = models.CharField(_("Message-ID"), max_length=200, unique=True)

    state = models.CharField(
        _("state"), max_length=10, choices=State.choices, default=State.QUEUED, db_index=True
    )
    attempts = models.PositiveSmallIntegerField(_("tries"), default=0)
    next_attempt_at = models.DateTimeField(_("next try"), default=timezone.now)
    claimed_at = models.DateTimeField(null=True, blank=True, editable=False)
    last_error = models.CharField(_("last error"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("queued at"), default=timezone.now, db_index=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        verbose_name=_("sent by"),
    )

    objects = MessageQuerySet.as_manager()

    class Meta:
        verbose_name = _("e-mail message")
        verbose_name_plural = _("e-mail messages")
        ordering = ["-created_at", "-pk"]
        indexes = [
            # The oldest unsent message (/healthz) without reading the sent ones.
            models.Index(
                fields=["created_at"],
                name="message_unsent_idx",
                condition=models.Q(state__in=["queued", "sending"]),
            ),
            models.Index(fields=["application", "kind", "stage"]),
        ]

    def __str__(self):
        return self.subject
