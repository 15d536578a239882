"""The API's JSON parser: DRF's, after a check that the body is not nested absurdly deep.

Python's ``json`` decoder recurses once per level, so ``[[[[...]]]]`` 10,000 deep ends in a
``RecursionError`` (a 500). The depth is measured first, by a flat scan over the brackets outside
string literals (no recursion), and a body deeper than ``JSON_MAX_DEPTH`` is a 400 ``invalid``.

JSON may also escape half of a UTF-16 surrogate pair alone (``"\ud800"``): Python decodes it to
a string that cannot be encoded as UTF-8, so it fails later, wherever it is written (the
database, an error message quoting it, the log): a 500. Such a body is a 400 ``invalid`` here.
"""

import codecs
import re
from itertools import accumulate

from django.conf import settings
from django.utils.translation import gettext as _
from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser
from rest_framework.utils import json

# A JSON string literal (escapes included); what is inside one is never structure.
_STRING = re.compile(r'"(?:[^"\\]|\\.)*"', re.DOTALL)
_NOT_BRACKET = re.compile(r"[^\[\]{}]+")
_STEP = {"[": 1, "{": 1, "]": -1, "}": -1}


def json_depth(text: str) -> int:
    """How deep the arrays and objects of ``text`` nest (0 for a scalar); no recursion."""
    brackets = _NOT_BRACKET.sub("", _STRING.sub("", text))
    return max(accumulate(_STEP[char] for char in brackets), default=0)


class DepthLimitedJSONParser(JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        encoding = (parser_context or {}).get("encoding", settings.DEFAULT_CHARSET)
        try:
            text = codecs.decode(stream.read() if stream is not None else b"", encoding)
        except (UnicodeDecodeError, LookupError) as exc:
            raise ParseError(_("JSON parse error - %(error)s") % {"error": exc}) from exc
        limit = settings.JSON_MAX_DEPTH
        if json_depth(text) > limit:
            raise ParseError(
                _("The JSON body is nested too deep (at most %(limit)s levels).") % {"limit": limit}
            )
        parse_constant = json.strict_constant if self.strict else None
        try:
            data = json.loads(text, parse_constant=parse_constant)
        except ValueError as exc:
            raise ParseError(_("JSON parse error - %(error)s") % {"error": exc}) from exc
        if "\\u" in text:  # only an escape can make a lone surrogate (the text was decoded)
            try:
                json.dumps(data, ensure_ascii=False).encode("utf-8")
            except UnicodeEncodeError as exc:
                raise ParseError(
                    _("The JSON body holds a lone UTF-16 surrogate, which is not text.")
                ) from exc
        return data
