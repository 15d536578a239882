"""drf-spectacular postprocessing: what the generated schema needs beyond the views' own words.

Adds the response headers' components (``backend/openapi.py`` refers to them).
"""

from backend.openapi import HEADERS


def add_header_components(result, generator, request, public):
    components = result.setdefault("components", {})
    components["headers"] = {name.replace("-", ""): spec for name, spec in HEADERS.items()}
    return result
