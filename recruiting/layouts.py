"""How the application form is laid out on its page (django-crispy-forms)."""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import HTML, Column, Div, Field, Fieldset, Layout, Row
from django.utils.translation import gettext_lazy as _


def side_by_side(*names):
    return Row(*(Column(name, css_class="col-md") for name in names))


def application_form_helper():
    """The fieldsets of the application form; apply.html draws the <form> and its button."""
    helper = FormHelper()
    helper.form_tag = False
    helper.disable_csrf = True
    helper.layout = Layout(
        Fieldset(
            _("About you"),
            "full_name",
            "email",
            HTML(
                '{% if form.is_duplicate %}{% include "recruiting/apply_resend.html" %}{% endif %}'
            ),
            side_by_side("phone", "wechat"),
        ),
        Fieldset(
            _("Education"),
            side_by_side("school", "major"),
            side_by_side("degree", "year_of_study", "graduation_year"),
        ),
        Fieldset(_("What you apply for"), "position", "directions"),
        HTML('{% include "recruiting/apply_criteria.html" %}'),
        Fieldset(
            _("Availability"),
            side_by_side("start_date", "duration_months"),
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
        # The honeypot, hidden from people (see ApplicationForm.website).
        Div(Field("website"), css_class="hp-field", aria_hidden="true"),
        "consent",
    )
    return helper


def correction_form_helper():
    """The status page's correction form (applicant_forms.CorrectionForm): the same order."""
    helper = FormHelper()
    helper.form_tag = False
    helper.disable_csrf = True
    helper.layout = Layout(
        Fieldset(_("About you"), "full_name", "email", side_by_side("phone", "wechat")),
        Fieldset(
            _("Education"),
            side_by_side("school", "major"),
            side_by_side("degree", "year_of_study", "graduation_year"),
        ),
        HTML('{% include "recruiting/apply_criteria.html" %}'),
        Fieldset(_("Links"), "homepage", "github", "scholar"),
        Fieldset(_("Statement"), "statement"),
    )
    return helper


def contact_form_helper():
    """The status page's contact form (applicant_forms.ContactForm)."""
    helper = FormHelper()
    helper.form_tag = False
    helper.disable_csrf = True
    helper.layout = Layout("email", side_by_side("phone", "wechat"))
    return helper
