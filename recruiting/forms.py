"""
The application form: every check an application must pass, and saving it.

The lab's own rule is enforced here: an applicant must claim at least one of the active
criteria (Requirement) and give evidence for each claim. The number of claims is the
application's priority. Keywords found in the evidence are recorded for reviewers; they
never refuse anyone.
"""

import logging
import re
import unicodedata

from crispy_forms.helper import FormHelper
from crispy_forms.layout import HTML, Column, Div, Field, Fieldset, Layout, Row
from django import forms
from django.conf import settings
from django.core.files.uploadhandler import FileUploadHandler, SkipFile
from django.core.validators import RegexValidator, URLValidator
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy, pgettext

from . import emails
from .models import Application, Claim, Position, Requirement, ResearchDirection

logger = logging.getLogger(__name__)

STATEMENT_MAX_LENGTH = 2000
EVIDENCE_MIN_LENGTH = 10
EVIDENCE_MAX_LENGTH = 1000
HONEYPOT_FIELD = "website"

# Anything in evidence that looks like a link: a scheme://, or www. Links are ASCII up
# to the first space or non-ASCII character (Chinese punctuation often follows a link).
LINK_PATTERN = re.compile(
    r"(?:(?<![a-z0-9+.\-])[a-z][a-z0-9+.\-]*://|(?<![a-z0-9.\-])www\.)[\x21-\x7e]*",
    re.IGNORECASE,
)
LINK_TRAILING_PUNCTUATION = ".,;:!?)]}>'\""

HTTP_URL_MESSAGE = _("Enter a full web address that starts with http:// or https://.")
http_url = URLValidator(schemes=["http", "https"], message=HTTP_URL_MESSAGE)

phone_number = RegexValidator(
    r"^\+?[0-9][0-9 ()\-]{4,28}$",
    message=_("Enter a phone number: digits, with an optional + and country code."),
    code="invalid_phone",
)


def single_line(value):
    """Refuse line breaks and control characters (bidi overrides, zero-width…)."""
    if any(unicodedata.category(char) in ("Cc", "Cf", "Zl", "Zp") for char in value):
        raise forms.ValidationError(
            _("Write this on one line, without line breaks or control characters."),
            code="not_single_line",
        )


# A scheme, "www." or a host name with a common top-level domain: never part of a name.
WEB_ADDRESS_PATTERN = re.compile(
    r"://|\bwww\.|\b[a-z0-9-]+\.(?:com|net|org|cn|io|me|info|xyz|top|cc|co|ru|link|site)\b",
    re.IGNORECASE,
)


def no_web_address(value):
    if WEB_ADDRESS_PATTERN.search(value):
        raise forms.ValidationError(
            _("Your name cannot contain a web address."), code="name_with_link"
        )


def links_in(text):
    """The links in a text, without the punctuation that ends a sentence around them."""
    return [
        match.group().rstrip(LINK_TRAILING_PUNCTUATION) for match in LINK_PATTERN.finditer(text)
    ]


def direction_choices(directions):
    """
    The directions an applicant can choose, as the page shows them: each direction
    without branches, a branch labelled with its parent ("DCML Applications · For
    Science"), in the page's order.
    """
    by_parent = {}
    for direction in directions:
        by_parent.setdefault(direction.parent_id, []).append(direction)
    choices = []

    def walk(parent_id, prefix):
        for direction in by_parent.get(parent_id, []):
            label = f"{prefix} · {direction.title}" if prefix else direction.title
            if direction.pk in by_parent:
                walk(direction.pk, label)
            else:
                choices.append((direction, label))

    walk(None, "")
    return choices


class WebAddressField(forms.URLField):
    """An optional http(s) link; one without a scheme is taken as https://."""

    default_validators = [http_url]
    default_error_messages = {"invalid": HTTP_URL_MESSAGE}

    def __init__(self, **kwargs):
        super().__init__(max_length=200, required=False, assume_scheme="https", **kwargs)


class CVUploadHandler(FileUploadHandler):
    """
    Stops reading an uploaded file as soon as it passes settings.CV_MAX_BYTES: the file
    is dropped but the rest of the form is still read, so the form can say the CV is too
    large and show again everything else the applicant typed. Installed first by the
    apply view, before anything reads the request body.
    """

    def __init__(self, request=None):
        super().__init__(request)
        self.too_large = set()
        self.total = 0

    def receive_data_chunk(self, raw_data, start):
        self.total += len(raw_data)
        if self.total > settings.CV_MAX_BYTES:  # all files of the request together
            self.too_large.add(self.field_name)
            raise SkipFile
        return raw_data

    def file_complete(self, file_size):
        return None


class ApplicationForm(forms.Form):
    full_name = forms.CharField(
        label=_("Full name"), max_length=100, validators=[single_line, no_web_address]
    )
    email = forms.EmailField(
        label=_("E-mail"),
        max_length=254,
        help_text=_("We send the confirmation and the link to your status page here."),
    )
    phone = forms.CharField(
        label=_("Phone (optional)"),
        max_length=30,
        required=False,
        validators=[single_line, phone_number],
    )
    wechat = forms.CharField(
        label=_("WeChat ID (optional)"), max_length=50, required=False, validators=[single_line]
    )

    school = forms.CharField(
        label=_("School or university"), max_length=150, validators=[single_line]
    )
    major = forms.CharField(label=_("Major"), max_length=150, validators=[single_line])
    degree = forms.ChoiceField(
        label=_("Current degree"), choices=[("", "—"), *Application.Degree.choices]
    )
    year_of_study = forms.IntegerField(
        label=_("Year of study"),
        min_value=1,
        max_value=10,
        help_text=_("For example 3 in your third year."),
    )
    graduation_year = forms.IntegerField(
        label=_("Expected graduation year"), min_value=2000, max_value=2100
    )

    position = forms.ChoiceField(
        label=_("Position"),
        widget=forms.RadioSelect,
        error_messages={
            "invalid_choice": _(
                "This position is not open for applications. Choose one of the open positions."
            )
        },
    )
    directions = forms.MultipleChoiceField(
        label=_("Research directions of interest"),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Choose one or more."),
    )
    criteria = forms.MultipleChoiceField(
        label=_("The criteria you meet"),
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
    )

    start_date = forms.DateField(
        label=_("Earliest start date"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("Today or later, as YYYY-MM-DD."),
    )
    duration_months = forms.IntegerField(
        label=_("How many months you can stay"), min_value=1, max_value=60
    )
    work_mode = forms.ChoiceField(
        label=_("On site in Beijing or remote"),
        choices=Application.WorkMode.choices,
        widget=forms.RadioSelect,
    )

    homepage = WebAddressField(label=_("Homepage (optional)"))
    github = WebAddressField(label=_("GitHub (optional)"))
    scholar = WebAddressField(label=_("Google Scholar (optional)"))
    statement = forms.CharField(
        label=_("Why this group?"),
        max_length=STATEMENT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 6, "data-counter": ""}),
    )

    cv = forms.FileField(
        label=_("CV (PDF)"),
        widget=forms.FileInput(attrs={"accept": ".pdf,application/pdf"}),
        error_messages={
            "required": _("Attach your CV as a PDF file."),
            "empty": _("The file you attached is empty. Attach your CV as a PDF file."),
        },
    )
    consent = forms.BooleanField(
        error_messages={
            "required": _(
                "Tick this box to agree to the privacy notice: we cannot process an "
                "application without it."
            )
        },
    )
    # The honeypot: hidden from people (CSS class, aria-hidden, out of the tab order);
    # a bot that fills every field gives itself away.
    website = forms.CharField(
        label=_("Leave this field empty"),
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
    )

    def __init__(self, *args, cv_too_large=False, preselect_position=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.positions = {position.slug: position for position in Position.objects.open()}
        self.fields["position"].choices = [
            (slug, position.title) for slug, position in self.positions.items()
        ]
        if preselect_position in self.positions:
            self.initial["position"] = preselect_position

        directions = direction_choices(ResearchDirection.objects.all())
        self.directions = {str(direction.pk): direction for direction, _label in directions}
        self.fields["directions"].choices = [
            (str(direction.pk), label) for direction, label in directions
        ]

        self.requirements = list(Requirement.objects.active())
        self.fields["criteria"].choices = [
            (str(requirement.pk), requirement.short_title) for requirement in self.requirements
        ]
        self.evidence_fields = {
            self.evidence_field_name(requirement): requirement for requirement in self.requirements
        }
        for requirement in self.requirements:
            self.fields[self.evidence_field_name(requirement)] = forms.CharField(
                label=requirement.evidence_prompt,
                required=False,
                max_length=EVIDENCE_MAX_LENGTH,
                widget=forms.Textarea(attrs={"rows": 3}),
                help_text=_(
                    "At least %(minimum)s characters. Give links in full, starting with "
                    "http:// or https://."
                )
                % {"minimum": EVIDENCE_MIN_LENGTH},
            )

        # Each evidence field right after the criteria, as on the page (error summary).
        names = [name for name in self.fields if name not in self.evidence_fields]
        after_criteria = names.index("criteria") + 1
        self.order_fields(
            names[:after_criteria] + list(self.evidence_fields) + names[after_criteria:]
        )

        self.fields["statement"].help_text = _(
            "Why you would like to join this group and what you hope to work on. "
            "At most %(limit)s characters."
        ) % {"limit": STATEMENT_MAX_LENGTH}
        self.fields["cv"].help_text = _("One PDF file of at most %(size)s.") % {
            "size": _megabytes(settings.CV_MAX_BYTES)
        }
        self.cv_too_large = cv_too_large
        if cv_too_large:
            # The upload handler dropped the file; clean_cv says why.
            self.fields["cv"].required = False
        self.fields["consent"].label = format_html(
            '{} <a href="{}" target="_blank" rel="noopener">{}</a>',
            _("I have read and agree to the"),
            reverse("recruiting:privacy"),
            _("privacy notice (opens in a new tab)"),
        )
        self.helper = self._layout()

    @staticmethod
    def evidence_field_name(requirement):
        return f"evidence_{requirement.pk}"

    # -- Checks, one per field, then the ones across fields -------------------------

    def clean_position(self):
        return self.positions[self.cleaned_data["position"]]

    def clean_directions(self):
        return [self.directions[pk] for pk in self.cleaned_data["directions"]]

    def clean_criteria(self):
        ticked = set(self.cleaned_data["criteria"])
        return [r for r in self.requirements if str(r.pk) in ticked]

    def clean_start_date(self):
        start_date = self.cleaned_data["start_date"]
        if start_date < timezone.localdate():
            raise forms.ValidationError(
                _("The start date cannot be in the past."), code="start_in_past"
            )
        return start_date

    def clean_cv(self):
        cv = self.cleaned_data.get("cv")
        if self.cv_too_large or (cv is not None and cv.size > settings.CV_MAX_BYTES):
            raise forms.ValidationError(
                _("Your CV is larger than %(size)s. Attach a smaller PDF file."),
                code="too_large",
                params={"size": _megabytes(settings.CV_MAX_BYTES)},
            )
        if not cv.name.lower().endswith(".pdf"):
            raise forms.ValidationError(
                _("Your CV must be a PDF file (a name ending in .pdf)."), code="not_pdf"
            )
        # Read the first bytes only: a large upload stays on disk.
        cv.seek(0)
        header = cv.read(5)
        cv.seek(0)
        if header != b"%PDF-":
            raise forms.ValidationError(
                _(
                    "This file is not a PDF, although its name ends in .pdf. Attach your CV as a PDF file."
                ),
                code="not_pdf_content",
            )
        return cv

    def clean(self):
        cleaned_data = super().clean()
        criteria = cleaned_data.get("criteria")
        if criteria is not None:
            self._check_claims(criteria)
        email, position = cleaned_data.get("email"), cleaned_data.get("position")
        if email and position and self._earlier_application(email, position).exists():
            self.add_error("email", self.duplicate_error())
        return cleaned_data

    def _check_claims(self, criteria):
        if not criteria:
            separator = pgettext("separator between list items", "; ")
            self.add_error(
                "criteria",
                forms.ValidationError(
                    _(
                        "The lab asks that applicants meet at least one of its criteria; "
                        "meeting several raises your priority. Tick each criterion you meet "
                        "and give your evidence under it. The criteria: %(criteria)s."
                    ),
                    code="no_criterion",
                    params={
                        "criteria": separator.join(
                            f"{number}. {requirement.short_title}"
                            for number, requirement in enumerate(self.requirements, start=1)
                        )
                    },
                ),
            )
        claimed = {requirement.pk for requirement in criteria}
        for requirement in self.requirements:
            name = self.evidence_field_name(requirement)
            if name not in self.cleaned_data:
                continue  # already refused by its field (too long)
            evidence = self.cleaned_data[name]
            if requirement.pk not in claimed:
                if evidence:
                    self.add_error(
                        name,
                        forms.ValidationError(
                            _(
                                "You gave evidence for a criterion you did not tick. Tick "
                                "the criterion above if you meet it, or clear this field."
                            ),
                            code="evidence_without_criterion",
                        ),
                    )
                continue
            for error in self._evidence_errors(evidence):
                self.add_error(name, error)

    def _evidence_errors(self, evidence):
        if not evidence:
            return [
                forms.ValidationError(
                    _("You ticked this criterion: give your evidence for it here."),
                    code="evidence_required",
                )
            ]
        if len(evidence) < EVIDENCE_MIN_LENGTH:
            return [
                forms.ValidationError(
                    ngettext_lazy(
                        "Your evidence is too short to judge: write at least %(minimum)d "
                        "character.",
                        "Your evidence is too short to judge: write at least %(minimum)d "
                        "characters.",
                        "minimum",
                    ),
                    code="evidence_too_short",
                    params={"minimum": EVIDENCE_MIN_LENGTH},
                )
            ]
        errors = []
        for link in links_in(evidence):
            candidate = f"https://{link}" if link.lower().startswith("www.") else link
            try:
                http_url(candidate)
            except forms.ValidationError:
                errors.append(
                    forms.ValidationError(
                        _(
                            "“%(link)s” is not a valid web address. Give links in full, "
                            "starting with http:// or https://."
                        ),
                        code="evidence_invalid_link",
                        params={"link": link[:100]},
                    )
                )
        return errors

    @staticmethod
    def _earlier_application(email, position):
        return Application.objects.under_consideration().filter(
            email__iexact=email, position=position
        )

    @staticmethod
    def duplicate_error():
        return forms.ValidationError(
            _(
                "You have already applied for this position with this e-mail address, and "
                "that application is still under consideration, so you cannot apply for it "
                "again. We can send the link to its status page to this address again."
            ),
            code="duplicate",
        )

    # -- What the page shows -------------------------------------------------------

    @property
    def is_duplicate(self):
        return any(error.code == "duplicate" for error in self.errors.as_data().get("email", []))

    @property
    def caught_by_honeypot(self):
        return bool(self.data.get(HONEYPOT_FIELD, "").strip())

    @property
    def cv_notice(self):
        """After a refusal the file is gone: the page says so next to the CV field."""
        if self.is_bound and self.errors:
            return _(
                "Please attach your CV again: for your privacy, a file is not kept when "
                "the form is sent back to you."
            )
        return ""

    @property
    def criterion_rows(self):
        """Each criterion's checkbox with its evidence field directly under it."""
        checkboxes = list(self["criteria"])
        return [
            (checkbox, self[self.evidence_field_name(requirement)], requirement)
            for checkbox, requirement in zip(checkboxes, self.requirements, strict=True)
        ]

    def error_summary(self):
        """Every error, in the page's order, with the id of the field to jump to."""
        summary = [{"anchor": "", "label": "", "message": m} for m in self.non_field_errors()]
        for name in self.fields:
            if name not in self.errors:
                continue
            field = self[name]
            anchor = field.id_for_label or f"{field.auto_id}_0"
            label = field.label
            if name in self.evidence_fields:
                label = _("Evidence: %(criterion)s") % {
                    "criterion": self.evidence_fields[name].short_title
                }
            elif name == "consent":
                label = _("Privacy notice")
            for message in field.errors:
                summary.append({"anchor": anchor, "label": label, "message": message})
        return summary

    def _layout(self):
        helper = FormHelper(self)
        helper.form_tag = False
        helper.disable_csrf = True
        helper.layout = Layout(
            Fieldset(
                _("About you"),
                "full_name",
                "email",
                HTML(
                    "{% if form.is_duplicate %}"
                    '{% include "recruiting/apply_resend.html" %}'
                    "{% endif %}"
                ),
                Row(Column("phone", css_class="col-md"), Column("wechat", css_class="col-md")),
            ),
            Fieldset(
                _("Education"),
                Row(Column("school", css_class="col-md"), Column("major", css_class="col-md")),
                Row(
                    Column("degree", css_class="col-md"),
                    Column("year_of_study", css_class="col-md"),
                    Column("graduation_year", css_class="col-md"),
                ),
            ),
            Fieldset(_("What you apply for"), "position", "directions"),
            HTML('{% include "recruiting/apply_criteria.html" %}'),
            Fieldset(
                _("Availability"),
                Row(
                    Column("start_date", css_class="col-md"),
                    Column("duration_months", css_class="col-md"),
                ),
                "work_mode",
            ),
            Fieldset(_("Links"), "homepage", "github", "scholar"),
            Fieldset(_("Statement"), "statement"),
            Fieldset(
                _("CV"),
                HTML(
                    "{% if form.cv_notice %}"
                    '<p class="alert alert-warning" id="cv_notice">{{ form.cv_notice }}</p>'
                    "{% endif %}"
                ),
                "cv",
            ),
            Div(Field(HONEYPOT_FIELD), css_class="hp-field", aria_hidden="true"),
            "consent",
        )
        return helper

    # -- Saving --------------------------------------------------------------------

    def save(self, *, language, origin):
        """
        Save the application, its claims, its CV and its e-mails (to the outbox) in one
        transaction: the rows first, then the file, then the commit. If the commit does
        not happen, the file is removed, so there is never a file without its row nor a
        row without its file. Writing the file last, once the database's write lock is
        held, keeps the moment where only a killed process could leave a file behind as
        short as it can be. Once committed, the application is saved whatever fails
        after (another app's on_commit hook, say): that is logged, never raised.
        Returns the application, or None if an earlier one for the same e-mail and
        position won a race (the form then carries the error).
        """
        data = self.cleaned_data
        claims = [
            Claim(
                requirement=requirement,
                evidence=data[self.evidence_field_name(requirement)],
                keywords_found=", ".join(
                    requirement.keywords_in(data[self.evidence_field_name(requirement)])
                )[:500],
            )
            for requirement in data["criteria"]
        ]
        application = Application(
            position=data["position"],
            full_name=data["full_name"],
            email=data["email"],
            phone=data["phone"],
            wechat=data["wechat"],
            school=data["school"],
            major=data["major"],
            degree=data["degree"],
            year_of_study=data["year_of_study"],
            graduation_year=data["graduation_year"],
            start_date=data["start_date"],
            duration_months=data["duration_months"],
            work_mode=data["work_mode"],
            homepage=data["homepage"],
            github=data["github"],
            scholar=data["scholar"],
            statement=data["statement"],
            language=language,
            consent_at=timezone.now(),
            privacy_notice_version=settings.PRIVACY_NOTICE_VERSION,
            priority=len(claims),
        )
        # A random name (models.cv_upload_to): the applicant's file name is never used.
        cv_field = application.cv.field
        application.cv = intended_name = cv_field.generate_filename(application, "cv.pdf")
        stored_name = None
        committed = []
        try:
            with transaction.atomic():
                # The first commit hook: it runs before any other, so that an error in
                # a later one cannot make a committed application look unsaved.
                transaction.on_commit(lambda: committed.append(True))
                application.save()
                application.directions.set(data["directions"])
                for claim in claims:
                    claim.application = application
                Claim.objects.bulk_create(claims)
                emails.queue_application_emails(application, origin)
                stored_name = cv_field.storage.save(
                    intended_name, data["cv"], max_length=cv_field.max_length
                )
                if stored_name != intended_name:
                    application.cv = stored_name
                    Application.objects.filter(pk=application.pk).update(cv=stored_name)
        except BaseException as error:
            if committed:
                logger.exception(
                    "an error after the application was committed",
                    extra={"application_id": application.pk},
                )
                return application
            # Also a partly written file, when the write itself failed.
            cv_field.storage.delete(stored_name or intended_name)
            if (
                isinstance(error, IntegrityError)
                and self._earlier_application(data["email"], data["position"]).exists()
            ):
                self.add_error("email", self.duplicate_error())
                return None
            raise
        return application


class StatusLinkRequestForm(forms.Form):
    """Send the status link again: e-mail and position as typed on the refused form."""

    email = forms.EmailField(max_length=254)
    position = forms.SlugField(max_length=60)


def _megabytes(size):
    if size >= 1024 * 1024:
        return _("%(size)s MB") % {"size": f"{size / (1024 * 1024):.3g}"}
    return _("%(size)s KB") % {"size": f"{size / 1024:.3g}"}
