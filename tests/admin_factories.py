"""Small factories for the staff-side tests: content rows, applications, staff users."""

from datetime import date, timedelta
from itertools import count

from django.contrib.auth.models import Group, User
from django.core.files.base import ContentFile
from django.utils import timezone

from recruiting.models import Application, Claim, Position, Requirement, ResearchDirection

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"

_numbers = count(1)


def make_position(title="Research assistant", title_en=None, **fields):
    n = next(_numbers)
    return Position.objects.create(
        slug=fields.pop("slug", f"position-{n}"),
        title_zh_hans=title,
        title_en=title_en or title,
        order=fields.pop("order", n),
        **fields,
    )


def make_requirement(short_title="Top paper", short_title_en=None, **fields):
    n = next(_numbers)
    return Requirement.objects.create(
        short_title_zh_hans=short_title,
        short_title_en=short_title_en or short_title,
        text_zh_hans=fields.pop("text", f"Criterion {n}"),
        evidence_prompt_zh_hans=fields.pop("evidence_prompt", "Give the evidence."),
        order=fields.pop("order", n),
        **fields,
    )


def make_direction(title="General DCML", parent=None, **fields):
    n = next(_numbers)
    return ResearchDirection.objects.create(
        slug=fields.pop("slug", f"direction-{n}"),
        title_zh_hans=title,
        title_en=fields.pop("title_en", title),
        parent=parent,
        order=fields.pop("order", n),
        **fields,
    )


def make_application(position=None, claims=None, directions=(), cv=True, **fields):
    """An application as the apply form saves it; claims maps a Requirement to evidence."""
    n = next(_numbers)
    claims = claims or {}
    values = {
        "position": position or make_position(),
        "full_name": f"Applicant {n}",
        "email": f"applicant{n}@example.com",
        "school": "Peking University",
        "major": "Computer Science",
        "degree": Application.Degree.MASTER,
        "year_of_study": 1,
        "graduation_year": 2027,
        "start_date": date(2026, 9, 1),
        "duration_months": 6,
        "work_mode": Application.WorkMode.ONSITE,
        "statement": "I would like to join.",
        "consent_at": timezone.now(),
        "privacy_notice_version": "1",
        "priority": len(claims),
    }
    values.update(fields)
    application = Application(**values)
    if cv:
        application.cv = ContentFile(PDF, name="cv.pdf")
    application.save()
    if directions:
        application.directions.set(directions)
    for requirement, evidence in claims.items():
        Claim.objects.create(
            application=application,
            requirement=requirement,
            evidence=evidence,
            keywords_found=", ".join(requirement.keywords_in(evidence)),
        )
    return application


def make_staff(username, groups=(), superuser=False, is_staff=True):
    user = User.objects.create_user(
        username, f"{username}@example.com", "pw", is_staff=is_staff or superuser
    )
    if superuser:
        user.is_superuser = True
        user.save()
    for name in groups:
        user.groups.add(Group.objects.get(name=name))
    return user


def days_ago(days):
    return timezone.now() - timedelta(days=days)


def change_form_data(response):
    """The POST data of an admin change form as the browser would send it, unchanged."""
    data = {}

    def add(form):
        for name, field in form.fields.items():
            value = form[name].value()
            if value is None or value is False:
                continue
            if field.widget.__class__.__name__ == "CheckboxInput":
                value = "on"
            if isinstance(value, list | tuple):
                value = [str(v) for v in value]
            data[form.add_prefix(name)] = value

    add(response.context["adminform"].form)
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        add(formset.management_form)
        for form in formset.forms:
            add(form)
    return data
