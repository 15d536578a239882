"""drf-spectacular postprocessing: what the generated schema needs beyond the views' own words.

- the response headers' components (``backend/openapi.py`` refers to them);
- each operation's summary, and a description where its view has none (``operations.py``);
- an example of every request body and every answer (success and each error status), made
  from the schema itself (``example_of``): realistic values by field name and format, always
  valid against the schema they illustrate (``tests/backend/test_api_docs.py`` checks them
  with a JSON Schema validator, and Spectral's ``oas3-valid-media-example`` too). A view's own
  ``OpenApiExample`` wins.
"""

import uuid
from typing import Any

from api_docs.operations import DESCRIPTIONS, SUMMARIES, TAGS
from backend.openapi import HEADERS

# A value for a string by its field's name, then by its format (first match wins).
_STRING_BY_NAME = {
    "access": "eyJhbGciOiJIUzI1NiJ9.eyJ0b2tlbl90eXBlIjoiYWNjZXNzIn0.c2lnbmF0dXJl",
    "refresh": "eyJhbGciOiJIUzI1NiJ9.eyJ0b2tlbl90eXBlIjoicmVmcmVzaCJ9.c2lnbmF0dXJl",
    "token": "u2FWP0e9UeOnKvgVrYpTal6jL2AkTbcovMEFBKCYSWn0sJSjJ0dx5__BNIBtcCN_L-1oKr54tm8E",
    "qr_token": "u2FWP0e9UeOnKvgVrYpTal6jL2AkTbcovMEFBKCYSWn0sJSjJ0dx5__BNIBtcCN_L-1oKr54tm8E",
    "password": "correct-horse-battery-staple",
    "display_name": "Rosa",
    "author_display_name": "Rosa",
    "visitor": "Rosa",
    "name": "Leeds Central Library",
    "name_cy": "Llyfrgell Ganolog Leeds",
    "title": "Free hot drink",
    "voucher_title": "Free hot drink",
    "label": "Main entrance",
    "address": "Calverley Street, Leeds",
    "postcode": "LS1 3AB",
    "slug": "leeds-central-library",
    "council": "leeds",
    "body": "Lovely quiet reading room and helpful staff.",
    "reason": "Personal details of someone else",
    "memo": "Check-in at Leeds Central Library",
    "detail": "A sentence for people, in the reader's language.",
    "code": "K7QM-3XHD",
    "stripe_coupon_id": "SWIM50",
    "description": "",
    "error": "",
    "language": "en-gb",
}
_STRING_BY_FORMAT = {
    "date-time": "2026-12-06T14:40:21Z",
    "date": "2026-12-06",
    "email": "rosa@example.org",
    "uri": "https://checkins.example.gov.uk/q/u2FWP0e9UeOnKvgVrYpTal6jL2",
    "uuid": None,  # derived from the field's name, so one id reads the same everywhere
}
_NUMBER_BY_NAME = {
    "latitude": 53.8008,
    "longitude": -1.5491,
    "accuracy_m": 12.0,
    "distance_m": 38.2,
    "radius_m": 100,
    "retry_after": 5400,
    "points": 10,
    "points_earned": 10,
    "points_balance": 120,
    "cost_points": 50,
    "amount": 10,
    "balance_after": 120,
    "count": 1,
    "rating": 5,
    "average_rating": 4.5,
}
# What an error example carries besides its code, by code.
_ERROR_EXTRAS = {
    "invalid": {"fields": {"email": ["Enter a valid email address."]}},
    "cooldown": {"retry_after": 5400},
    "outside_geofence": {"distance_m": 212.4},
}


def add_header_components(result, generator, request, public):
    components = result.setdefault("components", {})
    components["headers"] = {name.replace("-", ""): spec for name, spec in HEADERS.items()}
    return result


def add_summaries_and_examples(result, generator, request, public):
    """Summaries, descriptions and examples of every operation, and the tags they use."""
    components = result.get("components", {}).get("schemas", {})
    used_tags = sorted(
        {
            tag
            for operations in result.get("paths", {}).values()
            for operation in operations.values()
            if isinstance(operation, dict)
            for tag in operation.get("tags", [])
        }
    )
    result["tags"] = [{"name": tag, "description": TAGS.get(tag, tag)} for tag in used_tags]
    for operations in result.get("paths", {}).values():
        for operation in operations.values():
            if not isinstance(operation, dict) or "operationId" not in operation:
                continue
            operation_id = operation["operationId"]
            if operation_id in SUMMARIES:
                operation.setdefault("summary", SUMMARIES[operation_id])
            if not operation.get("description") and operation_id in DESCRIPTIONS:
                operation["description"] = DESCRIPTIONS[operation_id]
            body = operation.get("requestBody", {}).get("content", {})
            for content in body.values():
                _add_example(content, components)
            for status, response in operation.get("responses", {}).items():
                for content in response.get("content", {}).values():
                    _add_example(content, components, error=status >= "400")
    return result


def _add_example(content: dict, components: dict, *, error: bool = False) -> None:
    if "example" in content or "examples" in content or "schema" not in content:
        return
    schema = content["schema"]
    if "contentMediaType" in schema and "type" not in schema:
        return  # raw bytes (a PNG, a PDF)
    example = example_of(schema, components)
    if error and isinstance(example, dict) and "code" in example:
        extras = _ERROR_EXTRAS.get(example["code"], {})
        example = {"code": example["code"], "detail": example["detail"], **extras}
    content["example"] = example


def example_of(schema: dict, components: dict, name: str = "", depth: int = 0) -> Any:
    """A value valid against ``schema`` (a resolved OpenAPI 3.1 schema), realistic by name."""
    if depth > 12:
        return None
    if "$ref" in schema:
        target = components[schema["$ref"].rsplit("/", 1)[-1]]
        return example_of(
            {**target, **{k: v for k, v in schema.items() if k != "$ref"}},
            components,
            name,
            depth + 1,
        )
    if "example" in schema:
        return schema["example"]
    if "const" in schema:
        return schema["const"]
    if "enum" in schema:
        return next((value for value in schema["enum"] if value is not None), None)
    if "allOf" in schema:
        merged: Any = None
        for part in schema["allOf"]:
            value = example_of(part, components, name, depth + 1)
            merged = (
                {**merged, **value}
                if isinstance(merged, dict) and isinstance(value, dict)
                else value
            )
        return merged
    for key in ("oneOf", "anyOf"):
        if key in schema:
            branches = [b for b in schema[key] if b.get("type") != "null"] or schema[key]
            # a blank-allowed field's branches: the non-empty one reads better
            branches.sort(key=lambda branch: branch.get("maxLength") == 0)
            return example_of(branches[0], components, name, depth + 1)
    kind = schema.get("type")
    if isinstance(kind, list):
        kind = next((k for k in kind if k != "null"), "null")
    if kind == "object" or "properties" in schema:
        value = {
            prop: example_of(sub, components, prop, depth + 1)
            for prop, sub in schema.get("properties", {}).items()
        }
        extra = schema.get("additionalProperties")
        if not value and isinstance(extra, dict):
            value = {"section": example_of(extra, components, "section", depth + 1)}
        return value
    if kind == "array":
        item = example_of(schema.get("items", {}), components, name, depth + 1)
        return [item] * max(schema.get("minItems", 1), 1)
    if kind == "boolean":
        return True
    if kind in ("integer", "number"):
        return _number(schema, name, kind)
    if kind == "string":
        return _string(schema, name)
    return None


def _number(schema: dict, name: str, kind: str) -> int | float:
    value = _NUMBER_BY_NAME.get(name, 3 if kind == "integer" else 1.5)
    low = schema.get("minimum", schema.get("exclusiveMinimum"))
    high = schema.get("maximum", schema.get("exclusiveMaximum"))
    if low is not None and value <= low:
        value = low + (1 if "exclusiveMinimum" in schema else 0)
    if high is not None and value >= high:
        value = high - (1 if "exclusiveMaximum" in schema else 0)
    return int(value) if kind == "integer" else float(value)


def _string(schema: dict, name: str) -> str:
    fmt = schema.get("format")
    if schema.get("pattern") == "^[2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{4}$":
        value = "K7QM-P3XH"
    elif fmt == "uuid":
        value = str(uuid.uuid5(uuid.NAMESPACE_URL, f"checkins/{name or 'id'}"))
    elif fmt in _STRING_BY_FORMAT:
        value = _STRING_BY_FORMAT[fmt]
    elif name in _STRING_BY_NAME:
        value = _STRING_BY_NAME[name]
    else:
        value = name.replace("_", " ") if name else "text"
    if "pattern" in schema and value == (name.replace("_", " ") if name else "text"):
        value = "text"
    minimum, maximum = schema.get("minLength", 0), schema.get("maxLength")
    if len(value) < minimum:
        value = value + "x" * (minimum - len(value))
    if maximum is not None:
        value = value[:maximum]
    return value
