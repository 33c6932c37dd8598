"""
The forms of the applicant's status page (status_views.py): correcting an application
nobody has started on, changing contact details later, sending a newer CV, and the two
confirmations of deleting everything. Each check is the application form's own.
"""

from django import forms
from django.utils.translation import gettext_lazy as _

from .applicant import EMAIL_TAKEN
from .forms import ApplicationForm, check_cv, cv_field, cv_help_text
from .layouts import contact_form_helper, correction_form_helper
from .models import APPLICANT_FIELDS, Application


class ApplicantEditForm(ApplicationForm):
    """
    The application form cut down to `editable` fields and bound to the application.
    Its e-mail field is never saved here: a new address is confirmed by a link sent to it
    (applicant.request_email_change).
    """

    editable = ()

    def __init__(self, data=None, *, instance):
        # Validation writes the typed values into the instance: keep the address it had.
        self.original_email = instance.email
        super().__init__(data, instance=instance)
        keep = set(self.editable)
        if "criteria" in keep:
            keep |= set(self.evidence_fields)
        if "criteria" in keep and instance.pk is not None:
            claims = list(instance.claims.all())
            self.initial["criteria"] = [str(claim.requirement_id) for claim in claims]
            for claim in claims:
                name = f"evidence_{claim.requirement_id}"
                if name in self.fields:
                    self.initial[name] = claim.evidence
        for name in list(self.fields):
            if name not in keep:
                del self.fields[name]
        self.fields["email"].help_text = _(
            "If you change it, we send a link to the new address: it is used once you open that link."
        )

    def clean_email(self):
        email = self.cleaned_data["email"]
        if email.lower() == self.original_email.lower():
            return self.original_email
        # Refused now rather than when the link is opened: one application under
        # consideration per address and position.
        others = (
            Application.objects.under_consideration()
            .with_email(email)
            .filter(position_id=self.instance.position_id)
            .exclude(pk=self.instance.pk)
        )
        if others.exists():
            raise forms.ValidationError(EMAIL_TAKEN, code="email_taken")
        return email

    @property
    def new_email(self):
        """The address typed, if it differs from the application's (after is_valid)."""
        email = self.cleaned_data.get("email", "")
        return email if email and email.lower() != self.original_email.lower() else ""

    def changes(self):
        """
        (field name, label, old value, new value) of each change but the e-mail's, the
        criteria and their evidence as one "claims" entry. After is_valid.
        """
        changes = []
        claims_changed = False
        for name in self.changed_data:
            if name == "email":
                continue
            if name == "criteria" or name in self.evidence_fields:
                claims_changed = True
                continue
            field = self.fields[name]
            changes.append(
                (
                    name,
                    field.label,
                    self._shown(name, self.initial.get(name)),
                    self._shown(name, self.cleaned_data[name]),
                )
            )
        if claims_changed:
            changes.append(("claims", _("The criteria you meet"), "", ""))
        return changes

    def _shown(self, name, value):
        field = self.fields[name]
        if isinstance(field, forms.ChoiceField):
            return (
                dict(field.choices).get(
                    value if not hasattr(value, "value") else value.value, value
                )
                or ""
            )
        return "" if value is None else value

    def claims(self):
        if "criteria" not in self.fields:
            return []
        return super().claims()


class CorrectionForm(ApplicantEditForm):
    """While nobody has started on it: contact, education, links, statement, criteria."""

    editable = (*APPLICANT_FIELDS, "criteria", "homepage", "github", "scholar", "statement")

    def __init__(self, data=None, *, instance):
        super().__init__(data, instance=instance)
        self.helper = correction_form_helper()


class ContactForm(ApplicantEditForm):
    """Once the lab has started on it: the contact details only."""

    editable = ("email", "phone", "wechat")

    def __init__(self, data=None, *, instance):
        super().__init__(data, instance=instance)
        self.helper = contact_form_helper()


class NewCVForm(forms.Form):
    """A newer CV: the same checks as the application form's (forms.check_cv)."""

    cv = cv_field()

    def __init__(self, *args, cv_too_large=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.cv_too_large = cv_too_large
        self.cv_report = None
        if cv_too_large:
            self.fields["cv"].required = False
        self.fields["cv"].help_text = cv_help_text()

    def clean_cv(self):
        cv = self.cleaned_data.get("cv")
        self.cv_report = check_cv(cv, too_large=self.cv_too_large)
        return cv


class DeleteForm(forms.Form):
    """The second confirmation of deleting everything: a box to tick."""

    understood = forms.BooleanField(
        label=_(
            "I understand that my application, my CV and everything the lab wrote about "
            "it will be deleted for good, and cannot be restored."
        ),
        error_messages={
            "required": _("Tick the box to confirm that everything should be deleted.")
        },
    )
