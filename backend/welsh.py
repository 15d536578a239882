"""Which of a thing's two names a reader sees: the Welsh one for a Welsh reader, when it has one
(API.md, "Welsh names"). Venues, councils, offers, catalog items and vouchers keep an optional
Welsh twin beside each English name, and ask here which to show."""


def is_welsh(language: str | None) -> bool:
    return (language or "").split("-")[0] == "cy"


def in_language(language: str | None, english: str, welsh: str) -> str:
    """``welsh`` for a Welsh reader when it is set; otherwise ``english``."""
    return welsh if is_welsh(language) and welsh else english


def welsh_help(field: str) -> str:
    """The API schema's description of a ``<field>_cy`` field."""
    return (
        f"Optional: shown instead of `{field}` to Welsh readers (`Accept-Language: cy`, the "
        "reader's choice, or a Welsh or bilingual council's pages and posters)."
    )
