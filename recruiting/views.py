from django.http import HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.translation import get_language
from django.views.decorators.http import require_safe

from . import cache
from .content import landing_content


@require_safe
def landing(request):
    """The lab's page, served from the page cache: no SQL on a hit."""
    language = get_language()
    html = cache.get_page("landing", language)
    if html is None:
        html = render_to_string(
            "recruiting/landing.html",
            # The switcher links to request.path: a cached page must not pass one
            # visitor's query string on to everyone.
            {"content": landing_content(), "switcher_path": request.path},
            request=request,
        )
        cache.set_page("landing", language, html)
    return HttpResponse(html)


def apply(request):
    raise NotImplementedError  # built in the applications issue


def thanks(request, token):
    raise NotImplementedError


def status(request, token):
    raise NotImplementedError


def privacy(request):
    return render(request, "recruiting/privacy.html")


def bad_request(request, exception=None):
    return render(request, "400.html", status=400)


def permission_denied(request, exception=None):
    return render(request, "403.html", status=403)


def page_not_found(request, exception=None):
    return render(request, "404.html", status=404)


def server_error(request):
    return render(request, "500.html", status=500)
