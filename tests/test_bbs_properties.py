"""Property tests: tampered or malformed BBS inputs only ever raise zkattest errors.

Runs on both backends; the pure-Python one gets fewer examples and two messages.
"""

from __future__ import annotations

import contextlib
from functools import cache

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from zkattest.errors import InvalidInputError, VerificationError, ZkAttestError
from zkattest.hazmat import bbs
from zkattest.hazmat.curve import BACKEND_NAMES, use_backend

SUITE = bbs.BLS12_381_SHA_256
MESSAGES = [b"accredited:yes", b"country:840"]
DISCLOSED = [1]
EXAMPLES = {"arkworks": 200, "py-ecc": 20}


@cache
def fixture(backend: str) -> tuple[bytes, bytes, bytes]:
    with use_backend(backend):
        sk = bbs.key_gen(b"m" * 32, suite=SUITE)
        pk = bbs.sk_to_pk(sk, suite=SUITE)
        signature = bbs.sign(sk, pk, b"h", MESSAGES, suite=SUITE)
        proof = bbs.proof_gen(pk, signature, b"h", b"ph", MESSAGES, DISCLOSED, suite=SUITE)
    return pk, signature, proof


@st.composite
def mutated(draw: st.DrawFn, data: bytes) -> bytes:
    """A different byte string made from ``data`` by one typical corruption."""
    kind = draw(st.sampled_from(["flip", "truncate", "extend", "swap", "splice", "zero"]))
    if kind == "flip":
        bit = draw(st.integers(0, len(data) * 8 - 1))
        out = bytearray(data)
        out[bit // 8] ^= 1 << (bit % 8)
        result = bytes(out)
    elif kind == "truncate":
        result = data[: draw(st.integers(0, len(data) - 1))]
    elif kind == "extend":
        result = data + draw(st.binary(min_size=1, max_size=64))
    elif kind == "swap":
        cut = draw(st.integers(1, len(data) - 1))
        result = data[cut:] + data[:cut]
    elif kind == "splice":
        start = draw(st.integers(0, len(data) - 1))
        junk = draw(st.binary(min_size=1, max_size=48))
        result = data[:start] + junk + data[start + len(junk) :]
    else:
        start = draw(st.integers(0, len(data) - 1))
        result = data[:start] + bytes(len(data) - start)
    assume(result != data)
    return result


def _run(backend: str, test: object) -> None:
    with use_backend(backend):
        settings(
            max_examples=EXAMPLES[backend],
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow],
            database=None,
        )(test)()  # type: ignore[operator]


@pytest.mark.parametrize("backend", BACKEND_NAMES)
def test_mutated_signature_never_verifies(backend: str) -> None:
    pk, signature, _ = fixture(backend)

    @given(bad=mutated(signature))
    def check(bad: bytes) -> None:
        with pytest.raises(VerificationError):
            bbs.verify(pk, bad, b"h", MESSAGES, suite=SUITE)

    _run(backend, check)


@pytest.mark.parametrize("backend", BACKEND_NAMES)
def test_mutated_proof_never_verifies(backend: str) -> None:
    pk, _, proof = fixture(backend)
    disclosed = [MESSAGES[i] for i in DISCLOSED]

    @given(bad=mutated(proof))
    def check(bad: bytes) -> None:
        with pytest.raises(VerificationError):
            bbs.proof_verify(pk, bad, b"h", b"ph", disclosed, DISCLOSED, suite=SUITE)

    _run(backend, check)


@pytest.mark.parametrize("backend", BACKEND_NAMES)
def test_mutated_public_key_never_verifies(backend: str) -> None:
    pk, signature, proof = fixture(backend)
    disclosed = [MESSAGES[i] for i in DISCLOSED]

    @given(bad=mutated(pk))
    def check(bad: bytes) -> None:
        with pytest.raises(VerificationError):
            bbs.verify(bad, signature, b"h", MESSAGES, suite=SUITE)
        with pytest.raises(VerificationError):
            bbs.proof_verify(bad, proof, b"h", b"ph", disclosed, DISCLOSED, suite=SUITE)

    _run(backend, check)


@pytest.mark.parametrize("backend", BACKEND_NAMES)
def test_arbitrary_inputs_raise_only_our_errors(backend: str) -> None:
    pk, _signature, proof = fixture(backend)

    @given(
        public_key=st.one_of(st.just(pk), st.binary(max_size=120)),
        blob=st.one_of(st.just(proof), st.binary(max_size=400)),
        messages=st.lists(st.binary(max_size=8), max_size=4),
        indexes=st.lists(st.integers(-3, 2**65), max_size=4),
    )
    def check(public_key: bytes, blob: bytes, messages: list[bytes], indexes: list[int]) -> None:
        for call in (
            lambda: bbs.verify(public_key, blob, b"h", messages, suite=SUITE),
            lambda: bbs.proof_verify(public_key, blob, b"h", b"", messages, indexes, suite=SUITE),
            lambda: bbs.proof_gen(public_key, blob, b"h", b"", messages, indexes, suite=SUITE),
        ):
            with contextlib.suppress(ZkAttestError):
                call()

    _run(backend, check)


def test_proof_gen_from_malformed_signature_is_refused() -> None:
    pk, signature, _ = fixture("arkworks")
    with pytest.raises(InvalidInputError):
        bbs.proof_gen(pk, signature[:-1], b"h", b"", MESSAGES, [], suite=SUITE)
