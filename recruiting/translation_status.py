"""
Which texts of the page lack one of their two languages, shown to editors: a column and a
filter in each content list, the empty fields marked on the change form, a warning on
saving, and one "translation status" page listing every missing text.

A text is missing in a language when it is empty there (an empty string or NULL) while
the other language has it; a required text (a field without blank=True) is missing
wherever it is empty. The Python test (`missing_fields`) and the SQL one (`missing_q`)
say the same, so that the lists filter what their column shows.
"""

import functools
import operator

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import get_language_info, gettext
from django.utils.translation import gettext_lazy as _
from modeltranslation import settings as mt_settings
from modeltranslation.translator import NotRegistered, translator
from modeltranslation.utils import build_localized_fieldname

from .admin_lookups import OfferedChoicesFilter
from .content import CONTENT_MODELS, join_words

LANGUAGES = list(mt_settings.AVAILABLE_LANGUAGES)

# The languages as the admin's reader calls them ("English", "英文"); LANGUAGES names
# each in its own words, for the tabs.
LANGUAGE_NAMES = {"zh-hans": _("Chinese"), "en": _("English")}


def language_name(code):
    return LANGUAGE_NAMES.get(code) or get_language_info(code)["name_translated"]


def translated_fields(model):
    """The model's fields written in every language, as declared in translation.py."""
    try:
        names = set(translator.get_options_for_model(model).fields)
    except NotRegistered:
        return []
    return [field for field in model._meta.concrete_fields if field.name in names]


def is_empty(value):
    return value is None or value == ""


def empty_q(name):
    return Q(**{name: ""}) | Q(**{f"{name}__isnull": True})


def missing_fields(obj, language):
    """The translated fields of obj whose text is missing in `language`."""
    missing = []
    for field in translated_fields(type(obj)):
        if not is_empty(getattr(obj, build_localized_fieldname(field.name, language))):
            continue
        others = (
            getattr(obj, build_localized_fieldname(field.name, other))
            for other in LANGUAGES
            if other != language
        )
        if not field.blank or any(not is_empty(value) for value in others):
            missing.append(field)
    return missing


def missing_q(model, language):
    """The rows of model with a text missing in `language`, as missing_fields() finds them."""
    conditions = []
    for field in translated_fields(model):
        own = empty_q(build_localized_fieldname(field.name, language))
        if field.blank:
            filled = [
                ~empty_q(build_localized_fieldname(field.name, other))
                for other in LANGUAGES
                if other != language
            ]
            own &= functools.reduce(operator.or_, filled)
        conditions.append(own)
    return functools.reduce(operator.or_, conditions, Q(pk__in=[]))


def any_missing_q(model):
    return functools.reduce(operator.or_, (missing_q(model, code) for code in LANGUAGES))


def missing_by_language(obj):
    """{language: [field, …]} for the languages obj lacks, in the order of LANGUAGES."""
    found = {code: missing_fields(obj, code) for code in LANGUAGES}
    return {code: fields for code, fields in found.items() if fields}


def field_names(fields):
    return join_words(field.verbose_name for field in fields)


def describe(missing):
    """ "English missing: short title, criterion" (one part per language, with "; ")."""
    return "; ".join(
        gettext("%(language)s missing: %(fields)s")
        % {"language": language_name(code), "fields": field_names(fields)}
        for code, fields in missing.items()
    )


def fallback_note(language, field, obj):
    """What the page in `language` shows instead of the missing text, for the form."""
    fallbacks = mt_settings.FALLBACK_LANGUAGES.get(
        language, mt_settings.FALLBACK_LANGUAGES["default"]
    )
    for other in fallbacks:
        if other != language and not is_empty(
            getattr(obj, build_localized_fieldname(field.name, other))
        ):
            return gettext(
                "%(language)s text missing: the %(language)s page shows the %(other)s text."
            ) % {"language": language_name(language), "other": language_name(other)}
    return gettext("%(language)s text missing: the %(language)s page leaves it out.") % {
        "language": language_name(language)
    }


def marking_missing(form_class):
    """form_class, its empty fields of a saved object marked where a language lacks them."""

    class MarkedForm(form_class):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            if self.instance.pk is not None:
                mark_missing(self, self.instance)

    MarkedForm.__name__ = MarkedForm.__qualname__ = form_class.__name__
    return MarkedForm


def mark_missing(form, obj):
    for language, fields in missing_by_language(obj).items():
        for field in fields:
            formfield = form.fields.get(build_localized_fieldname(field.name, language))
            if formfield is None:
                continue
            classes = formfield.widget.attrs.get("class", "")
            formfield.widget.attrs["class"] = f"{classes} translation-missing".strip()
            note = fallback_note(language, field, obj)
            formfield.help_text = (
                format_html("{}<br>{}", note, formfield.help_text) if formfield.help_text else note
            )


class TranslationFilter(OfferedChoicesFilter):
    title = _("translation")
    parameter_name = "translation"

    def lookups(self, request, model_admin):
        missing = [
            (code, gettext("%(language)s missing") % {"language": language_name(code)})
            for code in reversed(LANGUAGES)  # English first: the one most often missing
        ]
        return [*missing, ("complete", _("complete"))]

    def queryset(self, request, queryset):
        value = self.value()
        if value == "complete":
            return queryset.exclude(any_missing_q(self.model))
        if value in LANGUAGES:
            return queryset.filter(missing_q(self.model, value))
        return queryset

    def __init__(self, request, params, model, model_admin):
        self.model = model
        super().__init__(request, params, model, model_admin)


class TranslationStatusMixin:
    """For the ModelAdmin of a model registered in translation.py (content_admin.py)."""

    @property
    def media(self):
        return super().media + forms.Media(css={"all": ["css/translation_tabs.css"]})

    def get_list_display(self, request):
        return [*super().get_list_display(request), "translation_status"]

    def get_list_filter(self, request):
        return [*super().get_list_filter(request), TranslationFilter]

    @admin.display(description=_("Translations"))
    def translation_status(self, obj):
        missing = missing_by_language(obj)
        if not missing:
            return format_html('<span class="quiet">{}</span>', gettext("✓ complete"))
        return format_html('<span class="translation-missing-note">{}</span>', describe(missing))

    def get_form(self, request, obj=None, **kwargs):
        return marking_missing(super().get_form(request, obj, **kwargs))

    def get_formsets_with_inlines(self, request, obj=None):
        for formset, inline in super().get_formsets_with_inlines(request, obj):
            if translated_fields(inline.model):
                formset = type(
                    formset.__name__, (formset,), {"form": marking_missing(formset.form)}
                )
            yield formset, inline

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        # Only where the texts are edited: not on the list's order and "active" boxes.
        if not any(name in form.fields for name in self.translated_form_fields()):
            return
        parts = []
        missing = missing_by_language(form.instance)
        if missing:
            parts.append(describe(missing))
        for formset in formsets:
            for inline_form in formset.forms:
                obj = inline_form.instance
                if obj.pk is None or inline_form in getattr(formset, "deleted_forms", []):
                    continue
                missing = missing_by_language(obj)
                if missing:
                    parts.append(f"{obj._meta.verbose_name} “{obj}”: {describe(missing)}")
        if parts:
            messages.warning(
                request,
                gettext("Saved, with texts missing in one language: %(missing)s.")
                % {"missing": "; ".join(parts)},
            )

    def translated_form_fields(self):
        return [
            build_localized_fieldname(field.name, code)
            for field in translated_fields(self.model)
            for code in LANGUAGES
        ]

    def missing_translations(self, request):
        """[(obj, {language: [field, …]})] of every object lacking a text: one query."""
        queryset = self.get_queryset(request).filter(any_missing_q(self.model))
        if self.list_select_related is True:
            queryset = queryset.select_related()
        elif self.list_select_related:
            queryset = queryset.select_related(*self.list_select_related)
        ordering = self.get_ordering(request)
        if ordering:
            queryset = queryset.order_by(*ordering)
        return [(obj, missing_by_language(obj)) for obj in queryset]


def translation_status_view(request, admin_site):
    """Every text of the page that lacks a language, each with a link to fix it."""
    sections = []
    for model in CONTENT_MODELS:
        if not admin_site.is_registered(model):
            continue
        model_admin = admin_site.get_model_admin(model)
        if not isinstance(model_admin, TranslationStatusMixin):
            continue
        if not model_admin.has_view_or_change_permission(request):
            continue
        opts = model._meta
        rows = [
            {
                "object": obj,
                "url": reverse(
                    f"admin:{opts.app_label}_{opts.model_name}_change",
                    args=[obj.pk],
                    current_app=admin_site.name,
                ),
                "missing": [
                    {"language": language_name(code), "fields": field_names(fields)}
                    for code, fields in missing.items()
                ],
            }
            for obj, missing in model_admin.missing_translations(request)
        ]
        sections.append({"opts": opts, "rows": rows})
    if not sections:
        raise PermissionDenied
    context = {
        **admin_site.each_context(request),
        "title": _("Translation status"),
        "sections": [section for section in sections if section["rows"]],
    }
    return TemplateResponse(request, "admin/recruiting/translation_status.html", context)
