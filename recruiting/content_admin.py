"""
The admin of the lab's page content: every text in both languages as tabs, the order of
each list edited in the list.
"""

import functools

import reversion
from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.forms.models import BaseInlineFormSet
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.html import format_html
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import (
    TabbedTranslationAdmin,
    TranslationStackedInline,
    TranslationTabularInline,
)
from reversion.admin import VersionAdmin

from . import bibtex, images, tasks
from .admin_lookups import FilterParametersOnly, OfferedChoicesFilter
from .models import (
    Achievement,
    Advantage,
    AdvantageGroup,
    Advisor,
    Application,
    Claim,
    GroupPhoto,
    Lab,
    Member,
    Position,
    Publication,
    Requirement,
    ResearchDirection,
)
from .translation_status import TranslationStatusMixin, translation_status_view


class ContentAdmin(
    TranslationStatusMixin, VersionAdmin, FilterParametersOnly, TabbedTranslationAdmin
):
    """
    Both languages as tabs, the missing ones marked (translation_status.py); every save
    recorded and revertible from the object's history (history.py).
    """


class OrderedContentAdmin(ContentAdmin):
    """The order of the list edited right in the list."""

    ordering = ("order", "pk")
    list_editable = ("order",)


@admin.register(Lab)
class LabAdmin(ContentAdmin):
    list_display = ("name", "institution", "meeting_place")

    def has_add_permission(self, request):
        # The page shows one lab.
        return super().has_add_permission(request) and not Lab.objects.exists()

    def get_urls(self):
        # The page of every missing text, across the content models (translation_status.py).
        status = self.admin_site.admin_view(
            functools.partial(translation_status_view, admin_site=self.admin_site)
        )
        return [
            path("translations/", status, name="recruiting_translation_status"),
            *super().get_urls(),
        ]


class AchievementInline(TranslationTabularInline):
    model = Achievement
    fields = ("order", "kind", "name", "text", "github_stars", "url")
    extra = 0


@admin.register(Advisor)
class AdvisorAdmin(ContentAdmin):
    list_display = ("name", "title", "affiliation")
    inlines = [AchievementInline]


@admin.register(Achievement)
class AchievementAdmin(OrderedContentAdmin):
    list_display = ("__str__", "kind", "github_stars", "order")
    list_filter = ("kind",)
    list_select_related = ("advisor",)

    def view_on_site(self, obj):
        return obj.advisor.get_absolute_url()


class AdvantageInline(TranslationStackedInline):
    model = Advantage
    fields = ("order", "title", "text")
    extra = 0


@admin.register(AdvantageGroup)
class AdvantageGroupAdmin(OrderedContentAdmin):
    list_display = ("title", "order")
    inlines = [AdvantageInline]


@admin.register(Advantage)
class AdvantageAdmin(OrderedContentAdmin):
    list_display = ("__str__", "group", "order")
    list_filter = ("group",)
    list_select_related = ("group",)
    ordering = ("group__order", "group_id", "order", "pk")

    def view_on_site(self, obj):
        return obj.group.get_absolute_url()


def chosen_by(obj, count):
    """Why a direction or criterion cannot be deleted, and what to do instead."""
    return ngettext(
        "“%(object)s” was chosen by %(count)d application: make it inactive instead.",
        "“%(object)s” was chosen by %(count)d applications: make it inactive instead.",
        count,
    ) % {"object": obj, "count": count}


class BranchFormSet(BaseInlineFormSet):
    """A branch that applications chose cannot be deleted from its direction's page."""

    def clean(self):
        super().clean()
        doomed = [form.instance for form in self.deleted_forms if form.instance.pk]
        chosen = {
            row["researchdirection"]: row["count"]
            for row in Application.directions.through.objects.filter(researchdirection__in=doomed)
            .values("researchdirection")
            .annotate(count=Count("application", distinct=True))
        }
        for branch in doomed:
            if branch.pk in chosen:
                raise ValidationError(chosen_by(branch.title, chosen[branch.pk]))


class BranchInline(TranslationStackedInline):
    model = ResearchDirection
    formset = BranchFormSet
    fk_name = "parent"
    fields = ("order", "title", "slug", "summary", "is_active")
    extra = 0
    verbose_name = _("branch")
    verbose_name_plural = _("branches")


class TopLevelFilter(OfferedChoicesFilter):
    title = _("level")
    parameter_name = "level"

    conditions = {"top": Q(parent__isnull=True), "branch": Q(parent__isnull=False)}

    def lookups(self, request, model_admin):
        return [("top", _("Directions")), ("branch", _("Branches"))]


class InUseContentAdmin(OrderedContentAdmin):
    """
    Content that applications refer to is never deleted from under them: deleting it is
    refused, with how many applications chose it, and the editor is told to make it
    inactive instead (it then leaves the page and the form; applications keep it).
    """

    def in_use(self, objs):
        """{object: how many applications refer to it} for those that are referred to."""
        raise NotImplementedError

    def get_deleted_objects(self, objs, request):
        in_use = self.in_use(list(objs))
        if in_use:
            refusals = [chosen_by(obj, count) for obj, count in in_use.items()]
            # Nothing to delete, and why: the admin's "cannot delete" page, for one object
            # or for the bulk action alike, without listing thousands of claims.
            return [], {}, set(), refusals
        return super().get_deleted_objects(objs, request)


@admin.register(ResearchDirection)
class ResearchDirectionAdmin(InUseContentAdmin):
    list_display = ("__str__", "slug", "is_active", "order")
    list_editable = ("is_active", "order")
    list_filter = (TopLevelFilter, "is_active")
    list_select_related = ("parent",)
    prepopulated_fields = {"slug": ("title_en",)}
    inlines = [BranchInline]

    def in_use(self, objs):
        # A direction's branches go with it: their applications count too.
        owner = {obj.pk: obj for obj in objs}
        for branch in ResearchDirection.objects.filter(parent__in=objs):
            owner.setdefault(branch.pk, owner[branch.parent_id])
        counts = {}
        for row in (
            Application.directions.through.objects.filter(researchdirection__in=list(owner))
            .values("researchdirection")
            .annotate(count=Count("application", distinct=True))
        ):
            obj = owner[row["researchdirection"]]
            counts[obj] = counts.get(obj, 0) + row["count"]
        return counts

    def get_inlines(self, request, obj):
        # Branches have no branches of their own.
        return [] if obj is not None and obj.parent_id else self.inlines


@admin.register(Position)
class PositionAdmin(OrderedContentAdmin):
    list_display = ("title", "slug", "is_open", "deadline", "order")
    list_editable = ("is_open", "deadline", "order")
    prepopulated_fields = {"slug": ("title_en",)}


@admin.register(Requirement)
class RequirementAdmin(InUseContentAdmin):
    list_display = ("short_title", "keywords", "main_author", "is_active", "order")
    list_editable = ("is_active", "order")

    def in_use(self, objs):
        by_pk = {obj.pk: obj for obj in objs}
        rows = (
            Claim.objects.filter(requirement__in=objs)
            .values("requirement")
            .annotate(count=Count("application", distinct=True))
        )
        return {by_pk[row["requirement"]]: row["count"] for row in rows}

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if change and {"keywords", "main_author"} & set(form.changed_data):
            # The claims of this criterion are checked against their CVs again, by the
            # worker: with the application's commit, in the same transaction.
            tasks.recheck_requirement.enqueue(obj.pk)


def photo_preview(field_file, width, height, alt=""):
    """The smallest size of a photo, for the admin's lists and forms."""
    picture = images.picture(field_file, width, height, alt)
    if picture is None:
        return "—"
    return format_html(
        '<img src="{}" alt="{}" width="80" height="{}" class="photo-preview">',
        picture.jpeg_srcset.split(" ", 1)[0],
        alt,
        round(80 * picture.height / picture.width),
    )


@admin.register(GroupPhoto)
class GroupPhotoAdmin(OrderedContentAdmin):
    list_display = ("preview", "__str__", "order")
    fields = ("image", "preview", "alt", "caption", "order")
    readonly_fields = ("preview",)

    @admin.display(description=_("preview"))
    def preview(self, obj):
        return photo_preview(obj.image, obj.image_width, obj.image_height, obj.alt)


@admin.register(Member)
class MemberAdmin(OrderedContentAdmin):
    list_display = ("preview", "name", "role", "status", "order")
    list_filter = ("status",)
    fields = ("name", "role", "status", "photo", "preview", "url", "order")
    readonly_fields = ("preview",)

    @admin.display(description=_("photo"))
    def preview(self, obj):
        return photo_preview(obj.photo, obj.photo_width, obj.photo_height, obj.name)


class BibTeXForm(forms.Form):
    file = forms.FileField(
        label=_("BibTeX file"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": ".bib,.bibtex,.txt,text/plain"}),
    )
    text = forms.CharField(
        label=_("or paste BibTeX"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 12, "cols": 80, "spellcheck": "false"}),
    )

    def clean(self):
        data = super().clean()
        upload = data.get("file")
        if upload is not None:
            if upload.size > bibtex.MAX_BYTES:
                raise ValidationError(_("This file is larger than 512 KB."), code="too_large")
            try:
                data["text"] = upload.read().decode("utf-8-sig")
            except UnicodeDecodeError:
                raise ValidationError(
                    _("This file is not UTF-8 text. Save it as UTF-8 and try again."),
                    code="not_utf8",
                ) from None
        if not (data.get("text") or "").strip():
            raise ValidationError(_("Choose a BibTeX file or paste its entries."), code="empty")
        if len(data["text"]) > bibtex.MAX_BYTES:
            raise ValidationError(_("This text is longer than 512 KB."), code="too_large")
        if len(bibtex.ENTRY_START.findall(data["text"])) > bibtex.MAX_ENTRIES:
            raise ValidationError(
                _("This file has more than 500 entries: import it in parts."),
                code="too_many",
            )
        return data


@admin.register(Publication)
class PublicationAdmin(VersionAdmin, FilterParametersOnly, admin.ModelAdmin):
    """Publications are written as published, in one language: no tabs."""

    list_display = ("title", "venue", "year", "order")
    list_editable = ("order",)
    list_filter = ("year",)
    search_fields = ("title", "authors", "venue")
    ordering = ("order", "-year", "pk")

    def get_urls(self):
        return [
            path(
                "import/",
                self.admin_site.admin_view(self.import_view),
                name="recruiting_publication_import",
            ),
            *super().get_urls(),
        ]

    def import_view(self, request):
        """Add the entries of a BibTeX file, as one revision of the history."""
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = BibTeXForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            with reversion.create_revision():
                result = bibtex.import_publications(form.cleaned_data["text"])
                reversion.set_user(request.user)
                reversion.set_comment(
                    gettext("Imported %(count)d publications from BibTeX.")
                    % {"count": len(result.added)}
                )
            self.report_import(request, result)
            if result.added or result.skipped:
                return redirect("admin:recruiting_publication_changelist")
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("Import publications from BibTeX"),
            "form": form,
            "has_view_permission": self.has_view_permission(request),
        }
        return TemplateResponse(request, "admin/recruiting/publication/import.html", context)

    def report_import(self, request, result):
        if result.added:
            self.message_user(
                request,
                ngettext(
                    "%(count)d publication added.",
                    "%(count)d publications added.",
                    len(result.added),
                )
                % {"count": len(result.added)},
                messages.SUCCESS,
            )
        if result.skipped:
            self.message_user(
                request,
                ngettext(
                    "%(count)d entry was imported before and is skipped: %(keys)s.",
                    "%(count)d entries were imported before and are skipped: %(keys)s.",
                    len(result.skipped),
                )
                % {"count": len(result.skipped), "keys": ", ".join(result.skipped[:20])},
                messages.WARNING,
            )
        if result.unreadable:
            self.message_user(
                request,
                ngettext(
                    "%(count)d entry could not be read (no title, or not valid BibTeX).",
                    "%(count)d entries could not be read (no title, or not valid BibTeX).",
                    result.unreadable,
                )
                % {"count": result.unreadable},
                messages.WARNING,
            )
        if not (result.added or result.skipped or result.unreadable):
            self.message_user(request, gettext("No BibTeX entry was found."), messages.WARNING)
