from csp.middleware import CSPMiddleware


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """
    The site-wide policy from settings, loosened for /admin/ only.

    Django's admin writes a few inline style attributes (its widgets, the changelist
    and the dashboard's bar widths), which a strict style-src would break. Public pages
    keep the strict policy; the admin allows inline styles, never inline script.
    """

    def get_policy_parts(self, request, response, report_only=False):
        parts = super().get_policy_parts(request, response, report_only)
        if not report_only and request.path_info.startswith("/admin/"):
            parts.update = {**(parts.update or {}), "style-src": ["'self'", "'unsafe-inline'"]}
        return parts
