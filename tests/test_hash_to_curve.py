"""RFC 9380 expand_message and hash_to_curve vectors (Appendices J.9.1, K.1, K.2, K.6)."""

from __future__ import annotations

import pytest

from tests.conftest import load_vector
from zkattest.errors import InvalidInputError
from zkattest.hazmat.curve import Backend
from zkattest.hazmat.hash_to_curve import (
    XMD_SHA_256,
    expand_message_xmd,
    expand_message_xof,
    hash_to_field_fp,
)

XMD_FILES = ["expand_message_xmd_SHA256.json", "expand_message_xmd_SHA256_long_dst.json"]


@pytest.mark.parametrize("name", XMD_FILES)
def test_expand_message_xmd_vectors(name: str) -> None:
    data = load_vector(f"rfc9380/{name}")
    assert len(data["vectors"]) == 10
    for case in data["vectors"]:
        out = expand_message_xmd(case["msg"].encode(), data["dst"].encode(), case["len_in_bytes"])
        assert out.hex() == case["uniform_bytes"]


def test_expand_message_xof_shake256_vectors() -> None:
    data = load_vector("rfc9380/expand_message_xof_SHAKE256.json")
    assert len(data["vectors"]) == 10
    for case in data["vectors"]:
        out = expand_message_xof(case["msg"].encode(), data["dst"].encode(), case["len_in_bytes"])
        assert out.hex() == case["uniform_bytes"]


def test_expand_message_rejects_out_of_range_lengths() -> None:
    with pytest.raises(InvalidInputError):
        expand_message_xmd(b"", b"dst", 256 * 32)  # ell > 255
    with pytest.raises(InvalidInputError):
        expand_message_xof(b"", b"dst", 65536)


def _point_bytes(x_hex: str, y_hex: str) -> bytes:
    """The compressed encoding of an affine G1 point given by the RFC's coordinates."""
    from zkattest.hazmat.curve import P

    x, y = int(x_hex, 16), int(y_hex, 16)
    flags = 0x80 | (0x20 if y > (P - 1) // 2 else 0)
    raw = bytearray(x.to_bytes(48, "big"))
    raw[0] |= flags
    return bytes(raw)


def test_hash_to_g1_rfc9380_j91(backend: Backend) -> None:
    data = load_vector("rfc9380/BLS12381G1_XMD_SHA-256_SSWU_RO_.json")
    dst = data["dst"].encode()
    assert len(data["vectors"]) == 5
    for case in data["vectors"]:
        msg = case["msg"].encode()
        u = hash_to_field_fp(msg, 2, dst, XMD_SHA_256)
        assert u == [int(v, 16) for v in case["u"]]
        expected = _point_bytes(case["P"]["x"], case["P"]["y"])
        assert backend.hash_to_g1(msg, dst, XMD_SHA_256).to_bytes() == expected
        # the generic path (hash_to_field, then the backend's map) agrees
        assert backend.map_to_g1(*u).to_bytes() == expected
        assert backend.g1_from_bytes(expected).to_bytes() == expected
