"""BBS ciphersuites, draft-irtf-cfrg-bbs-signatures-09 §7.

A ciphersuite is a frozen object holding its identifier, ``api_id`` and every
domain-separation tag. The two BLS12-381 suites differ only in those values
and in the hash-to-curve suite (``expand_message_xmd`` with SHA-256, or
``expand_message_xof`` with SHAKE-256); curve, lengths and encodings are
shared.
"""

from __future__ import annotations

from dataclasses import dataclass

from zkattest.errors import InvalidInputError
from zkattest.hazmat.curve import R
from zkattest.hazmat.hash_to_curve import XMD_SHA_256, XOF_SHAKE_256, HashToCurveSuite

__all__ = ["BLS12_381_SHAKE_256", "BLS12_381_SHA_256", "SUITES", "Ciphersuite"]


@dataclass(frozen=True)
class Ciphersuite:
    """Parameters of one BBS ciphersuite (draft §7.1), with every DST spelled out."""

    name: str
    ciphersuite_id: bytes
    hash_to_curve_suite: HashToCurveSuite
    #: ``ciphersuite_id || "H2G_HM2S_"``: the BBS Signatures Interface of draft §3.4.
    api_id: bytes
    #: KeyGen's default ``key_dst``: ``ciphersuite_id || "KEYGEN_DST_"`` (draft §3.3.1).
    keygen_dst: bytes
    #: ``api_id || "H2S_"``: domain, signature ``e`` and challenge (draft §4.2.2).
    hash_to_scalar_dst: bytes
    #: ``api_id || "MAP_MSG_TO_SCALAR_AS_HASH_"`` (draft §4.1.2).
    map_msg_to_scalar_dst: bytes
    #: The seed and DSTs from which the fixed point P1 is created (draft §7.2).
    p1_generator_seed: bytes
    p1_seed_dst: bytes
    p1_generator_dst: bytes
    octet_scalar_length: int = 32
    octet_point_length: int = 48
    expand_len: int = 48

    def expand_message(self, msg: bytes, dst: bytes, len_in_bytes: int) -> bytes:
        """The suite's expand_message (RFC 9380 §5.3)."""
        return self.hash_to_curve_suite.expand_message(msg, dst, len_in_bytes)

    def hash_to_scalar(self, msg_octets: bytes, dst: bytes) -> int:
        """hash_to_scalar, draft §4.2.2."""
        if len(dst) > 255:
            raise InvalidInputError("hash_to_scalar: the DST is longer than 255 bytes")
        uniform_bytes = self.expand_message(msg_octets, dst, self.expand_len)
        return int.from_bytes(uniform_bytes, "big") % R

    def __repr__(self) -> str:
        return f"Ciphersuite({self.name})"


def _suite(name: str, h2c: HashToCurveSuite) -> Ciphersuite:
    ciphersuite_id = b"BBS_" + h2c.suite_id
    api_id = ciphersuite_id + b"H2G_HM2S_"
    return Ciphersuite(
        name=name,
        ciphersuite_id=ciphersuite_id,
        hash_to_curve_suite=h2c,
        api_id=api_id,
        keygen_dst=ciphersuite_id + b"KEYGEN_DST_",
        hash_to_scalar_dst=api_id + b"H2S_",
        map_msg_to_scalar_dst=api_id + b"MAP_MSG_TO_SCALAR_AS_HASH_",
        p1_generator_seed=ciphersuite_id + b"H2G_HM2S_BP_MESSAGE_GENERATOR_SEED",
        p1_seed_dst=ciphersuite_id + b"H2G_HM2S_SIG_GENERATOR_SEED_",
        p1_generator_dst=ciphersuite_id + b"H2G_HM2S_SIG_GENERATOR_DST_",
    )


#: BLS12-381-SHAKE-256 (draft §7.2.1): ``BBS_BLS12381G1_XOF:SHAKE-256_SSWU_RO_``.
BLS12_381_SHAKE_256 = _suite("BLS12-381-SHAKE-256", XOF_SHAKE_256)
#: BLS12-381-SHA-256 (draft §7.2.2): ``BBS_BLS12381G1_XMD:SHA-256_SSWU_RO_``.
BLS12_381_SHA_256 = _suite("BLS12-381-SHA-256", XMD_SHA_256)

SUITES = {suite.name: suite for suite in (BLS12_381_SHA_256, BLS12_381_SHAKE_256)}
