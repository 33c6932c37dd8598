import logging
import re

from django.conf import settings
from django.http import Http404, HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.cache import add_never_cache_headers, patch_cache_control
from django.utils.translation import get_language
from django.views import static
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_http_methods, require_safe

from . import decoys, pages, ratelimit, tasks
from .content import landing_content
from .forms import ApplicationForm, LostLinkForm, StatusLinkRequestForm
from .models import Application, Lab, Message
from .origin import site_url
from .submissions import submit_application
from .uploads import CVUploadHandler

logger = logging.getLogger(__name__)

CACHED_QUERY = re.compile(r"(position=[-\w]{1,60})?")  # see _blank_form


@require_safe
def landing(request):
    """The lab's page, rendered once per language and content version: no SQL on a hit."""
    name = f"landing:{get_language()}"
    html = pages.get(name)
    if html is None:
        html = render_to_string(
            "recruiting/landing.html",
            # The switcher links to request.path: a cached page must not pass one
            # visitor's query string on to everyone.
            {"content": landing_content(), "switcher_path": request.path},
            request=request,
        )
        pages.store(name, html)
    return HttpResponse(html)


@csrf_exempt  # CSRF is checked inside, by _apply: see there
@require_http_methods(["GET", "HEAD", "POST"])
def apply(request):
    """
    The application form. The CV upload handler must be installed before anything
    reads the body, the CSRF check included: that is why CSRF is checked one level
    down, by _apply.
    """
    if request.method == "POST":
        request.upload_handlers.insert(0, CVUploadHandler(request))
    return _apply(request)


def _blank_form(request):
    """
    The unbound application form, rendered once per language, content version and
    preselected position (its fields are most of the page's cost); each visitor gets
    their own CSRF token in it.
    """
    query = request.META.get("QUERY_STRING", "")
    # Only the plain form and each open position's are stored: made-up query strings
    # are rendered each time, so that they cannot fill the cache.
    name = f"apply:{get_language()}:{query}" if CACHED_QUERY.fullmatch(query) else None
    html = pages.get(name) if name else None
    if html is not None:
        return HttpResponse(pages.with_csrf_token(html, request))
    form = ApplicationForm(preselect_position=request.GET.get("position"))
    token = get_token(request) if form.positions else ""  # no form: no token, no cookie
    context = {"form": form, "csrf_token": token}
    html = render_to_string("recruiting/apply.html", context, request=request)
    if name and (not query or query.removeprefix("position=") in form.positions):
        pages.store(name, html, csrf_token=token)
    return HttpResponse(html)


@csrf_protect
def _apply(request):
    if request.method != "POST":
        return _blank_form(request)

    # Read the body first (if the CSRF check has not): only then does the CV upload
    # handler know whether the file was too large.
    data, files = request.POST, request.FILES
    # A refused form gives its slot back (ratelimit.py): typos do not use up the
    # client's accepted applications, only its higher ceiling of refusals.
    allowance = ratelimit.ApplicationAllowance(request)
    retry_after = allowance.take()
    if retry_after is not None:
        return _too_many_applications(request, retry_after)
    cv_too_large = "cv" in request.upload_handlers[0].too_large
    form = ApplicationForm(data, files, cv_too_large=cv_too_large)
    if form.caught_by_honeypot and form.positions:
        # Answer as an accepted application is answered (its slot kept, a 302 to a
        # thank-you page of the same shape), so that a bot learns nothing; nothing is saved.
        logger.info("application refused by the honeypot")
        position = form.positions.get(data.get("position")) or next(iter(form.positions.values()))
        return redirect("recruiting:thanks", token=decoys.new_token(position))
    if form.is_valid():
        application = submit_application(form, language=get_language(), origin=site_url(request))
        if application is not None:
            logger.info("application received", extra={"application_id": application.pk})
            return redirect("recruiting:thanks", token=application.token)
    allowance.refused()
    # Refused: the same page, filled in as sent, with every error (422, not 200, so
    # that clients and logs can tell a refusal from a success).
    return render(request, "recruiting/apply.html", {"form": form}, status=422)


def _too_many_applications(request, retry_after):
    """
    The 429 for the form: the form again, filled in with what was typed (not the CV,
    which is never kept), under the rate limit's message, so nothing typed is lost.
    """
    form = ApplicationForm.refilled(request.POST)
    return ratelimit.too_many_requests(
        request, retry_after, template="recruiting/apply.html", context={"form": form}
    )


@require_http_methods(["GET", "HEAD", "POST"])
def resend_status_link(request):
    """
    E-mail the status link again. GET: the lost-link page (e-mail and position). POST:
    from that page or from the button under the application form's duplicate error.
    """
    if request.method != "POST":
        form = LostLinkForm()
        return render(request, "recruiting/status_link.html", {"form": form})
    # The page's language links lead to the form, not to this address (POST only).
    context = {"switcher_path": reverse("recruiting:apply")}
    # Counted with the applications sent from the same network, as one more try.
    retry_after = ratelimit.hit(request)
    if retry_after is not None:
        return ratelimit.too_many_requests(request, retry_after, context["switcher_path"])
    form = StatusLinkRequestForm(request.POST)
    if not form.is_valid():
        return render(request, "400.html", context, status=400)
    email = form.cleaned_data["email"]
    if ratelimit.hit(request, scope="status-link", identity=email.lower()) is None:
        # The worker looks the address up: the answer, and the time it takes, is the
        # same whether or not the address has applied.
        tasks.send_status_links.enqueue(email, form.cleaned_data["position"], site_url(request))
    context["resent_to"] = email
    return _no_store(render(request, "recruiting/thanks.html", context))


def _application_or_404(token):
    if len(token) > 64:
        raise Http404
    return get_object_or_404(Application.objects.select_related("position"), token=token)


def _application_or_decoy(token):
    """The application with this token, else the honeypot's decoy (unsaved), else 404."""
    try:
        return _application_or_404(token)
    except Http404:
        decoy = decoys.application(token)
        if decoy is None:
            raise
        return decoy


def _no_store(response):
    """Pages about one application: never cached anywhere, never indexed."""
    add_never_cache_headers(response)
    patch_cache_control(response, private=True)
    response["X-Robots-Tag"] = "noindex"
    return response


@require_safe
def thanks(request, token):
    application = _application_or_decoy(token)
    context = {
        "application": application,
        "status_url": site_url(request) + application.get_status_url(),
        # The page says the link "was sent" only once it was (a decoy's never is).
        "confirmation_sent": application.pk is not None
        and application.messages.filter(
            kind=Message.Kind.CONFIRMATION, state=Message.State.SENT
        ).exists(),
    }
    return _no_store(render(request, "recruiting/thanks.html", context))


@require_safe
def privacy(request):
    lab = Lab.objects.first()  # its contact address, and its name for the <head>
    context = {
        "lab": lab,
        "retention_days": settings.APPLICATION_RETENTION_DAYS,
        "notice_version": settings.PRIVACY_NOTICE_VERSION,
        "from_email": settings.DEFAULT_FROM_EMAIL,
        "contact_email": lab.email if lab else "",
        "rate_limit": settings.APPLY_RATE_LIMIT,
    }
    return render(request, "recruiting/privacy.html", context)


def bad_request(request, exception=None):
    return render(request, "400.html", status=400)


def permission_denied(request, exception=None):
    return render(request, "403.html", status=403)


def page_not_found(request, exception=None):
    return render(request, "404.html", status=404)


def server_error(request):
    return render(request, "500.html", status=500)


@require_safe
def public_media(request, path):
    """
    The lab's photos (settings.STORAGES["public"]) when the site serves them itself: with
    DJANGO_DEBUG=1 or SERVE_PUBLIC_MEDIA=1. In production nginx does (docs/deploy.md).
    Every name is new for each upload and each size, so a file never changes: cached for
    a year.
    """
    response = static.serve(request, path, document_root=settings.PUBLIC_MEDIA_ROOT)
    patch_cache_control(response, public=True, max_age=365 * 24 * 3600, immutable=True)
    return response
