"""Template tags behind templates/includes/seo_head.html and structured_data.html."""

from django import template
from django.utils.safestring import mark_safe

from recruiting import seo

register = template.Library()


@register.simple_tag(takes_context=True)
def page_seo(context, title="", description=""):
    """
    What the <head> tells search engines and link previews about this page, or None
    for a page that must not be indexed. title and description feed the share card;
    pages that give none get the group's.
    """
    request = context.get("request")
    links = seo.page_links(request) if request is not None else None
    if links is None:
        return None
    width, height = seo.SHARE_IMAGE_SIZE
    return {
        "links": links,
        "site_name": seo.SITE_NAME,
        "title": seo.plain(title) or seo.DEFAULT_SHARE_TITLE,
        "description": seo.plain(description) or seo.DEFAULT_SHARE_DESCRIPTION,
        "image": seo.share_image_url(request),
        "image_width": width,
        "image_height": height,
        "image_alt": seo.SHARE_IMAGE_ALT,
    }


@register.simple_tag(takes_context=True)
def landing_json_ld(context, content):
    """The landing page's schema.org graph, safe to place in a JSON-LD script element."""
    data = seo.landing_structured_data(content, context["request"])
    return mark_safe(seo.to_json_ld(data)) if data else ""
