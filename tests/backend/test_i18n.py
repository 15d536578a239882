"""The Welsh catalogue: every string marked for translation in the project's code and templates
has a Welsh translation, and the committed ``.mo`` says what its ``.po`` says (so `make run`
needs no gettext tools). The strings are found in Python alone (tokenize, and Django's own
``templatize`` for templates), as ``makemessages`` finds them, without GNU xgettext."""

import io
import tokenize
from pathlib import Path

import polib
from django.conf import settings
from django.utils.translation.template import templatize

ROOT = Path(settings.BASE_DIR)
APPS = ["accounts", "backend", "checkins", "residents", "rewards", "venues", "insight"]
CATALOGUE = ROOT / "locale" / "cy" / "LC_MESSAGES" / "django.po"
SINGULAR = {"_", "gettext", "gettext_lazy", "gettext_noop", "pgettext", "pgettext_lazy"}
PLURAL = {"ngettext", "ngettext_lazy", "npgettext", "npgettext_lazy"}


def _string_args(tokens: list, start: int) -> list[str]:
    """The string literals of the call whose "(" is at ``start``: each argument's adjacent
    literals joined, as Python joins them; stops at the first argument that is not one."""
    args, parts, depth = [], [], 0
    for token in tokens[start:]:
        if token.type in (tokenize.NL, tokenize.NEWLINE, tokenize.COMMENT):
            continue
        if token.string == "(":
            depth += 1
            continue
        if depth == 1 and token.type == tokenize.STRING:
            parts.append(eval(token.string))  # a literal from our own source
            continue
        if depth == 1 and token.string in (",", ")") and parts:
            args.append("".join(parts))
            parts = []
        if token.string == ")" or not (depth == 1 and token.string == ","):
            break
    return args


def marked_strings(source: str) -> set[str]:
    """The msgids that ``gettext``-family calls in ``source`` (Python) ask for."""
    tokens = list(tokenize.generate_tokens(io.StringIO(source).readline))
    found = set()
    for index, token in enumerate(tokens[:-1]):
        name = token.string
        if token.type != tokenize.NAME or tokens[index + 1].string != "(":
            continue
        if name in SINGULAR | PLURAL:
            args = _string_args(tokens, index + 1)
            if name.startswith("p") or name.startswith("np"):
                args = args[1:]
            found.update(args[: 2 if name in PLURAL else 1])
    return found


def project_msgids() -> set[str]:
    msgids = set()
    for app in APPS:
        for path in (ROOT / app).rglob("*"):
            if "migrations" in path.parts or path.suffix not in (".py", ".html", ".txt"):
                continue
            source = path.read_text(encoding="utf-8")
            if path.suffix != ".py":
                if "{% load i18n" not in source and "i18n %}" not in source:
                    continue
                source = templatize(source, origin=str(path))
            msgids |= marked_strings(source)
    return msgids


def translated(entry: polib.POEntry) -> bool:
    if entry.obsolete or "fuzzy" in entry.flags:
        return False
    if entry.msgid_plural:
        return bool(entry.msgstr_plural) and all(entry.msgstr_plural.values())
    return bool(entry.msgstr.strip())


def test_the_finder_sees_python_and_template_strings():
    assert marked_strings('x = _("a" "b")\ny = ngettext("one", "many", n)') == {"ab", "one", "many"}
    template = '{% load i18n %}<p>{% translate "Hello" %}</p>'
    assert marked_strings(templatize(template)) == {"Hello"}


def test_every_string_marked_for_translation_has_a_welsh_translation():
    catalogue = polib.pofile(str(CATALOGUE))
    done = {entry.msgid for entry in catalogue if translated(entry)}
    done |= {entry.msgid_plural for entry in catalogue if translated(entry) and entry.msgid_plural}
    wanted = project_msgids()
    assert len(wanted) > 100
    missing = sorted(wanted - done)
    assert not missing, (
        "Not translated into Welsh (manage.py makemessages -l cy, translate, compilemessages): "
        f"{missing}"
    )


def test_the_compiled_catalogue_matches_its_source():
    for po_path in ROOT.glob("locale*/*/LC_MESSAGES/django.po"):
        source = polib.pofile(str(po_path))
        compiled = polib.mofile(str(po_path.with_suffix(".mo")))
        wanted = {(e.msgid, e.msgstr or str(e.msgstr_plural)) for e in source if translated(e)}
        shipped = {
            (e.msgid, e.msgstr or str(e.msgstr_plural))
            for e in compiled
            if e.msgid  # the header
        }
        assert wanted == shipped, f"{po_path.with_suffix('.mo')} is stale: compilemessages"


def test_welsh_counts_take_the_mutation_their_number_causes():
    """The catalogue's plural rule is CLDR's for Welsh (zero, one, two, few = 3, many = 6,
    other): the forms the mutations need. After 2 the noun takes the soft mutation, after 3
    (masculine *tri*) and 6 (*chwe*) the aspirate one; other numbers leave it alone."""
    from django.utils import translation

    with translation.override("cy"):
        said = {
            n: translation.ngettext("%(count)s point", "%(count)s points", n) % {"count": n}
            for n in (0, 1, 2, 3, 4, 5, 6, 7, 8, 11, 20)
        }
    assert said == {
        0: "0 pwynt",
        1: "1 pwynt",
        2: "2 bwynt",
        3: "3 phwynt",
        4: "4 pwynt",
        5: "5 pwynt",
        6: "6 phwynt",
        7: "7 pwynt",
        8: "8 pwynt",
        11: "11 pwynt",
        20: "20 pwynt",
    }


# Nouns after a number in the catalogue and their forms after 2, 3 and 6 (masculine nouns take
# *tri*, which causes the aspirate mutation; feminine ones *tair*, which causes none).
MUTATED_AFTER = {
    "pwynt": {2: "bwynt", 3: "phwynt", 6: "phwynt"},
    "preswylydd": {2: "breswylydd", 3: "phreswylydd", 6: "phreswylydd"},
    "taleb": {2: "daleb", 3: "taleb", 6: "thaleb"},
    "cynnig": {2: "gynnig", 3: "chynnig", 6: "chynnig"},
    "diwrnod": {2: "ddiwrnod", 3: "diwrnod", 6: "diwrnod"},
    "munud": {2: "funud", 3: "munud", 6: "munud"},
    "gwobr": {2: "wobr", 3: "gwobr", 6: "gwobr"},
    "canlyniad": {2: "ganlyniad", 3: "chanlyniad", 6: "chanlyniad"},
    "person": {2: "berson", 3: "pherson", 6: "pherson"},
    "poster": {2: "boster", 3: "phoster", 6: "phoster"},
    "cod": {2: "god", 3: "chod", 6: "chod"},
}


def test_every_welsh_count_in_the_catalogue_mutates_its_noun():
    import re

    catalogue = polib.pofile(str(settings.BASE_DIR / "locale/cy/LC_MESSAGES/django.po"))
    assert catalogue.metadata["Plural-Forms"].startswith("nplurals=6;")
    wrong = []
    for entry in catalogue:
        if not entry.msgid_plural:
            continue
        forms = entry.msgstr_plural
        assert len(forms) == 6, entry.msgid
        for noun, after in MUTATED_AFTER.items():
            if not re.search(rf"%\(\w+\)[sd](</strong>)?\s+{noun}\b", forms[5]):
                continue
            for form, number in ((2, 2), (3, 3), (4, 6)):
                if not re.search(rf"%\(\w+\)[sd](</strong>)?\s+{after[number]}\b", forms[form]):
                    wrong.append((entry.msgid, number, forms[form]))
    assert not wrong, wrong
