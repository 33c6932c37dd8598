"""
gunicorn's settings by module name, from a checkout or an installed site alike:
`gunicorn -c python:labsite.gunicorn_conf labsite.wsgi`.

In a checkout this runs gunicorn.conf.py at its top. The wheel has no top: setup.py puts
a copy of gunicorn.conf.py here in place of this file.
"""

import runpy
from pathlib import Path

_CONF = runpy.run_path(str(Path(__file__).resolve().parent.parent / "gunicorn.conf.py"))
globals().update({name: value for name, value in _CONF.items() if not name.startswith("__")})
