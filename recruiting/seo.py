"""
What search engines and link previews read: absolute URLs, language alternates, share
cards, the landing page's schema.org data (JSON-LD) and robots.txt. Nothing here depends
on the visitor (the origin is SITE_URL's: origin.py), so the cached pages stay the same
for everyone.
"""

import datetime
import html
import json
from dataclasses import dataclass

from django.conf import settings
from django.http import HttpResponse
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import strip_tags
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_safe

from .origin import absolute_url, site_url
from .templatetags.site_tags import HTML_LANG

# The pages search engines may index; every other page (thank-you, status, errors)
# gets <meta name="robots" content="noindex">.
INDEXABLE_VIEWS = {"recruiting:landing", "recruiting:apply", "recruiting:privacy"}

OG_LOCALE = {"zh-hans": "zh_CN", "en": "en_US"}

SHARE_IMAGE = "img/share.png"
SHARE_IMAGE_SIZE = (1200, 630)

SHARE_IMAGE_ALT = _(
    "Prof. Zhang Wentao's group, Peking University: research assistants (RA) and interns wanted"
)

# schema.org employmentType by slug: an RA is paid a stipend (助研津贴) for a stay, not
# employed, so TEMPORARY; internships are INTERN; anything else OTHER.
EMPLOYMENT_TYPES = {"ra": "TEMPORARY"}


def employment_type(position):
    slug = position.slug.lower()
    if slug in EMPLOYMENT_TYPES:
        return EMPLOYMENT_TYPES[slug]
    if "intern" in slug:
        return "INTERN"
    return "OTHER"


@dataclass
class Alternate:
    hreflang: str
    url: str


@dataclass
class PageLinks:
    canonical: str
    alternates: list
    locale: str
    locale_alternates: list


def page_links(request):
    """
    The page's canonical URL and its alternates in every language (x-default: Chinese),
    or None for a page not to index. Built from the URL name: no query string leaks in.
    """
    match = getattr(request, "resolver_match", None)
    if match is None or match.view_name not in INDEXABLE_VIEWS:
        return None
    urls = {}
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            urls[code] = absolute_url(
                request, reverse(match.view_name, args=match.args, kwargs=match.kwargs)
            )
    current = translation.get_language()
    if current not in urls:
        current = settings.LANGUAGE_CODE
    alternates = [Alternate(HTML_LANG.get(code, code), url) for code, url in urls.items()]
    alternates.append(Alternate("x-default", urls[settings.LANGUAGE_CODE]))
    return PageLinks(
        canonical=urls[current],
        alternates=alternates,
        locale=OG_LOCALE.get(current, current),
        locale_alternates=[OG_LOCALE.get(code, code) for code in urls if code != current],
    )


def share_card(request, lab, title="", description=""):
    """
    What the <head> tells link previews, or None for a page not to index. Pages that
    give no title or description share the lab's name and tagline.
    """
    links = page_links(request)
    if links is None:
        return None
    width, height = SHARE_IMAGE_SIZE
    return {
        "links": links,
        "site_name": lab.name if lab else "",
        "title": plain(title) or (lab.name if lab else "") or str(_("Recruiting")),
        "description": plain(description) or (lab.tagline if lab else ""),
        "image": absolute_url(request, static(SHARE_IMAGE)),
        "image_width": width,
        "image_height": height,
        "image_alt": SHARE_IMAGE_ALT,
    }


# ---------------------------------------------------------------------------
# JSON-LD
# ---------------------------------------------------------------------------

_JSON_SCRIPT_ESCAPES = {ord("<"): "\\u003c", ord(">"): "\\u003e", ord("&"): "\\u0026"}


def to_json_ld(data):
    """JSON for a <script> element: "<", ">" and "&" escaped, so "</script>" cannot end it."""
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).translate(
        _JSON_SCRIPT_ESCAPES
    )


BEIJING = {
    "@type": "PostalAddress",
    "addressLocality": "Beijing",
    "addressCountry": "CN",
}


def node_id(request, fragment):
    """One @id per thing whatever the page's language: the Chinese landing page's URL."""
    with translation.override(settings.LANGUAGE_CODE):
        return absolute_url(request, reverse("recruiting:landing")) + f"#{fragment}"


def organization(lab, request):
    """The group, part of its institution."""
    landing = absolute_url(request, reverse("recruiting:landing"))
    data = {
        "@type": "Organization",
        "@id": node_id(request, "organization"),
        "name": lab.name,
        "url": landing,
    }
    if lab.tagline:
        data["description"] = lab.tagline
    if lab.institution:
        data["parentOrganization"] = {"@type": "Organization", "name": lab.institution}
    data["address"] = BEIJING
    if lab.website:
        data["sameAs"] = [lab.website]
    return data


def person(advisor, lab, request):
    """The advisor, working for the group."""
    landing = absolute_url(request, reverse("recruiting:landing"))
    data = {
        "@type": "Person",
        "@id": node_id(request, "advisor"),
        "name": advisor.name,
        "url": f"{landing}#advisor",
    }
    if advisor.title:
        data["jobTitle"] = advisor.title
    if advisor.affiliation:
        data["affiliation"] = {"@type": "Organization", "name": advisor.affiliation}
    if lab is not None:
        data["worksFor"] = {"@id": node_id(request, "organization")}
    if advisor.homepage:
        data["sameAs"] = [advisor.homepage]
    return data


def job_description(position, lab, requirements):
    """The posting's description as simple HTML: what the position is, then who may apply."""
    parts = []
    if position.summary:
        parts.append(f"<p>{html.escape(position.summary, quote=False)}</p>")
    if requirements:
        if lab is not None and lab.requirements_rule:
            parts.append(f"<p>{html.escape(lab.requirements_rule, quote=False)}</p>")
        items = "".join(f"<li>{html.escape(r.text, quote=False)}</li>" for r in requirements)
        parts.append(f"<ul>{items}</ul>")
    return "".join(parts) or f"<p>{html.escape(position.title, quote=False)}</p>"


def job_posting(position, lab, requirements, request):
    posted = timezone.localtime(position.created_at).date()
    data = {
        "@type": "JobPosting",
        "title": position.title,
        "description": job_description(position, lab, requirements),
        "datePosted": posted.isoformat(),
        "employmentType": employment_type(position),
        "directApply": True,
        "url": absolute_url(request, reverse("recruiting:apply")),
        "jobLocation": {"@type": "Place", "address": BEIJING},
    }
    if lab is not None:
        # The group is in full in the graph; the name is for readers of one posting alone.
        data["hiringOrganization"] = {
            "@type": "Organization",
            "@id": node_id(request, "organization"),
            "name": lab.name,
        }
    if position.deadline:
        end_of_day = datetime.datetime.combine(position.deadline, datetime.time(23, 59, 59))
        data["validThrough"] = timezone.make_aware(end_of_day).isoformat()
    return data


def landing_structured_data(content, request):
    """The landing page's graph: the group, its advisor and each open position."""
    graph = []
    if content.lab is not None:
        graph.append(organization(content.lab, request))
    if content.advisor is not None:
        graph.append(person(content.advisor, content.lab, request))
    for position in content.positions:
        graph.append(job_posting(position, content.lab, content.requirements, request))
    if not graph:
        return None
    return {"@context": "https://schema.org", "@graph": graph}


def plain(text):
    """Text for a meta attribute: no tags, one line."""
    return " ".join(strip_tags(str(text)).split())


# ---------------------------------------------------------------------------
# robots.txt
# ---------------------------------------------------------------------------


@require_safe
@cache_control(max_age=24 * 3600, public=True)
def robots_txt(request):
    """Crawlers stay out of the admin and the applicants' private pages."""
    private = ["/admin/"]
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            for name in ("recruiting:status", "recruiting:thanks"):
                private.append(reverse(name, args=["TOKEN"]).split("TOKEN")[0])
    lines = ["User-agent: *"]
    lines += [f"Disallow: {path}" for path in dict.fromkeys(private)]
    if site_url(request):  # a Sitemap line must be absolute: none without SITE_URL
        lines += ["", f"Sitemap: {absolute_url(request, reverse('sitemap'))}"]
    lines.append("")
    return HttpResponse("\n".join(lines), content_type="text/plain; charset=utf-8")
