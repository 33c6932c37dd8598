"""
The applicant's status page and what can be done from it (applicant.py): each change a
page that says what it means, then a POST with CSRF under the status rate limit. A
token nobody has is a 404; the honeypot's decoys answer as a real application would,
without anything being saved.
"""

import functools

from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_http_methods, require_safe

from . import applicant, ratelimit
from .applicant_forms import ContactForm, CorrectionForm, DeleteForm, NewCVForm
from .models import ENDED_STAGES
from .origin import site_url
from .uploads import CVUploadHandler
from .views import _application_or_decoy, _no_store


def status_action(view):
    """
    GET shows the page; a POST is rate limited, and a decoy's is answered by a redirect
    to its status page with nothing saved. Every answer is private and never cached.
    """

    @functools.wraps(view)
    @require_http_methods(["GET", "HEAD", "POST"])
    def wrapper(request, token, *args, **kwargs):
        application = _application_or_decoy(token)
        if request.method == "POST":
            retry_after = ratelimit.hit(request, scope="status", limit=settings.STATUS_RATE_LIMIT)
            if retry_after is not None:
                return ratelimit.too_many_requests(request, retry_after)
            if application.pk is None:
                return redirect("recruiting:status", token=token)
        return _no_store(view(request, application, *args, **kwargs))

    return wrapper


def _back_to_status(request, application, message=None, level=messages.SUCCESS):
    if message:
        messages.add_message(request, level, message)
    return redirect("recruiting:status", token=application.token)


def _refused(request, application, message):
    """Back to the status page, saying why nothing was changed."""
    return _back_to_status(request, application, str(message), messages.ERROR)


@require_safe
def status(request, token):
    """What an applicant may know and do. Never reviews, ratings, notes or reviewers."""
    application = _application_or_decoy(token)
    changes = list(application.stage_changes.all()) if application.pk else []
    context = {
        "application": application,
        "stage_explanation": applicant.STAGE_EXPLANATIONS.get(application.stage, ""),
        "timeline": applicant.timeline(application, changes),
        "untouched": application.is_untouched(changes),
        "can_change": application.stage not in ENDED_STAGES,
        "retention_days": settings.APPLICATION_RETENTION_DAYS,
    }
    return _no_store(render(request, "recruiting/status.html", context))


@status_action
def correct(request, application):
    """
    Correct the application while nobody has started on it (CorrectionForm), else the
    contact details only (ContactForm). Sent once to see the changes, then confirmed.
    """
    if application.stage in ENDED_STAGES:
        return _refused(request, application, applicant.CLOSED)
    untouched = application.is_untouched()
    form_class = CorrectionForm if untouched else ContactForm
    if request.method != "POST":
        form = form_class(instance=application)
        return _edit_page(request, application, form, untouched)
    form = form_class(request.POST, instance=application)
    # A full correction sent after the lab started: only the contact details are taken.
    narrowed = request.POST.get("form") == "correction" and not untouched
    if not form.is_valid():
        return _edit_page(request, application, form, untouched, narrowed=narrowed, status=422)
    if "back" in request.POST:
        return _edit_page(request, application, form, untouched)
    if "confirm" not in request.POST or narrowed:
        changes = form.changes()
        if not changes and not form.new_email:
            if narrowed:
                return _refused(request, application, applicant.NOT_UNTOUCHED)
            return _back_to_status(request, application, _("Nothing was changed."), messages.INFO)
        context = {"application": application, "form": form, "changes": changes}
        # The check page marks a full correction, so that a save after the lab started
        # meanwhile is narrowed and said to be, not silently cut down.
        context.update(narrowed=narrowed, untouched=untouched)
        return render(request, "recruiting/status_correct_confirm.html", context)
    try:
        applicant.correct(application, form, site_url(request))
    except applicant.Refused as refusal:
        return _refused(request, application, refusal.message)
    if form.new_email:
        messages.info(
            request,
            _(
                "We sent a link to %(email)s. Your address changes when you open it and "
                "confirm; until then we keep writing to the old one."
            )
            % {"email": form.new_email},
        )
    return _back_to_status(
        request, application, _("Your changes are saved.") if form.changes() else None
    )


def _edit_page(request, application, form, untouched, narrowed=False, status=200):
    context = {"application": application, "form": form, "untouched": untouched}
    context["narrowed"] = narrowed
    return render(request, "recruiting/status_correct.html", context, status=status)


@csrf_exempt  # checked by _new_cv, once the upload handler is in place (as views.apply)
def new_cv(request, token):
    if request.method == "POST":
        request.upload_handlers.insert(0, CVUploadHandler(request))
    return _new_cv(request, token)


@csrf_protect
@status_action
def _new_cv(request, application):
    """Send a newer CV: checked as the form checks one, shown, then confirmed."""
    if application.stage in ENDED_STAGES:
        return _refused(request, application, applicant.CLOSED)
    untouched = application.is_untouched()
    context = {"application": application, "untouched": untouched}
    if request.method != "POST":
        return render(request, "recruiting/status_cv.html", {**context, "form": NewCVForm()})
    if "confirm" in request.POST:
        try:
            applicant.replace_cv(application, request.POST.get("upload", ""))
        except applicant.Refused as refusal:
            return _refused(request, application, refusal.message)
        return _back_to_status(
            request,
            application,
            _("Your new CV is saved.")
            if untouched
            else _("Your new CV is saved; the lab also keeps the one you sent before."),
        )
    too_large = "cv" in request.upload_handlers[0].too_large
    form = NewCVForm(request.POST, request.FILES, cv_too_large=too_large)
    if not form.is_valid():
        return render(request, "recruiting/status_cv.html", {**context, "form": form}, status=422)
    context["upload"] = applicant.store_new_cv(application, form)
    context["report"] = form.cv_report
    context["file_name"] = form.cleaned_data["cv"].name[:100]
    return render(request, "recruiting/status_cv_confirm.html", context)


@status_action
def change_email(request, application, value):
    """The link sent to a new address: a page that confirms the change by a POST."""
    try:
        new_email = applicant.email_change_of(application, value)
    except applicant.Refused as refusal:
        return _refused(request, application, refusal.message)
    if request.method == "POST":
        try:
            applicant.change_email(application, value, site_url(request))
        except applicant.Refused as refusal:
            return _refused(request, application, refusal.message)
        return _back_to_status(
            request,
            application,
            _("Your e-mail address is now %(email)s.") % {"email": new_email},
        )
    context = {"application": application, "new_email": new_email}
    return render(request, "recruiting/status_email_confirm.html", context)


@status_action
def withdraw(request, application):
    if not application.can_withdraw:
        return _refused(request, application, applicant.NOT_WITHDRAWABLE)
    if request.method == "POST":
        try:
            applicant.withdraw(application, site_url(request))
        except applicant.Refused as refusal:
            return _refused(request, application, refusal.message)
        return _back_to_status(request, application, _("Your application is withdrawn."))
    context = {"application": application}
    return render(request, "recruiting/status_withdraw.html", context)


@status_action
def delete(request, application):
    if not application.can_delete:
        return _refused(request, application, applicant.WITHDRAW_FIRST)
    form = DeleteForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            applicant.delete(application, site_url(request))
        except applicant.Refused as refusal:
            return _refused(request, application, refusal.message)
        return redirect("recruiting:deleted")
    status = 422 if form.is_bound else 200
    context = {"application": application, "form": form}
    return render(request, "recruiting/status_delete.html", context, status=status)


@require_safe
def deleted(request):
    return _no_store(render(request, "recruiting/status_deleted.html"))
