"""
The admin of the lab's page content: every text in both languages as tabs, the order of
each list edited in the list.
"""

import functools

from django.contrib import admin
from django.db.models import Q
from django.urls import path
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import (
    TabbedTranslationAdmin,
    TranslationStackedInline,
    TranslationTabularInline,
)
from reversion.admin import VersionAdmin

from . import tasks
from .admin_lookups import FilterParametersOnly, OfferedChoicesFilter
from .models import (
    Achievement,
    Advantage,
    AdvantageGroup,
    Advisor,
    Lab,
    Position,
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


class BranchInline(TranslationStackedInline):
    model = ResearchDirection
    fk_name = "parent"
    fields = ("order", "title", "slug", "summary")
    extra = 0
    verbose_name = _("branch")
    verbose_name_plural = _("branches")


class TopLevelFilter(OfferedChoicesFilter):
    title = _("level")
    parameter_name = "level"

    conditions = {"top": Q(parent__isnull=True), "branch": Q(parent__isnull=False)}

    def lookups(self, request, model_admin):
        return [("top", _("Directions")), ("branch", _("Branches"))]


@admin.register(ResearchDirection)
class ResearchDirectionAdmin(OrderedContentAdmin):
    list_display = ("__str__", "slug", "order")
    list_filter = (TopLevelFilter,)
    list_select_related = ("parent",)
    prepopulated_fields = {"slug": ("title_en",)}
    inlines = [BranchInline]

    def get_inlines(self, request, obj):
        # Branches have no branches of their own.
        return [] if obj is not None and obj.parent_id else self.inlines


@admin.register(Position)
class PositionAdmin(OrderedContentAdmin):
    list_display = ("title", "slug", "is_open", "deadline", "order")
    list_editable = ("is_open", "deadline", "order")
    prepopulated_fields = {"slug": ("title_en",)}


@admin.register(Requirement)
class RequirementAdmin(OrderedContentAdmin):
    list_display = ("short_title", "keywords", "main_author", "is_active", "order")
    list_editable = ("is_active", "order")

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if change and {"keywords", "main_author"} & set(form.changed_data):
            # The claims of this criterion are checked against their CVs again, by the
            # worker: with the application's commit, in the same transaction.
            tasks.recheck_requirement.enqueue(obj.pk)
