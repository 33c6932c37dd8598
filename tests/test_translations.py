"""
The Chinese catalogue is complete and compiled: every message of the code has a Chinese
translation in django.po that is not a fuzzy guess, and the committed django.mo is that
django.po compiled. `make messages`, then editing django.po, fixes both (README.md).
"""

import gettext
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import override_settings

BASE_DIR = Path(settings.BASE_DIR)
CATALOGUE = BASE_DIR / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"
# What `make messages` does not collect from (its --ignore), and the catalogue itself.
NOT_COLLECTED = {"locale", "static", "tests", "var"}


@pytest.fixture
def gettext_tools():
    missing = [
        tool for tool in ("xgettext", "msgmerge", "msgfmt", "msgen") if not shutil.which(tool)
    ]
    if missing:
        reason = f"GNU gettext is not installed (no {', '.join(missing)})"
        if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
            pytest.fail(f"{reason}: .ci/run installs it")
        pytest.skip(reason)


def compiled(po, directory, *options):
    """The messages msgfmt puts in the .mo: untranslated and fuzzy ones left out."""
    mo = directory / f"{po.name}.mo"
    subprocess.run(["msgfmt", *options, "-o", str(mo), str(po)], check=True)
    with mo.open("rb") as file:
        return gettext.GNUTranslations(file)._catalog


def readable(key):
    """A catalogue key as one line: plural forms by their msgid, contexts before a bar."""
    msgid = key[0] if isinstance(key, tuple) else key
    return msgid.replace("\x04", " | ")


def collect_messages(work):
    """makemessages, as `make messages` runs it, on a copy of the catalogue in `work`."""
    for entry in BASE_DIR.iterdir():
        if entry.name not in NOT_COLLECTED and not entry.name.startswith("."):
            (work / entry.name).symlink_to(entry)
    shutil.copytree(BASE_DIR / "locale", work / "locale")
    previous = Path.cwd()
    os.chdir(work)
    try:
        with override_settings(LOCALE_PATHS=[work / "locale"]):
            call_command(
                "makemessages",
                locale=["zh_Hans"],
                no_location=True,
                no_obsolete=True,
                symlinks=True,
                verbosity=0,
            )
    finally:
        os.chdir(previous)
    return work / CATALOGUE.relative_to(BASE_DIR)


def test_every_message_of_the_code_has_a_chinese_translation(gettext_tools, tmp_path):
    work = tmp_path / "project"
    work.mkdir()
    catalogue = collect_messages(work)
    # msgen fills every untranslated message with its msgid: all the messages of the code.
    subprocess.run(["msgen", "-o", str(tmp_path / "all.po"), str(catalogue)], check=True)

    wanted = set(compiled(tmp_path / "all.po", tmp_path, "--use-fuzzy")) - {""}
    with_guesses = set(compiled(catalogue, tmp_path, "--use-fuzzy"))
    translated = set(compiled(catalogue, tmp_path))

    untranslated = sorted(readable(key) for key in wanted - with_guesses)
    fuzzy = sorted(readable(key) for key in (wanted & with_guesses) - translated)
    assert not untranslated and not fuzzy, (
        "Run `make messages`, translate these in locale/zh_Hans/LC_MESSAGES/django.po "
        "(removing the fuzzy marks), then `make messages` again.\n"
        + "".join(f"  untranslated: {msgid!r}\n" for msgid in untranslated)
        + "".join(f"  fuzzy guess:  {msgid!r}\n" for msgid in fuzzy)
    )


def test_the_committed_mo_file_is_the_po_file_compiled(gettext_tools, tmp_path):
    fresh = compiled(CATALOGUE, tmp_path)
    with CATALOGUE.with_suffix(".mo").open("rb") as file:
        committed = gettext.GNUTranslations(file)._catalog

    differing = sorted(
        readable(key)
        for key in committed.keys() | fresh.keys()
        if committed.get(key) != fresh.get(key)
    )
    assert not differing, (
        "django.mo is out of date: run `make messages` (or compilemessages). Differing: "
        + ", ".join(repr(msgid) for msgid in differing)
    )
