"""The JSON codec every wire type of zkattest shares (credentials, keys,
challenges, presentations, the service's receipt key file and API times).

One envelope (a JSON object with our ``type`` and integer ``version``, no
floats, at most 256 KiB, UTF-8), exact field sets, lower-case hex and UTC times
to the second (``2026-01-01T00:00:00Z``). Errors are :class:`DecodeError`
naming the field, never echoing the value.
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from collections.abc import Mapping
from typing import Any

from zkattest.errors import DecodeError

__all__ = [
    "FORMAT_VERSION",
    "check_json_object",
    "date_text",
    "hex_bytes",
    "parse_date",
    "parse_json_object",
    "parse_utc",
    "parse_uuid",
    "require_fields",
    "utc_text",
]

#: The ``version`` of every JSON document zkattest writes.
FORMAT_VERSION = 1
_MAX_JSON_BYTES = 256 * 1024


def parse_json_object(text: str | bytes, expected_type: str) -> dict[str, Any]:
    """Parse a JSON object of our ``type`` and ``version``; refuse anything else clearly."""
    if isinstance(text, bytes):
        if len(text) > _MAX_JSON_BYTES:
            raise DecodeError("JSON document too large")
        try:
            text = text.decode("utf-8")
        except UnicodeDecodeError:
            raise DecodeError("JSON document is not UTF-8") from None
    if not isinstance(text, str):
        raise DecodeError("JSON document must be text")
    if len(text) > _MAX_JSON_BYTES:
        raise DecodeError("JSON document too large")
    try:
        obj = json.loads(text, parse_float=_no_float, parse_constant=_no_float)
    except DecodeError as exc:  # a float, refused by _no_float
        raise DecodeError(f"not valid JSON: {exc}") from None
    except json.JSONDecodeError as exc:  # the position, never the text around it
        raise DecodeError(
            f"not valid JSON: {exc.msg} at line {exc.lineno} column {exc.colno}"
        ) from None
    except (ValueError, RecursionError) as exc:  # too many digits, too deeply nested
        raise DecodeError(f"not valid JSON: {exc.__class__.__name__}") from None
    return check_json_object(obj, expected_type)


def check_json_object(obj: object, expected_type: str) -> dict[str, Any]:
    """``obj`` if it is a JSON object of our ``type`` and ``version``."""
    if not isinstance(obj, dict):
        raise DecodeError(f"{expected_type}: expected a JSON object")
    if obj.get("type") != expected_type:
        raise DecodeError(f"expected a {expected_type!r} document")
    version = obj.get("version")
    if type(version) is not int or version != FORMAT_VERSION:  # not True, not 1.0
        raise DecodeError(f"{expected_type}: unsupported version")
    return obj


def _no_float(value: str) -> Any:
    raise DecodeError("floating-point numbers are not accepted")


def require_fields(obj: Mapping[str, Any], required: set[str], what: str) -> None:
    """Exactly these keys: name the missing and the unknown ones."""
    keys = set(obj)
    if keys != required:
        missing, extra = sorted(required - keys), sorted(keys - required)
        raise DecodeError(f"{what}: missing fields {missing}, unknown fields {extra}")


def hex_bytes(value: object, what: str, length: int | None = None) -> bytes:
    """Bytes from lower-case hex without separators (exactly ``length`` of them, if given)."""
    if not isinstance(value, str):
        raise DecodeError(f"{what} must be a hex string")
    if length is not None and len(value) != 2 * length:
        raise DecodeError(f"{what} must be {length} bytes of lower-case hex")
    try:
        raw = bytes.fromhex(value)
    except ValueError:
        raise DecodeError(f"{what} is not valid hex") from None
    if value != raw.hex():
        raise DecodeError(f"{what} must be lower-case hex without separators")
    return raw


def utc_text(value: dt.datetime) -> str:
    """RFC 3339 in UTC, to the second: ``2026-01-01T00:00:00Z``."""
    return value.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_utc(value: object, what: str) -> dt.datetime:
    """The inverse of :func:`utc_text` (that exact form only)."""
    if not isinstance(value, str) or not value.endswith("Z") or len(value) != 20:
        raise DecodeError(f"{what} must be an RFC 3339 UTC time such as 2026-01-01T00:00:00Z")
    try:
        return dt.datetime.strptime(value, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=dt.UTC)
    except ValueError:
        raise DecodeError(f"{what} is not a valid time") from None


def date_text(value: dt.date) -> str:
    return value.isoformat()


def parse_date(value: object, what: str) -> dt.date:
    """A ``YYYY-MM-DD`` date."""
    if not isinstance(value, str) or len(value) != 10:
        raise DecodeError(f"{what} must be a YYYY-MM-DD date")
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise DecodeError(f"{what} is not a valid date") from None


def parse_uuid(value: object, what: str) -> uuid.UUID:
    """A UUID given in its canonical text (lower-case hex, hyphens)."""
    try:
        if isinstance(value, str) and str(uuid.UUID(value)) == value:
            return uuid.UUID(value)
    except ValueError:
        pass
    raise DecodeError(f"{what} must be a UUID in canonical lower-case form")
