"""
The application form: every check an application must pass (saving it is in
submissions.py).

The lab's own rule is enforced here: an applicant must claim at least one of the active
criteria (Requirement) and give evidence for each claim. The number of claims is the
application's "criteria claimed". Keywords found in the evidence are recorded for
reviewers; they never refuse anyone. The CV is opened in a bounded process (cvcheck.py)
and refused if it cannot be a CV; what its text corroborates is the worker's
(cvreading.py).
"""

import logging
import re
import unicodedata

from django import forms
from django.conf import settings
from django.core.validators import (
    MaxValueValidator,
    MinValueValidator,
    RegexValidator,
    URLValidator,
)
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy, pgettext

from . import cvcheck
from .layouts import application_form_helper
from .links import links_in
from .models import APPLICANT_FIELDS, Application, Claim, Position, Requirement, ResearchDirection

EVIDENCE_MIN_LENGTH = 10
EVIDENCE_MAX_LENGTH = 1000

logger = logging.getLogger(__name__)

# Why a file that starts like a PDF is still refused as a CV (cvcheck.PDFReport.problem):
# (message, error code). Anything else the check reports reads as "unreadable".
CV_PROBLEMS = {
    "html": (
        _(
            "This file is not a plain PDF: it also holds web-page code. Save your CV as a "
            "PDF again (for example with Print → Save as PDF) and attach that file."
        ),
        "cv_html",
    ),
    "encrypted": (
        _(
            "This PDF is protected by a password or encryption, so we cannot open it. Save "
            "your CV as a PDF without protection and attach that file."
        ),
        "cv_encrypted",
    ),
    "no_pages": (
        _("This PDF has no pages. Attach your CV as a PDF file with its pages."),
        "cv_no_pages",
    ),
    "too_complex": (
        _(
            "This PDF took too long to open. Save your CV as a simpler PDF (for example "
            "with Print → Save as PDF) and attach that file."
        ),
        "cv_too_complex",
    ),
    "unreadable": (
        _(
            "This PDF cannot be opened: it may be damaged or incomplete. Save your CV as a "
            "PDF again and attach that file."
        ),
        "cv_unreadable",
    ),
}

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


class SingleLineField(forms.CharField):
    default_validators = [single_line]


class NameField(forms.CharField):
    default_validators = [single_line, no_web_address]


class PhoneField(forms.CharField):
    default_validators = [single_line, phone_number]


class WebAddressField(forms.URLField):
    """An http(s) link; one without a scheme is taken as https://."""

    default_validators = [http_url]
    default_error_messages = {"invalid": HTTP_URL_MESSAGE}

    def __init__(self, **kwargs):
        super().__init__(assume_scheme="https", **kwargs)


def formfield_within_bounds(model_field, **kwargs):
    """The model field's form field; a number gets the bounds of the model's validators."""
    for validator in model_field.validators:
        if isinstance(validator, MinValueValidator):
            kwargs["min_value"] = validator.limit_value
        elif isinstance(validator, MaxValueValidator):
            kwargs["max_value"] = validator.limit_value
    return model_field.formfield(**kwargs)


def cv_field():
    """The CV's file field: the application form's, and the status page's new CV."""
    return forms.FileField(
        label=_("CV (PDF)"),
        widget=forms.FileInput(attrs={"accept": ".pdf,application/pdf"}),
        error_messages={
            "required": _("Attach your CV as a PDF file."),
            "empty": _("The file you attached is empty. Attach your CV as a PDF file."),
        },
    )


def cv_help_text():
    """Said under the CV field, translated per request."""
    return _("One PDF file of at most %(size)s.") % {"size": megabytes(settings.CV_MAX_BYTES)}


class ApplicationForm(forms.ModelForm):
    # Chosen among what the page offers, by slug and id, looked up in memory: open
    # positions, and the directions without branches.
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
    # The model's max_length is the stored file's (random) name's, not the upload's.
    cv = cv_field()
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

    class Meta:
        model = Application
        fields = [
            *APPLICANT_FIELDS,
            "position",
            "directions",
            "criteria",  # then each criterion's evidence field, added by __init__
            "start_date",
            "duration_months",
            "work_mode",
            "homepage",
            "github",
            "scholar",
            "statement",
            "cv",
            "consent",
            "website",
        ]
        formfield_callback = formfield_within_bounds
        field_classes = {
            "full_name": NameField,
            "phone": PhoneField,
            "wechat": SingleLineField,
            "school": SingleLineField,
            "major": SingleLineField,
            "homepage": WebAddressField,
            "github": WebAddressField,
            "scholar": WebAddressField,
        }
        # The form's own wording: the model's verbose names are what the admin shows.
        labels = {
            "full_name": _("Full name"),
            "email": _("E-mail"),
            "phone": _("Phone (optional)"),
            "wechat": _("WeChat ID (optional)"),
            "school": _("School or university"),
            "major": _("Major"),
            "degree": _("Current degree"),
            "year_of_study": _("Year of study"),
            "graduation_year": _("Expected graduation year"),
            "start_date": _("Earliest start date"),
            "duration_months": _("How many months you can stay"),
            "work_mode": _("On site in Beijing or remote"),
            "homepage": _("Homepage (optional)"),
            "github": _("GitHub (optional)"),
            "scholar": _("Google Scholar (optional)"),
            "statement": _("Why this group?"),
        }
        help_texts = {
            "email": _("We send the confirmation and the link to your status page here."),
            "year_of_study": _("For example 3 in your third year."),
            "start_date": _("Today or later, as YYYY-MM-DD."),
        }
        widgets = {
            "start_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "work_mode": forms.RadioSelect,
            "statement": forms.Textarea(attrs={"rows": 6, "data-counter": ""}),
        }

    def __init__(self, *args, cv_too_large=False, preselect_position=None, **kwargs):
        super().__init__(*args, **kwargs)
        # "—" until a degree is chosen; radio buttons need no empty choice.
        self.fields["degree"].choices = [("", "—"), *Application.Degree.choices]
        self.fields["work_mode"].choices = Application.WorkMode.choices

        self.positions = {position.slug: position for position in Position.objects.open()}
        self.fields["position"].choices = [
            (slug, position.title) for slug, position in self.positions.items()
        ]
        if preselect_position in self.positions:
            self.initial["position"] = preselect_position

        directions = direction_choices(ResearchDirection.objects.active())
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

        # Texts with numbers in them, translated per request.
        self.fields["statement"].help_text = _(
            "Why you would like to join this group and what you hope to work on. "
            "At most %(limit)s characters."
        ) % {"limit": self.fields["statement"].max_length}
        self.fields["cv"].help_text = cv_help_text()
        self.cv_too_large = cv_too_large
        self.cv_report = None  # what cvcheck.check found in the CV (clean_cv)
        if cv_too_large:
            # The upload handler dropped the file; clean_cv says why.
            self.fields["cv"].required = False
        self.fields["consent"].label = format_html(
            '{} <a href="{}" target="_blank" rel="noopener">{}</a>',
            _("I have read and agree to the"),
            reverse("recruiting:privacy"),
            _("privacy notice (opens in a new tab)"),
        )
        self.helper = application_form_helper()

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
        self.cv_report = check_cv(cv, too_large=self.cv_too_large)
        return cv

    def clean(self):
        cleaned_data = super().clean()
        criteria = cleaned_data.get("criteria")
        if criteria is not None:
            self._check_claims(criteria)
        self.refuse_if_duplicate()
        return cleaned_data

    @classmethod
    def refilled(cls, data):
        """
        An unbound form showing what was sent, all but the CV (a file is never kept): for
        a refusal that is not the form's own (the rate limit), so nothing typed is lost.
        """
        form = cls()
        form.initial = {
            name: field.widget.value_from_datadict(data, {}, form.add_prefix(name))
            for name, field in form.fields.items()
            if name != "cv"
        }
        return form

    def refuse_if_duplicate(self):
        """
        Refuse a second application for the same position with the same e-mail address
        while the first is under consideration; True if refused. Also called after a
        save that lost the race to an application sent at the same moment.
        """
        email, position = self.cleaned_data.get("email"), self.cleaned_data.get("position")
        if not (email and position):
            return False
        earlier = (
            Application.objects.under_consideration().with_email(email).filter(position=position)
        )
        if not earlier.exists():
            return False
        self.add_error(
            "email",
            forms.ValidationError(
                _(
                    "You have already applied for this position with this e-mail address, "
                    "and that application is still under consideration, so you cannot apply "
                    "for it again. We can send the link to its status page to this address "
                    "again."
                ),
                code="duplicate",
            ),
        )
        return True

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

    # -- What the application saves besides its own row -------------------------------

    def claims(self):
        """The criteria ticked, each with its evidence and the keywords found in it."""
        claims = []
        for requirement in self.cleaned_data["criteria"]:
            evidence = self.cleaned_data[self.evidence_field_name(requirement)]
            keywords = ", ".join(requirement.keywords_in(evidence))
            claims.append(
                Claim(requirement=requirement, evidence=evidence, keywords_found=keywords[:500])
            )
        return claims

    # -- What the page shows -------------------------------------------------------

    @property
    def is_duplicate(self):
        return any(error.code == "duplicate" for error in self.errors.as_data().get("email", []))

    @property
    def caught_by_honeypot(self):
        return bool(self.data.get("website", "").strip())

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


class StatusLinkRequestForm(forms.Form):
    """Send the status link again: e-mail and position as typed on the refused form."""

    email = forms.EmailField(max_length=254)
    position = forms.SlugField(max_length=60)


class LostLinkForm(forms.Form):
    """The lost-link page's form: posted to the same view as StatusLinkRequestForm."""

    email = forms.EmailField(label=_("The e-mail address you applied with"), max_length=254)
    position = forms.ChoiceField(label=_("The position you applied for"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Every position, closed ones too: an application outlives its position's call.
        self.fields["position"].choices = [
            (position.slug, position.title) for position in Position.objects.all()
        ]


def check_cv(cv, *, too_large=False):
    """
    Refuse an uploaded CV that is too large, not a PDF, or a PDF that cannot be a CV;
    return what the bounded check found in it (cvcheck.check): what a CV should not
    hold (JavaScript, actions…) is only flagged to staff. None when the check could not
    run: the worker checks the file later. The application form and the status page's
    new CV both use it.
    """
    if too_large or (cv is not None and cv.size > settings.CV_MAX_BYTES):
        raise forms.ValidationError(
            _("Your CV is larger than %(size)s. Attach a smaller PDF file."),
            code="too_large",
            params={"size": megabytes(settings.CV_MAX_BYTES)},
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
    data = cv.read()
    cv.seek(0)
    try:
        report = cvcheck.check(data)
    except cvcheck.CheckerUnavailable:
        logger.exception("the CV check could not run: the CV is accepted unchecked")
        return None
    if report.problem:
        message, code = CV_PROBLEMS.get(report.problem, CV_PROBLEMS["unreadable"])
        raise forms.ValidationError(message, code=code)
    return report


def megabytes(size):
    if size >= 1024 * 1024:
        return _("%(size)s MB") % {"size": f"{size / (1024 * 1024):.3g}"}
    return _("%(size)s KB") % {"size": f"{size / 1024:.3g}"}
