"""Every sentence the project shows people is marked for translation, so it can be Welsh: the
messages of errors and refusals (the API's envelope, forms, the back office's notices), and the
names Django's admin shows (model and field names, help texts, column and action names, form
labels). Read from the source with ``ast``: a plain string or f-string with a space in it, where
a marked one belongs, fails here with its file and line.

Left out on purpose: management commands, system checks and the internal errors of the ledger
and the Foursquare client (read by the operator in logs and a terminal, in English), and the
API's serializers and views and the schema's declarations, whose ``help_text`` and
``description`` document the OpenAPI schema for developers."""

import ast
from pathlib import Path

from django.conf import settings

# Exceptions and calls whose message people read.
MESSAGE_CALLS = {
    "ApplicationError",
    "ValidationError",
    "PermissionDenied",
    "NotFound",
    "ParseError",
    "ImportFileError",
    "message_user",
    "add_error",
}
# django.contrib.messages' calls (``messages.error(request, ...)``), not a logger's.
MESSAGES_LEVELS = {"debug", "info", "success", "warning", "error"}
# Keyword arguments (and Meta/ModelAdmin attributes) whose value people read.
NAME_KEYWORDS = {
    "verbose_name",
    "verbose_name_plural",
    "help_text",
    "description",
    "label",
    "empty_label",
    "empty_value_display",
    "short_description",
}
SKIPPED_PARTS = {".venv", "tests", "migrations", "bench", "tools", "management", "node_modules"}
SKIPPED_NAMES = {"checks.py", "settings.py", "openapi.py"}
# Files whose names (help texts, labels) document the API's schema: only their messages count.
SCHEMA_FILES = {"apis.py", "serializers.py"}
# The schema's own documentation (drf-spectacular), wherever a view declares it.
SCHEMA_CALLS = ("OpenApi", "extend_schema", "inline_serializer")


def project_files() -> list[Path]:
    base = Path(settings.BASE_DIR)
    return [
        path
        for path in base.glob("**/*.py")
        if not SKIPPED_PARTS & set(path.relative_to(base).parts) and path.name not in SKIPPED_NAMES
    ]


def is_sentence(node) -> bool:
    """A literal people would read: an f-string, or a string with a space or a capital."""
    if isinstance(node, ast.JoinedStr):
        return True
    return (
        isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and any(character.isalpha() for character in node.value)
        and (" " in node.value.strip() or node.value[:1].isupper())
    )


def literals(node) -> list:
    """``node``, or the values inside it when it is a dict, list or tuple of messages."""
    if isinstance(node, ast.Dict):
        return [literal for value in node.values for literal in literals(value)]
    if isinstance(node, ast.DictComp):
        return literals(node.value)
    if isinstance(node, ast.List | ast.Tuple):
        return [literal for value in node.elts for literal in literals(value)]
    return [node]


def unmarked(source: str, *, names: bool = True) -> list[tuple[int, str]]:
    """(line, source) of each unmarked sentence; ``names``: check names and help texts too."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Call):
            name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
            if (name or "").startswith(SCHEMA_CALLS):
                continue
            values = [k.value for k in node.keywords if names and k.arg in NAME_KEYWORDS]
            on_messages = getattr(getattr(node.func, "value", None), "id", None) == "messages"
            if name in MESSAGE_CALLS or (on_messages and name in MESSAGES_LEVELS):
                values += node.args + [
                    k.value for k in node.keywords if k.arg in ("message", "detail")
                ]
            found += [
                (literal.lineno, ast.unparse(literal))
                for value in values
                for literal in literals(value)
                if is_sentence(literal)
            ]
        elif names and isinstance(node, ast.Assign) and is_sentence(node.value):
            targets = [getattr(target, "id", None) for target in node.targets]
            if NAME_KEYWORDS & set(targets):
                found.append((node.lineno, ast.unparse(node.value)))
    return found


def test_the_finder_sees_plain_and_marked_strings():
    source = (
        'raise ApplicationError("invalid", "Some fields are invalid.")\n'
        'raise ApplicationError("invalid", _("Some fields are invalid."))\n'
        'name = models.CharField(verbose_name="name in Welsh", max_length=9)\n'
        'name = models.CharField(verbose_name=_("name in Welsh"), max_length=9)\n'
        'self.message_user(request, f"{n} sent.")\n'
        "class Meta:\n    verbose_name = 'venue'\n    verbose_name_plural = 'the venues'\n"
        "raise ApplicationError(error_codes.INVALID, message)\n"
    )
    assert [line for line, _text in unmarked(source)] == [1, 3, 5, 8]


def test_every_sentence_people_read_is_marked_for_translation():
    base = Path(settings.BASE_DIR)
    found = [
        f"{path.relative_to(base)}:{line}: {text[:80]}"
        for path in project_files()
        for line, text in unmarked(path.read_text(), names=path.name not in SCHEMA_FILES)
    ]
    assert not found, "Not marked for translation:\n" + "\n".join(sorted(found))
