"""The OpenAPI schema's shared parts: the error envelope and the errors every operation can answer.

Every operation can answer 400 (a malformed query, e.g. a NUL byte), 401 (a token that is not
valid), 403 (no right, or a session request without its CSRF token) and 404 (an unknown
community or object), always in the envelope of `hromada.core.api.errors`. Operations that
describe these answers themselves keep their own description.
"""

from __future__ import annotations

from typing import Any

ERROR_ENVELOPE = "Errors"
GENERIC_ERRORS = {
    "400": "Bad input (`invalid`, `required`, ...; `field` names the parameter).",
    "401": "`not_authenticated` or `authentication_failed`: no valid token or session.",
    "403": "`permission_denied`: the caller has no right to do this.",
    "404": "`not_found`: no such community or object.",
}
ENVELOPE_SCHEMA: dict[str, Any] = {
    "type": "object",
    "description": "The error envelope of every API answer that is not a success.",
    "properties": {"errors": {"type": "array", "items": {
        "type": "object",
        "properties": {
            "code": {"type": "string", "description": "Stable error code."},
            "message": {"type": "string", "description": "Explanation in the request's language."},
            "field": {"type": "string", "nullable": True, "description": "The input field, if one is at fault."},
        },
        "required": ["code", "message", "field"],
    }}},
    "required": ["errors"],
}


def add_error_responses(result: dict[str, Any], generator: Any, request: Any, public: bool) -> dict[str, Any]:
    """drf-spectacular postprocessing hook: document the generic error answers of every operation."""
    result.setdefault("components", {}).setdefault("schemas", {})[ERROR_ENVELOPE] = ENVELOPE_SCHEMA
    reference = {"application/json": {"schema": {"$ref": f"#/components/schemas/{ERROR_ENVELOPE}"}}}
    for path_item in result.get("paths", {}).values():
        for operation in path_item.values():
            responses = operation.setdefault("responses", {})
            for status, description in GENERIC_ERRORS.items():
                responses.setdefault(status, {"content": reference, "description": description})
            operation["responses"] = dict(sorted(responses.items()))
    return result
