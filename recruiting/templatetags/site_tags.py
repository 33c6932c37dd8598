"""Template tags of the public pages' frame: the language switcher and <html lang>."""

from contextlib import contextmanager
from dataclasses import dataclass

from django import template
from django.conf import settings
from django.urls import (
    Resolver404,
    get_script_prefix,
    resolve,
    reverse,
    set_script_prefix,
    translate_url,
)
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme

register = template.Library()

# BCP 47 tags for Django's language codes (lang and hreflang attributes).
HTML_LANG = {"zh-hans": "zh-Hans", "en": "en"}


@register.filter
def html_lang(code):
    """zh-hans -> zh-Hans: the language tag for a lang or hreflang attribute."""
    return HTML_LANG.get(code, code)


@dataclass
class LanguageLink:
    code: str
    name: str
    url: str
    is_current: bool

    @property
    def lang(self):
        return html_lang(self.code)


def url_in_language(path, code):
    """The same page in another language; an unknown path (a 404) swaps its prefix only."""
    path_only = path.split("?", 1)[0].split("#", 1)[0]
    try:
        resolve(path_only)
    except Resolver404:
        return swap_language_prefix(path, code)
    return translate_url(path, code)


def swap_language_prefix(path, code):
    current = translation.get_language_from_path(path)
    if current:
        path = path[len(current) + 1 :] or "/"
    if code != settings.LANGUAGE_CODE:
        path = f"/{code}{path}"
    return path


def own_path(url):
    """
    True for a path on this site. Browsers read "//host/…" and "/\\host/…" as another
    site, and a swapped prefix can make either from a harmless path ("/en//host/").
    """
    return (
        url.startswith("/")
        and not url.startswith(("//", "/\\"))
        and url_has_allowed_host_and_scheme(url, allowed_hosts=None)
    )


def home_in_language(code):
    with translation.override(code):
        return reverse("recruiting:landing")


@contextmanager
def within_the_site():
    """reverse() without the script prefix (SITE_URL's path), which language_links adds."""
    prefix = get_script_prefix()
    set_script_prefix("/")
    try:
        yield prefix
    finally:
        set_script_prefix(prefix)


@register.simple_tag(takes_context=True)
def language_links(context):
    """
    One link per language to this page: to `switcher_path` when the view sets it (a cached
    page must not pass one visitor's query string on to everyone), else the request's.
    Worked out on the path within the site (without SITE_URL's path, if any: the language
    prefix comes after it), which goes back in front of each link.
    """
    request = context.get("request")
    path = context.get("switcher_path")
    if not path:
        path = request.get_full_path() if request is not None else "/"
    links = []
    with within_the_site() as script_prefix:
        if path.startswith(script_prefix):
            path = "/" + path[len(script_prefix) :]
        if not url_has_allowed_host_and_scheme(path, allowed_hosts=None):
            path = "/"
        current = translation.get_language()
        for code, name in settings.LANGUAGES:
            try:
                url = url_in_language(path, code)
            except Exception:  # an error page must still render its switcher
                url = swap_language_prefix(path, code)
            if not own_path(url):  # checked last: every step above may change the path
                url = home_in_language(code)
            links.append(LanguageLink(code, name, script_prefix[:-1] + url, code == current))
    return links
