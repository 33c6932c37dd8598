import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "labsite.settings")

from labsite.unread_body import DrainUnreadBody  # noqa: E402  (needs the settings module)

# A body the site did not read is drained after the response, so that the keep-alive
# connection stays usable (see labsite/unread_body.py and gunicorn.conf.py's pre_request).
application = DrainUnreadBody(get_wsgi_application())
