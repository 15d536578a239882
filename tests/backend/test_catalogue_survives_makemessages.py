"""`makemessages` then `compilemessages`, as the README runs them, lose no Welsh translation.

Run on a copy of the project in a temporary directory, so the working tree is never touched.
Before, the Welsh of DRF's and SimpleJWT's messages sat in locale/ and became obsolete ("#~")
at every run; it now lives in locale_vendor/, which makemessages does not write to.
"""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.utils import translation

ROOT = Path(settings.BASE_DIR)
CATALOGUES = ("locale", "locale_vendor")
README_MAKEMESSAGES = [
    "makemessages",
    "-l",
    "cy",
    "--no-location",
    "--ignore=.venv",
    "--ignore=tests",
    "--ignore=bench",
]

needs_gettext = pytest.mark.skipif(
    not (shutil.which("xgettext") and shutil.which("msgmerge") and shutil.which("msgfmt")),
    reason="GNU gettext (apt-get install gettext) runs makemessages and compilemessages",
)


def _welsh(po: polib.POFile) -> dict[str, str]:
    """msgid (with its context and plural, if any) -> its Welsh, for every translated, current
    entry."""
    found = {}
    for entry in po:
        if entry.obsolete or "fuzzy" in entry.flags:
            continue
        msgid = f"{entry.msgctxt}\x04{entry.msgid}" if entry.msgctxt else entry.msgid
        if entry.msgid_plural:
            forms = [entry.msgstr_plural[index] for index in sorted(entry.msgstr_plural)]
            if all(forms):
                found[f"{msgid}\x00{entry.msgid_plural}"] = "\x00".join(forms)
        elif entry.msgstr:
            found[msgid] = entry.msgstr
    return found


def _welsh_of(root: Path) -> dict[str, str]:
    welsh = {}
    for catalogue in CATALOGUES:
        welsh |= _welsh(polib.pofile(str(root / catalogue / "cy/LC_MESSAGES/django.po")))
    return welsh


def _manage(copy: Path, *args: str) -> None:
    env = {**os.environ, "DEBUG": "true", "PYTHONDONTWRITEBYTECODE": "1"}
    done = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=copy,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr


@pytest.fixture(scope="module")
def copy_after_makemessages(tmp_path_factory) -> Path:
    copy = tmp_path_factory.mktemp("project") / "project"
    shutil.copytree(
        ROOT,
        copy,
        symlinks=True,
        ignore=shutil.ignore_patterns(
            ".venv", ".git", "node_modules", "__pycache__", ".pytest_cache", "*.pyc"
        ),
    )
    _manage(copy, *README_MAKEMESSAGES)
    _manage(copy, "compilemessages", "--ignore=.venv", "--ignore=node_modules")
    return copy


@needs_gettext
def test_makemessages_keeps_every_welsh_translation(copy_after_makemessages):
    before = _welsh_of(ROOT)
    after = _welsh_of(copy_after_makemessages)
    assert len(before) > 300
    lost = {msgid: welsh for msgid, welsh in before.items() if after.get(msgid) != welsh}
    assert not lost, f"makemessages lost or changed these translations: {sorted(lost)}"


@needs_gettext
def test_makemessages_leaves_no_obsolete_entry(copy_after_makemessages):
    for catalogue in CATALOGUES:
        po = polib.pofile(str(copy_after_makemessages / catalogue / "cy/LC_MESSAGES/django.po"))
        obsolete = [entry.msgid for entry in po.obsolete_entries()]
        assert not obsolete, f"{catalogue}: makemessages made these obsolete: {obsolete}"


@needs_gettext
def test_makemessages_does_not_write_to_the_vendor_catalogue(copy_after_makemessages):
    name = "locale_vendor/cy/LC_MESSAGES/django.po"
    assert (copy_after_makemessages / name).read_bytes() == (ROOT / name).read_bytes()


@needs_gettext
def test_compilemessages_ships_every_welsh_translation(copy_after_makemessages):
    for catalogue in CATALOGUES:
        base = copy_after_makemessages / catalogue / "cy/LC_MESSAGES"
        wanted = _welsh(polib.pofile(str(ROOT / catalogue / "cy/LC_MESSAGES/django.po")))
        shipped = _welsh(polib.mofile(str(base / "django.mo")))
        assert wanted.items() <= shipped.items(), catalogue


def test_the_two_catalogues_share_no_msgid():
    """A msgid in both would be taken from locale/ and its twin silently ignored."""
    project, vendor = (
        set(_welsh(polib.pofile(str(ROOT / c / "cy/LC_MESSAGES/django.po")))) for c in CATALOGUES
    )
    assert len(vendor) > 20
    assert not project & vendor


def test_the_libraries_messages_are_welsh_at_run_time():
    from django.contrib.auth.password_validation import (
        CommonPasswordValidator,
        MinimumLengthValidator,
        NumericPasswordValidator,
    )
    from django.core.exceptions import ValidationError
    from rest_framework.exceptions import NotAuthenticated

    with translation.override("cy"):
        assert str(NotAuthenticated().detail) == "Ni roddwyd manylion mewngofnodi."
        messages = []
        for validator, password in (
            (MinimumLengthValidator(min_length=8), "Ab1"),
            (CommonPasswordValidator(), "password"),
            (NumericPasswordValidator(), "12345678"),
        ):
            with pytest.raises(ValidationError) as refused:
                validator.validate(password)
            messages.extend(refused.value.messages)
    assert messages == [
        "Mae'r cyfrinair hwn yn rhy fyr. Rhaid iddo fod yn 8 nod o leiaf.",
        "Mae'r cyfrinair hwn yn rhy gyffredin.",
        "Mae'r cyfrinair hwn yn rhifau yn unig.",
    ]
