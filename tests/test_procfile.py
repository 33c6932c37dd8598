"""The Procfile names the site's two processes, as honcho (make run) and hosts read it."""

import re
import subprocess
import sys
from pathlib import Path

from tests.servers import BASE_DIR

HONCHO = Path(sys.executable).with_name("honcho")


def processes():
    lines = (BASE_DIR / "Procfile").read_text().splitlines()
    return dict(re.fullmatch(r"([a-z]+): (.+)", line).groups() for line in lines if line)


def test_the_procfile_names_web_and_worker():
    assert processes() == {
        "web": "gunicorn -c gunicorn.conf.py labsite.wsgi",
        "worker": "python manage.py run_worker",
    }


def test_honcho_reads_the_procfile():
    result = subprocess.run(
        [str(HONCHO), "check"], cwd=BASE_DIR, capture_output=True, text=True, timeout=30
    )
    assert result.returncode == 0, result.stderr
    assert "web, worker" in result.stderr + result.stdout
