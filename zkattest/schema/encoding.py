"""The typed BBS Interface's identifier, and the canonical JSON that is hashed.

Credentials of zkattest's typed schemas (:mod:`zkattest.schema.types`) form a
BBS Interface in the sense of draft-irtf-cfrg-bbs-signatures-09 §6
("Defining New Interfaces"), with its own ``api_id`` (:func:`typed_api_id`):
the generators come from the draft's ``create_generators`` under that
``api_id``, the messages from the typed map of the attribute types, and text
is hashed to a scalar under :func:`text_to_scalar_dst`.

Schemas and circuits are identified by the SHA-256 of their definition in
:func:`canonical_json`.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Final

from zkattest.errors import InvalidInputError
from zkattest.hazmat.bbs.ciphersuites import Ciphersuite

__all__ = ["TYPED_INTERFACE_ID", "canonical_json", "text_to_scalar_dst", "typed_api_id"]

#: What follows ``ciphersuite_id`` in :func:`typed_api_id`: the draft's
#: ``CREATE_GENERATORS_ID`` ``"H2G_"`` and our ``MAP_TO_SCALAR_ID``.
TYPED_INTERFACE_ID: Final = b"H2G_" + b"ZKATTEST-TYPED-V1_"


def typed_api_id(suite: Ciphersuite) -> bytes:
    """The ``api_id`` of zkattest's typed BBS Interface for ``suite``.

    ``api_id = ciphersuite_id || "H2G_" || "ZKATTEST-TYPED-V1_"``, the format
    draft-irtf-cfrg-bbs-signatures-09 §6 recommends,
    ``ciphersuite_id || CREATE_GENERATORS_ID || MAP_TO_SCALAR_ID || ADD_INFO``:
    ``"H2G_"`` is the draft's ``create_generators`` (§4.1.1), and
    ``"ZKATTEST-TYPED-V1_"`` identifies the typed map of
    :mod:`zkattest.schema.types`, with an empty ``ADD_INFO``. Read instead as
    an empty ``MAP_TO_SCALAR_ID`` followed by
    ``ADD_INFO = "ZKATTEST-TYPED-V1_"``, it still meets the rule for
    ``ADD_INFO`` (ASCII 0x21-0x7e, ending with its only underscore). It
    differs from the draft's BBS Signatures Interface (``"H2G_HM2S_"``), so
    typed credentials have their own generators and a signature made under
    one interface never verifies under the other.
    """
    if not isinstance(suite, Ciphersuite):
        raise InvalidInputError("suite must be BLS12_381_SHA_256 or BLS12_381_SHAKE_256")
    return suite.ciphersuite_id + TYPED_INTERFACE_ID


def text_to_scalar_dst(suite: Ciphersuite) -> bytes:
    """``api_id || "MAP_TEXT_TO_SCALAR_AS_HASH_"``: the DST that hashes text attributes."""
    return typed_api_id(suite) + b"MAP_TEXT_TO_SCALAR_AS_HASH_"


def canonical_json(value: object) -> bytes:
    """Canonical JSON: sorted keys, no whitespace, UTF-8, no floats.

    The form hashed for schemas (:attr:`Schema.schema_hash`) and circuits.
    """
    _reject_floats(value)
    return json.dumps(
        value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    ).encode("utf-8")


def _reject_floats(value: object) -> None:
    if isinstance(value, float):
        raise InvalidInputError("canonical JSON has no floating-point numbers")
    if isinstance(value, Mapping):
        for item in value.values():
            _reject_floats(item)
    elif isinstance(value, (list, tuple)):
        for item in value:
            _reject_floats(item)
