"""JSON Schema fragments of Foursquare's answers, copied from the Places API's published spec
(docs.foursquare.com, OpenAPI for ``X-Places-Api-Version: 2025-06-17``: the ``Place`` schema,
the ``/places/search`` 200 response, Get Place Tips' 200 response (operation ``place-tips``,
``/places/{fsq_place_id}/tips``: a JSON array of tips), and the error body ``{"message": ...}``),
trimmed to the fields the project reads or the fake sends. The fake's every answer is checked
against them (``assert_answers_match_the_spec``), so the fake cannot drift from what Foursquare
serves.

The match and feedback fragments are *not* from the 2025-06-17 spec: ``/places/match`` is not
in it (the fake serves it only when asked to, as some hosts do), and the feedback answers are
the shape the project reads, kept so that the fake stays consistent with itself.
"""

from typing import Any

import jsonschema

_STRING_OR_NULL = {"type": ["string", "null"]}

CATEGORY = {
    "type": "object",
    "properties": {
        "fsq_category_id": {"type": "string"},
        "name": {"type": "string"},
        "short_name": {"type": "string"},
        "plural_name": {"type": "string"},
        "icon": {
            "type": "object",
            "properties": {"prefix": {"type": "string"}, "suffix": {"type": "string"}},
        },
    },
}

PLACE = {
    "type": "object",
    "properties": {
        "fsq_place_id": {"type": "string"},
        "name": {"type": "string"},
        "latitude": {"type": "number"},
        "longitude": {"type": "number"},
        "categories": {"type": "array", "items": CATEGORY},
        "chains": {"type": "array"},
        "date_closed": {"type": "string"},
        "date_created": {"type": "string"},
        "date_refreshed": {"type": "string"},
        "distance": {"type": "integer"},
        "location": {
            "type": "object",
            "properties": {
                "address": {"type": "string"},
                "locality": {"type": "string"},
                "region": {"type": "string"},
                "postcode": {"type": "string"},
                "country": {"type": "string"},
                "formatted_address": {"type": "string"},
            },
        },
        "tel": {"type": "string"},
        "website": {"type": "string"},
        "rating": {"type": "number"},
        "popularity": {"type": "number"},
        "hours": {
            "type": "object",
            "properties": {
                "display": {"type": "string"},
                "is_local_holiday": {"type": "boolean"},
                "open_now": {"type": "boolean"},
                "regular": {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "properties": {
                            "day": {"type": "integer"},
                            "open": {"type": "string"},
                            "close": {"type": "string"},
                        },
                    },
                },
            },
        },
        "stats": {
            "type": "object",
            "properties": {
                "total_photos": {"type": "integer"},
                "total_ratings": {"type": "integer"},
                "total_tips": {"type": "integer"},
            },
        },
    },
}

SEARCH_RESPONSE = {
    "type": "object",
    "required": ["results"],
    "properties": {"results": {"type": "array", "items": PLACE}, "context": {"type": "object"}},
}

# Get Place Tips, 200: "type": "array" of tips (the spec's ``created_at`` is a date-time string;
# its ``fields`` description calls it a UNIX timestamp, and the client reads both).
TIP = {
    "type": "object",
    "properties": {
        "fsq_tip_id": {"type": "string"},
        "created_at": {"type": "string", "format": "date-time"},
        "text": {"type": "string"},
        "url": {"type": "string"},
        "photo": {"type": "object"},
        "lang": {"type": "string"},
        "agree_count": {"type": "integer"},
        "disagree_count": {"type": "integer"},
    },
    "additionalProperties": False,
}
TIPS_RESPONSE = {"type": "array", "items": TIP}

ERROR = {
    "type": "object",
    "required": ["message"],
    "properties": {"message": {"type": "string"}},
    "additionalProperties": False,
}

# Not in the 2025-06-17 spec (see the module's docstring).
MATCH_RESPONSE = {
    "type": "object",
    "properties": {"place": PLACE, "match_score": {"type": "number"}},
}
SUGGESTED_EDITS = {
    "type": "object",
    "properties": {
        "suggested_edits": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["id"],
                "properties": {
                    "id": {"type": "string"},
                    "fsq_place_id": {"type": "string"},
                    "suggested_edit_type": {"type": "string"},
                    "status": {"type": "string"},
                    "created_at": {"type": "string"},
                    "resolved_time": _STRING_OR_NULL,
                },
            },
        },
        "errors": {"type": "array"},
    },
}


def schema_for(method: str, path: str, status: int) -> dict[str, Any]:
    """The fragment an answer to ``method path`` with ``status`` must fit."""
    if status >= 400:
        return ERROR
    if path == "/places/search":
        return SEARCH_RESPONSE
    if path == "/places/match":
        return MATCH_RESPONSE
    if path.endswith("/tips"):
        return TIPS_RESPONSE
    if "/suggest/" in path:
        return SUGGESTED_EDITS
    return PLACE


def assert_answers_match_the_spec(answers: list[dict[str, Any]]) -> None:
    """Every JSON answer the fake gave fits its fragment (a scripted body that is not JSON, sent
    to test the client's handling of garbage, is left out)."""
    for answer in answers:
        if answer["body"] is None:
            continue
        schema = schema_for(answer["method"], answer["path"], answer["status"])
        jsonschema.validate(answer["body"], schema)
