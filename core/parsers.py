"""Request parsers. JSON nested deeper than the interpreter's recursion limit is a client error (400),
not a RecursionError escaping as a 500 (found by tests/reliability/test_abuse_request_limits.py)."""

from rest_framework import parsers
from rest_framework.exceptions import ParseError


class JSONParser(parsers.JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        try:
            return super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise ParseError("JSON parse error - nested too deeply.") from None
