"""
The wheel carries what the site needs besides its Python packages.

templates/, static/ and locale/ stay at the top of the checkout (settings find them there);
the wheel gets copies inside the labsite package, where settings look when installed, and
gunicorn.conf.py as labsite/gunicorn_conf.py, in place of the module that, in a checkout,
reads it from the top (`gunicorn -c python:labsite.gunicorn_conf` works in both).
Everything else is in pyproject.toml.
"""

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

HERE = Path(__file__).resolve().parent
RESOURCE_DIRS = ("templates", "static", "locale")


class BuildWithResources(build_py):
    def run(self):
        super().run()
        if self.editable_mode:  # an editable install runs from the checkout itself
            return
        package = Path(self.build_lib) / "labsite"
        for name in RESOURCE_DIRS:
            shutil.rmtree(package / name, ignore_errors=True)
            shutil.copytree(
                HERE / name, package / name, ignore=shutil.ignore_patterns("__pycache__")
            )
        shutil.copyfile(HERE / "gunicorn.conf.py", package / "gunicorn_conf.py")


setup(cmdclass={"build_py": BuildWithResources})
