"""Template tags behind templates/includes/seo_head.html and structured_data.html."""

from django import template
from django.utils.safestring import mark_safe

from recruiting import seo

register = template.Library()


@register.simple_tag(takes_context=True)
def page_seo(context, lab, title="", description=""):
    """The page's canonical links and share card (seo.share_card), None when not indexed."""
    return seo.share_card(context.get("request"), lab, title, description)


@register.simple_tag(takes_context=True)
def landing_json_ld(context, content):
    """The landing page's schema.org graph, safe to place in a JSON-LD script element."""
    data = seo.landing_structured_data(content, context["request"])
    return mark_safe(seo.to_json_ld(data)) if data else ""
