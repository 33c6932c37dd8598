"""
The staff's tools: the page's content (both languages, tabbed), the applications with
their pipeline, reviews, CSV export, protected CVs and dashboard, and the outbox.
"""

import copy
import functools
import logging

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.exceptions import DisallowedModelAdminLookup
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.utils import flatten_fieldsets, unquote
from django.contrib.admin.views.main import ChangeList
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Prefetch, Q
from django.http import (
    FileResponse,
    Http404,
    HttpResponseRedirect,
    QueryDict,
    StreamingHttpResponse,
)
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.functional import lazy
from django.utils.html import format_html, format_html_join
from django.utils.http import urlencode
from django.utils.text import Truncator, smart_split, unescape_string_literal
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TabbedTranslationAdmin

from . import content_admin, corroboration, dashboard, emails, export, review, tasks  # noqa: F401
from .admin_filters import (
    NOT_FILTERS,
    QUEUE,
    AssignedFilter,
    CriterionFilter,
    CVTextFilter,
    CVWarningFilter,
    DirectionFilter,
    MyReviewFilter,
    ScoreFilter,
)
from .admin_lookups import FilterParametersOnly
from .links import linkify
from .logs import redact_path
from .models import (
    APPLICANT_FIELDS,
    ENDED_STAGES,
    Application,
    Claim,
    CVText,
    Message,
    MessageTemplate,
    PreviousCV,
    Review,
)
from .origin import site_url

logger = logging.getLogger(__name__)

admin.site.site_header = _("Lab recruiting admin")
admin.site.site_title = _("Lab recruiting admin")
# The applications list is wide: give it the whole window (the index lists every model).
admin.site.enable_nav_sidebar = False


# ---------------------------------------------------------------------------
# Applications
# ---------------------------------------------------------------------------


class ApplicationChangeList(ChangeList):
    """
    The list in an order every database reads the same way: nullable columns (the
    average, my score) sort None last both ways, as the review screen's previous/next
    expects (review.Key).
    """

    def get_ordering(self, request, queryset):
        ordering = super().get_ordering(request, queryset)
        keys = review.keys_of(ordering, self.lookup_opts)
        return ordering if keys is None else [key.order_by() for key in keys]

    def get_results(self, request):
        super().get_results(request)
        # The "claims in the CV" column: the page's claims in one query, once the page is
        # read (an action reads none).
        self.result_list = self.result_list.prefetch_related(
            Prefetch("claims", queryset=Claim.objects.select_related("requirement"))
        )


class QueueChangeList(ApplicationChangeList):
    """The list's filtered, ordered queryset without reading its page or counting it."""

    def get_results(self, request):
        self.result_list, self.result_count, self.full_result_count = [], 0, None
        self.can_show_all, self.multi_page = False, False


class ReadOnlyInline(admin.StackedInline):
    """A record staff read on the application but never add to, change or delete."""

    extra = 0
    can_delete = False

    def get_readonly_fields(self, request, obj=None):
        return self.fields

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class OtherReviewInline(ReadOnlyInline):
    """The other staff's reviews: read-only, for only their author may edit them."""

    model = Review
    fields = ("reviewer", "rating", "comment", "updated_at")
    verbose_name_plural = _("reviews by others")

    def get_queryset(self, request):
        return (
            super().get_queryset(request).exclude(reviewer=request.user).select_related("reviewer")
        )


RATING_CHOICES = [("", "---------")] + [(i, str(i)) for i in range(1, 6)]


class ReviewForm(forms.ModelForm):
    class Meta:
        model = Review
        fields = ("rating", "comment")
        widgets = {
            "rating": forms.Select(choices=RATING_CHOICES),
            "comment": forms.Textarea(attrs={"rows": 3, "cols": 60}),
        }


class OwnReviewFormSet(forms.BaseInlineFormSet):
    """The current user's own review of the application: one at most."""

    reviewer = None  # set by OwnReviewInline.get_formset

    def clean(self):
        super().clean()
        kept = [
            form
            for form in self.forms
            if form.cleaned_data
            and not form.cleaned_data.get("DELETE")
            and (form.instance.pk or form.has_changed())
        ]
        new = [form for form in kept if not form.instance.pk]
        already = (
            self.instance.pk
            and new
            and Review.objects.filter(application=self.instance, reviewer=self.reviewer).exists()
        )
        if len(kept) > 1 or already:
            raise ValidationError(
                gettext("You have already reviewed this application: change your review."),
                code="one_review_per_reviewer",
            )

    def save_new(self, form, commit=True):
        form.instance.reviewer = self.reviewer
        return super().save_new(form, commit=commit)


class OwnReviewInline(admin.StackedInline):
    """The current user's review: added once, then changed by its author only."""

    model = Review
    form = ReviewForm
    formset = OwnReviewFormSet
    fields = ("rating", "comment")
    max_num = 1
    can_delete = False
    verbose_name = _("your review")
    verbose_name_plural = _("your review")

    def get_queryset(self, request):
        # Only ever the user's own review: another's cannot even be addressed here.
        return super().get_queryset(request).filter(reviewer=request.user)

    def get_extra(self, request, obj=None, **kwargs):
        if obj is not None and obj.reviews.filter(reviewer=request.user).exists():
            return 0
        return 1

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        return type(formset.__name__, (formset,), {"reviewer": request.user})


class ApplicationStageForm(forms.ModelForm):
    """The change form: staff edit only the stage, and only to a stage it may take."""

    def clean_stage(self):
        stage = self.cleaned_data["stage"]
        if self.instance.pk and stage != self.instance.stage:
            self.instance.check_can_move_to(stage)
        return stage


def reviewers():
    """The staff who may review applications: whom an application can be assigned to."""
    may_review = Q(codename="change_application", content_type__app_label="recruiting")
    return (
        get_user_model()
        .objects.filter(is_active=True, is_staff=True)
        .filter(
            Q(is_superuser=True)
            | Q(groups__permissions__in=Permission.objects.filter(may_review))
            | Q(user_permissions__in=Permission.objects.filter(may_review))
        )
        .distinct()
        .order_by("username")
    )


def stage_action(stage, label):
    def action(modeladmin, request, queryset):
        return modeladmin.confirm_stage(request, queryset, stage, action=f"move_to_{stage}")

    action.__name__ = f"move_to_{stage}"
    description = lazy(lambda: gettext("Move to “%(stage)s”") % {"stage": label}, str)()
    return admin.action(description=description, permissions=["change"])(action)


# The inline CV's own Content-Security-Policy: sandboxed, nothing loaded, framed by the
# admin's pages alone.
CV_INLINE_POLICY = {
    "sandbox": True,
    "default-src": ["'none'"],
    "script-src": None,
    "style-src": None,
    "img-src": None,
    "font-src": None,
    "connect-src": None,
    "form-action": ["'none'"],
    # A browser's own PDF viewer is an embedded object of the file itself.
    "object-src": ["'self'"],
    "frame-ancestors": ["'self'"],
}

# How the list marks a claim by what its CV says of it (Claim.cv_state; "" not read yet).
CV_STATE_MARKS = {
    corroboration.State.CORROBORATED: "✓",
    corroboration.State.PARTLY: "◐",
    corroboration.State.NOT_FOUND: "✗",
}

# The most applications a search finds that the list then reads by id (get_search_results).
SEARCH_IDS_AT_ONCE = 500


@admin.register(Application)
class ApplicationAdmin(FilterParametersOnly, admin.ModelAdmin):
    list_display = (
        "full_name",
        "position_name",
        "school",
        "degree",
        "corroborated",
        "priority",
        "claims_in_cv",
        "stage",
        "stage_message",
        "my_score",
        "average_rating",
        "submitted",
        "cv_column",
    )
    list_select_related = ("position",)
    ordering = ("-corroborated", "-priority", "-submitted_at")
    list_filter = (
        CVTextFilter,
        AssignedFilter,
        MyReviewFilter,
        "stage",
        "position",
        DirectionFilter,
        CriterionFilter,
        ScoreFilter,
        CVWarningFilter,
        "degree",
        "submitted_at",
    )
    # And the claims' evidence: see get_search_results.
    search_fields = ("full_name", "email", "school")
    list_per_page = 100
    # The list's own count is enough: a second count of every application is a scan.
    show_full_result_count = False
    # Facet counts would count every application again for each filter.
    show_facets = admin.ShowFacets.NEVER
    form = ApplicationStageForm
    # The review screen (change_form.html) shows first what a reviewer decides on: the
    # summary, the evidence next to the CV, her review, the decision; then these details.
    fieldsets = (
        (_("Decision"), {"fields": ("stage", "ended_at", "assigned_to")}),
        (
            _("Applicant"),
            {"fields": APPLICANT_FIELDS, "classes": ("collapse",)},
        ),
        (
            _("Application"),
            {
                "classes": ("collapse",),
                "fields": (
                    "position",
                    "research_directions",
                    "start_date",
                    "duration_months",
                    "work_mode",
                    "homepage_link",
                    "github_link",
                    "scholar_link",
                    "statement",
                    "cv_link",
                    "cv_warnings",
                    "priority",
                    "corroborated",
                    "submitted_at",
                    "language_name",
                    "consent_at",
                    "privacy_notice_version",
                ),
            },
        ),
        (_("Timeline"), {"fields": ("timeline",), "classes": ("collapse",)}),
    )
    # Staff change the stage and who reviews: the rest is what the applicant wrote or
    # the site recorded.
    readonly_fields = [
        name for name in flatten_fieldsets(fieldsets) if name not in ("stage", "assigned_to")
    ]
    inlines = [OwnReviewInline, OtherReviewInline]
    actions = ["export_csv", "send_stage_message", "assign_to_me", "unassign_me"] + [
        stage_action(value, label) for value, label in Application.Stage.choices
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).for_reviewer(request.user).with_stage_message_state()

    def changelist_view(self, request, extra_context=None):
        """
        The unfiltered list of a reviewer with applications assigned opens on her queue,
        "assigned to me, not yet reviewed by me", as a URL: its filters show as chosen,
        and every link of the list (other filters, sorting, previous/next) keeps them.
        """
        bare = not set(request.GET) - NOT_FILTERS
        if request.method == "GET" and bare and not request.user.is_superuser:
            assigned = Application.assigned_to.through.objects.filter(user=request.user)
            if assigned.exists():
                return HttpResponseRedirect(
                    f"{request.path}?{urlencode({**request.GET.dict(), **QUEUE})}"
                )
        return super().changelist_view(request, extra_context)

    def get_changelist(self, request, **kwargs):
        if getattr(request, "_queue_only", False):
            return QueueChangeList
        return ApplicationChangeList

    def get_inline_instances(self, request, obj=None):
        inlines = super().get_inline_instances(request, obj)
        if obj is None or self.reviews_shown(request, obj):
            return inlines
        # Blind until her own review is saved: not even the others' inline.
        return [inline for inline in inlines if not isinstance(inline, OtherReviewInline)]

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "assigned_to":
            kwargs["queryset"] = reviewers()
            kwargs["widget"] = forms.CheckboxSelectMultiple
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def get_search_results(self, request, queryset, search_term):
        """
        Each word in the name, e-mail or school or in the evidence of a claim. Evidence
        through `id IN (claims that match)`: a join on claims would repeat an application
        per claim and need DISTINCT over every column; PostgreSQL reads the claims once
        into a hash (a correlated EXISTS is costed per row, which sets off its JIT
        compiler: half a second more at 100,000 applications).
        """
        if not search_term:
            return queryset, False
        matches = queryset
        for bit in smart_split(search_term):
            if bit.startswith(('"', "'")) and bit[0] == bit[-1]:
                bit = unescape_string_literal(bit)
            # A word without case (Chinese, digits) is compared as is: UPPER() of every
            # row's text is most of a search's time.
            lookup = "icontains" if bit.upper() != bit.lower() else "contains"
            evidence = Claim.objects.filter(**{f"evidence__{lookup}": bit})
            fields = Q.create(
                [(f"{field}__{lookup}", bit) for field in self.search_fields], connector=Q.OR
            )
            matches = matches.filter(fields | Q(pk__in=evidence.values("application_id")))
        # The list counts its rows, then reads a page: searching twice reads every
        # application and claim twice. A search that finds a few (a name, an address)
        # is run once, and the list reads those rows by id; one that finds many stops
        # reading at SEARCH_IDS_AT_ONCE and is left to the list's own queries.
        found = list(matches.order_by().values_list("pk", flat=True)[: SEARCH_IDS_AT_ONCE + 1])
        if len(found) <= SEARCH_IDS_AT_ONCE:
            return queryset.filter(pk__in=found), False
        return matches, False

    def action_checkbox(self, obj):
        # The same markup as Django's, without a widget template per row: rendering
        # 200 CheckboxInput templates took a quarter of the list's time.
        return format_html(
            '<input type="checkbox" name="{}" value="{}" class="action-select" aria-label="{}">',
            ACTION_CHECKBOX_NAME,
            obj.pk,
            format_html(gettext("Select this object for an action - {}"), obj),
        )

    def has_add_permission(self, request):
        # Applications come from applicants only.
        return False

    def has_export_permission(self, request):
        return request.user.has_perm("recruiting.export_application")

    # -- columns and read-only fields --------------------------------------

    @admin.display(description=_("position"), ordering="position__order")
    def position_name(self, application):
        # Some titles are long: the list shows their start, the full title on hover.
        title = str(application.position)
        short = Truncator(title).chars(30)
        if short == title:
            return title
        return format_html('<span title="{}">{}</span>', title, short)

    @admin.display(description=_("submitted"), ordering="submitted_at")
    def submitted(self, application):
        return timezone.localtime(application.submitted_at).strftime("%Y-%m-%d %H:%M")

    @admin.display(description=_("average rating"), ordering="average_rating")
    def average_rating(self, application):
        # None also where the user has not reviewed it yet (blind: for_reviewer).
        if application.average_rating is None:
            return None
        return f"{application.average_rating:.1f}"

    @admin.display(description=_("language"))
    def language_name(self, application):
        return application.language_name

    @admin.display(description=_("my score"), ordering="my_score")
    def my_score(self, application):
        return application.my_score

    @admin.display(description=_("stage's e-mail"))
    def stage_message(self, application):
        """Whether the message of the stage the application is in went out."""
        state = application.stage_message_state
        if state is None:
            return ""
        return Message.State(state).label

    @admin.display(description=_("timeline"))
    def timeline(self, application):
        """
        Stage moves, the applicant's own changes (a withdrawal, corrections, a new CV or
        e-mail address) and e-mails, oldest first, each with who or what state.
        """
        if not application.pk:
            return self.get_empty_value_display()
        events = [
            (change.changed_at, str(change), change.by)
            for change in application.stage_changes.select_related("changed_by")
        ]
        events += [
            (
                message.created_at,
                f"{message.get_kind_display()}: {message.subject}",
                message.get_state_display()
                + (f" ({message.last_error})" if message.last_error else ""),
            )
            for message in application.messages.all()
        ]
        events.append((application.submitted_at, gettext("Application submitted"), ""))
        events.sort(key=lambda event: event[0])
        rows = format_html_join(
            "",
            "<tr><td>{}</td><td>{}</td><td>{}</td></tr>",
            (
                (timezone.localtime(moment).strftime("%Y-%m-%d %H:%M"), what, detail)
                for moment, what, detail in events
            ),
        )
        return format_html(
            '<table class="timeline"><thead><tr><th scope="col">{}</th><th scope="col">{}</th>'
            '<th scope="col">{}</th></tr></thead><tbody>{}</tbody></table>',
            gettext("When"),
            gettext("What"),
            gettext("By or state"),
            rows,
        )

    @admin.display(description=_("CV"))
    def cv_column(self, application):
        link = format_html(
            '<a href="{}">{}</a>',
            reverse("admin:recruiting_application_cv", args=[application.pk]),
            gettext("Open CV"),
        )
        warnings = application.cv_flag_labels
        if not warnings:
            return link
        return format_html(
            '{} <span class="cv-warning">⚠ {}</span>', link, "; ".join(map(str, warnings))
        )

    @admin.display(description=_("CV warnings"))
    def cv_warnings(self, application):
        return "; ".join(map(str, application.cv_flag_labels)) or "–"

    @admin.display(description=_("claims in the CV"))
    def claims_in_cv(self, application):
        """Each claimed criterion with what the CV says of it: ✓ corroborated, ◐, ✗."""
        return format_html_join(
            " ",
            '<span class="cv-state cv-{}" title="{}">{} {}</span>',
            (
                (
                    claim.cv_state or "pending",
                    " ".join(map(str, claim.finding.explanations())) if claim.finding else "",
                    CV_STATE_MARKS.get(claim.cv_state, "…"),
                    claim.requirement.short_title,
                )
                for claim in application.claims.all()
            ),
        )

    @admin.display(description=_("CV"))
    def cv_link(self, application):
        if not application.pk or not application.cv:
            return self.get_empty_value_display()
        return self.cv_column(application)

    @admin.display(description=_("research directions"))
    def research_directions(self, application):
        directions = application.directions.select_related("parent")
        return ", ".join(str(d) for d in directions) or self.get_empty_value_display()

    def _external_link(self, url):
        # URLField only lets http(s) and ftp(s) in; show anything else as text.
        if not url:
            return self.get_empty_value_display()
        if not url.lower().startswith(("http://", "https://")):
            return url
        return format_html('<a href="{0}" rel="noopener noreferrer nofollow">{0}</a>', url)

    @admin.display(description=_("homepage"))
    def homepage_link(self, application):
        return self._external_link(application.homepage)

    @admin.display(description=_("GitHub"))
    def github_link(self, application):
        return self._external_link(application.github)

    @admin.display(description=_("Google Scholar"))
    def scholar_link(self, application):
        return self._external_link(application.scholar)

    # -- saving ------------------------------------------------------------

    def save_model(self, request, obj, form, change):
        # Only the stage (and the assignment, saved with the form's many-to-many) is
        # editable here; move_to records who moved it and when. A stage with an e-mail
        # to the applicant, or one that ends the application, is confirmed first
        # (response_change).
        if "stage" in form.changed_data:
            stage = form.cleaned_data["stage"]
            if stage in ENDED_STAGES or MessageTemplate.objects.filter(stage=stage).exists():
                request._stage_to_confirm = stage
            else:
                obj.move_to(stage, by=request.user)

    def response_change(self, request, obj):
        stage = getattr(request, "_stage_to_confirm", None)
        if stage is not None:
            obj.refresh_from_db()
            queryset = Application.objects.filter(pk=obj.pk)
            return self.confirm_stage(request, queryset, stage, action=f"move_to_{stage}")
        if "_savenext" in request.POST:
            # Her review is saved: on to the next application of the list she came from.
            queue = self.queue(request, obj.pk)
            if queue["next"]:
                return HttpResponseRedirect(queue["next"])
            self.message_user(
                request, gettext("That was the last application in this list."), messages.INFO
            )
            return HttpResponseRedirect(queue["list"])
        return super().response_change(request, obj)

    # -- the review screen -------------------------------------------------

    def queue(self, request, pk):
        """
        Where the application is in the list the reviewer came from (the filters and
        order Django's admin keeps in `_changelist_filters`): the URLs of the previous
        and next applications, keeping those filters, and of the list itself.
        """
        preserved = self.get_preserved_filters(request)
        filters = QueryDict(preserved).get("_changelist_filters", "")
        list_url = reverse("admin:recruiting_application_changelist")
        found = {"previous": None, "next": None, "list": f"{list_url}?{filters}"}
        listing = copy.copy(request)
        listing.GET, listing._queue_only = QueryDict(filters), True
        try:
            changelist = self.get_changelist_instance(listing)
        except (IncorrectLookupParameters, DisallowedModelAdminLookup, ValidationError):
            return found
        # The order the list reads in (ApplicationChangeList.get_ordering made it).
        keys = review.keys_of(changelist.queryset.query.order_by, self.opts)
        if keys is None:
            return found
        current = self.get_queryset(request).filter(pk=pk).values(*[k.name for k in keys]).first()
        if current is None:
            return found
        around = review.neighbours(changelist.queryset, keys, current)
        for name, neighbour in (("previous", around.previous), ("next", around.next)):
            if neighbour is not None:
                url = reverse("admin:recruiting_application_change", args=[neighbour])
                found[name] = url + (f"?{preserved}" if preserved else "")
        return found

    def reviews_shown(self, request, application):
        """Application.reviews_shown_to, asked once per request (the inlines ask twice)."""
        shown = request.__dict__.setdefault("_reviews_shown", {})
        if application.pk not in shown:
            shown[application.pk] = application.reviews_shown_to(request.user)
        return shown[application.pk]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        application = self.get_object(request, unquote(object_id))
        if application is None or not self.has_view_or_change_permission(request, application):
            return super().change_view(request, object_id, form_url, extra_context)
        cv = CVText.objects.filter(application=application).only("state", "text").first()
        claims = [
            {
                "claim": claim,
                # What the CV has too is marked in the evidence.
                "evidence": linkify(
                    claim.evidence,
                    corroboration.marker(claim.finding.keywords_in_both if claim.finding else []),
                ),
                "finding": claim.finding,
                "snippets": corroboration.snippets(
                    cv.text, claim.finding.keywords_in_both + claim.finding.links_in_cv
                )
                if claim.finding and cv
                else [],
            }
            for claim in application.claims.select_related("requirement")
        ]
        others = application.reviews.exclude(reviewer=request.user).count()
        context = {
            "application": application,
            "claims": claims,
            "cv_text": cv,
            "directions": ", ".join(
                str(d) for d in application.directions.select_related("parent")
            ),
            "queue": self.queue(request, application.pk),
            "reviews_hidden": 0 if self.reviews_shown(request, application) else others,
            "cv_urls": {
                "inline": reverse("admin:recruiting_application_cv_inline", args=[application.pk]),
                "download": reverse("admin:recruiting_application_cv", args=[application.pk]),
            }
            if application.cv
            else None,
            # Every CV the applicant replaced once the lab had started, the newest first:
            # one query, however many.
            "earlier_cvs": [
                {
                    "cv": earlier,
                    "inline": reverse(
                        "admin:recruiting_application_earlier_cv_inline",
                        args=[application.pk, earlier.pk],
                    ),
                    "download": reverse(
                        "admin:recruiting_application_earlier_cv",
                        args=[application.pk, earlier.pk],
                    ),
                }
                for earlier in application.previous_cvs.only(
                    "pk", "application", "sent_at", "replaced_at"
                )
            ],
            **(extra_context or {}),
        }
        return super().change_view(request, object_id, form_url, context)

    # -- actions -----------------------------------------------------------

    def confirm_stage(self, request, queryset, stage, *, action):
        """
        The page between a stage action and its effect: who moves, who gets which e-mail,
        a preview. With stage None, each gets its current stage's e-mail.
        """
        ends = stage in ENDED_STAGES
        confirmed = request.POST.get("post") == "yes"
        if confirmed and ends and request.POST.get("end_confirmed") != "yes":
            # An ended stage closes the applications: asked once more, on its own page.
            return self.confirm_end(request, queryset, stage, action=action)
        if confirmed:
            return self.apply_stage(
                request,
                queryset,
                stage,
                send=request.POST.get("send_message") == "on",
                send_again=request.POST.get("send_again") == "on",
            )
        templates = emails.stage_templates()
        origin = site_url(request)
        applications = list(queryset.select_related("position").order_by("pk"))
        already_sent = emails.stage_messages_sent(applications)
        languages = dict(settings.LANGUAGES)
        rows, preview = [], None
        for application in applications:
            target = stage or application.stage
            template = templates.get(target)
            moves = stage is not None and application.stage != stage
            rows.append(
                {
                    "application": application,
                    "moves": moves,
                    "template": template,
                    "already_sent": (application.pk, target) in already_sent,
                    "language": languages.get(application.language, application.language),
                }
            )
            if preview is None and template and (moves or stage is None):
                subject, body = emails.render_stage_message(application, template, origin)
                # The status link is the applicant's alone: staff see it without its token.
                preview = {
                    "application": application,
                    "subject": subject,
                    "body": redact_path(body),
                }
        context = {
            **self.admin_site.each_context(request),
            "title": gettext("Confirm"),
            "opts": self.opts,
            "stage": Application.Stage(stage).label if stage else None,
            "rows": rows,
            "action": action,
            "any_template": any(row["template"] for row in rows),
            "any_already_sent": any(row["already_sent"] for row in rows),
            "preview": preview,
            "action_checkbox_name": ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(
            request, "admin/recruiting/application/stage_confirmation.html", context
        )

    def confirm_end(self, request, queryset, stage, *, action):
        """The second question before moving applications to a stage that ends them."""
        applications = list(queryset.select_related("position").order_by("pk"))
        context = {
            **self.admin_site.each_context(request),
            "title": gettext("Confirm again"),
            "opts": self.opts,
            "stage": Application.Stage(stage).label,
            "applications": applications,
            "action": action,
            "send_message": request.POST.get("send_message", ""),
            "send_again": request.POST.get("send_again", ""),
            "action_checkbox_name": ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(
            request, "admin/recruiting/application/end_confirmation.html", context
        )

    def apply_stage(self, request, queryset, stage, *, send, send_again):
        templates = emails.stage_templates()
        origin = site_url(request)
        moved = queued = 0
        applications = list(queryset.select_related("position").order_by("pk"))
        already_sent = emails.stage_messages_sent(applications)
        for application in applications:
            target = stage or application.stage
            template = templates.get(target) if send else None
            try:
                with transaction.atomic():
                    change = None
                    if stage is not None:
                        change = application.move_to(stage, by=request.user)
                        moved += change is not None
                    wanted = template is not None and (stage is None or change is not None)
                    if wanted and (send_again or (application.pk, target) not in already_sent):
                        emails.queue_stage_message(application, template, origin, by=request.user)
                        queued += 1
            except ValidationError as error:
                self.message_user(request, " ".join(error.messages), messages.WARNING)
        if stage is not None:
            self.message_user(
                request,
                ngettext(
                    "%(count)d application moved to “%(stage)s”.",
                    "%(count)d applications moved to “%(stage)s”.",
                    moved,
                )
                % {"count": moved, "stage": Application.Stage(stage).label},
                messages.SUCCESS,
            )
        if send:
            self.message_user(
                request,
                ngettext(
                    "%(count)d e-mail queued: the worker sends it within minutes.",
                    "%(count)d e-mails queued: the worker sends them within minutes.",
                    queued,
                )
                % {"count": queued},
                messages.SUCCESS if queued else messages.INFO,
            )
        return None

    @admin.action(description=_("E-mail the current stage's message"), permissions=["change"])
    def send_stage_message(self, request, queryset):
        """Never automatic: staff pick this, see who gets what, and confirm."""
        return self.confirm_stage(request, queryset, None, action="send_stage_message")

    @admin.action(description=_("Assign to me"), permissions=["change"])
    def assign_to_me(self, request, queryset):
        through = Application.assigned_to.through
        already = set(
            through.objects.filter(user=request.user, application__in=queryset).values_list(
                "application_id", flat=True
            )
        )
        new = [
            through(application_id=pk, user=request.user)
            for pk in queryset.values_list("pk", flat=True)
            if pk not in already
        ]
        through.objects.bulk_create(new, ignore_conflicts=True)
        self.message_user(
            request,
            ngettext(
                "%(count)d application assigned to you.",
                "%(count)d applications assigned to you.",
                len(new),
            )
            % {"count": len(new)},
            messages.SUCCESS,
        )

    @admin.action(description=_("Unassign me"), permissions=["change"])
    def unassign_me(self, request, queryset):
        count, _rows = Application.assigned_to.through.objects.filter(
            user=request.user, application__in=queryset
        ).delete()
        self.message_user(
            request,
            ngettext(
                "%(count)d application no longer assigned to you.",
                "%(count)d applications no longer assigned to you.",
                count,
            )
            % {"count": count},
            messages.SUCCESS,
        )

    @admin.action(description=_("Export selected applications as CSV"), permissions=["export"])
    def export_csv(self, request, queryset):
        selected = Application.objects.filter(pk__in=queryset.values("pk"))
        # Streamed: the first byte at once, the same memory at any size (export.py).
        response = StreamingHttpResponse(
            export.applications_csv(selected, request), content_type="text/csv; charset=utf-8"
        )
        response["Content-Disposition"] = f'attachment; filename="{export.filename()}"'
        response["Cache-Control"] = "private, no-store"
        logger.info("applications exported", extra={"user_id": request.user.pk})
        return response

    # -- extra pages -------------------------------------------------------

    def get_urls(self):
        return [
            path(
                "<int:pk>/cv/",
                self.admin_site.admin_view(self.cv_view),
                name="recruiting_application_cv",
            ),
            path(
                "<int:pk>/cv/inline/",
                self.admin_site.admin_view(functools.partial(self.cv_view, inline=True)),
                name="recruiting_application_cv_inline",
            ),
            path(
                "<int:pk>/cv/earlier/<int:cv_pk>/",
                self.admin_site.admin_view(self.cv_view),
                name="recruiting_application_earlier_cv",
            ),
            path(
                "<int:pk>/cv/earlier/<int:cv_pk>/inline/",
                self.admin_site.admin_view(functools.partial(self.cv_view, inline=True)),
                name="recruiting_application_earlier_cv_inline",
            ),
            path(
                "dashboard/",
                self.admin_site.admin_view(self.dashboard_view),
                name="recruiting_application_dashboard",
            ),
            *super().get_urls(),
        ]

    def cv_view(self, request, pk, cv_pk=None, inline=False):
        """
        Stream the CV to staff who may view applications; the file has no other URL.
        With `cv_pk`, one of the application's earlier CVs (PreviousCV), on the same
        terms. Downloaded as an attachment, or shown `inline` in the review screen's
        frame: then sandboxed (a PDF's scripts and forms run nowhere near the admin's
        origin) and framed by the admin's own pages only.
        """
        application = get_object_or_404(Application.objects.only("pk", "cv"), pk=pk)
        if not self.has_view_permission(request, application):
            raise PermissionDenied
        if cv_pk is None:
            file, filename = application.cv, f"cv-{application.pk}.pdf"
        else:
            # Only an earlier CV of this application: another's pk is not found here.
            earlier = get_object_or_404(
                PreviousCV.objects.only("pk", "file"), pk=cv_pk, application=application
            )
            file, filename = earlier.file, f"cv-{application.pk}-earlier-{earlier.pk}.pdf"
        if not file:
            raise Http404
        try:
            stream = file.open("rb")
        except FileNotFoundError:
            raise Http404 from None
        response = FileResponse(
            stream,
            as_attachment=not inline,
            filename=filename,
            content_type="application/pdf",
        )
        response["X-Content-Type-Options"] = "nosniff"
        response["Cache-Control"] = "private, no-store"
        if inline:
            response["X-Frame-Options"] = "SAMEORIGIN"
            # Replaces the site's policy on this response (django-csp reads this attribute).
            response._csp_replace = CV_INLINE_POLICY
        return response

    def dashboard_view(self, request):
        if not self.has_view_permission(request):
            raise PermissionDenied
        context = {
            **self.admin_site.each_context(request),
            "title": gettext("Applications dashboard"),
            "opts": self.opts,
            **dashboard.dashboard_context(request.user),
        }
        return TemplateResponse(request, "admin/recruiting/dashboard.html", context)


# ---------------------------------------------------------------------------
# E-mails
# ---------------------------------------------------------------------------


@admin.register(MessageTemplate)
class MessageTemplateAdmin(FilterParametersOnly, TabbedTranslationAdmin):
    list_display = ("stage", "subject")


@admin.register(Message)
class MessageAdmin(FilterParametersOnly, admin.ModelAdmin):
    """The outbox: every e-mail the site sent or will send, read-only, failed ones retried."""

    list_display = (
        "created_at",
        "kind",
        "application_link",
        "subject",
        "state",
        "attempts",
        "next_attempt_at",
        "sent_at",
    )
    list_filter = ("state", "kind")
    list_select_related = ("application__position",)
    search_fields = ("subject",)
    date_hierarchy = "created_at"
    actions = ["retry"]
    fields = (
        "application_link",
        "kind",
        "stage",
        "language",
        "recipients",
        "reply_to",
        "subject",
        "text",
        "message_id",
        "state",
        "attempts",
        "next_attempt_at",
        "last_error",
        "created_at",
        "created_by",
        "sent_at",
    )
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser

    @admin.display(description=_("application"), ordering="application")
    def application_link(self, message):
        if message.application_id is None:
            return self.get_empty_value_display()
        return format_html(
            '<a href="{}">{}</a>',
            reverse("admin:recruiting_application_change", args=[message.application_id]),
            message.application,
        )

    @admin.display(description=_("text"))
    def text(self, message):
        # The applicant's status link is theirs alone: staff see the text without it.
        return format_html('<pre class="message-text">{}</pre>', redact_path(message.body))

    @admin.action(description=_("Send the failed e-mails again"), permissions=["change"])
    def retry(self, request, queryset):
        count = emails.retry(queryset)
        self.message_user(
            request,
            ngettext(
                "%(count)d failed e-mail queued again.",
                "%(count)d failed e-mails queued again.",
                count,
            )
            % {"count": count},
            messages.SUCCESS,
        )
