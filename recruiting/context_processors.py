"""The lab, for the <head> of the pages whose view does not pass it (site name, share card)."""

from django.utils.functional import SimpleLazyObject

from .models import Lab


def lab(request):
    # Lazy: read only by a template that uses it, so other pages cost no query.
    return {"lab": SimpleLazyObject(Lab.objects.first)}
