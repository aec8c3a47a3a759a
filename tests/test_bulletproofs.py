"""Bulletproofs range proofs: completeness, soundness checks, transcript binding, encoding.

Every test runs on both backends; the pure-Python one gets small sizes (n = 8,
m <= 2). Proofs made from fixed seeds are cached per backend so that the slow
backend proves each statement once.
"""

from __future__ import annotations

import functools
import hashlib
import itertools
import threading
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from zkattest.errors import (
    DecodeError,
    InvalidInputError,
    PolicyError,
    VerificationError,
)
from zkattest.hazmat import bulletproofs as bp
from zkattest.hazmat import labels
from zkattest.hazmat.bulletproofs import (
    InnerProductProof,
    RangeProof,
    inner_product_base,
    padded_count,
    proof_size,
    prove_range,
    prove_range_for_commitments,
    vector_generators,
    verify_range,
)
from zkattest.hazmat.curve import G1, Backend, R, use_backend
from zkattest.hazmat.hash_to_curve import XMD_SHA_256
from zkattest.hazmat.pedersen import commit, pedersen_generators
from zkattest.hazmat.transcript import Transcript

PROTOCOL = b"zkattest/test/bulletproofs/v1"
DST = b"ZKATTEST-V1-BULLETPROOFS_BLS12381G1_XMD:SHA-256_SSWU_RO_"

# (n, m) proved per backend: py-ecc is ~50x slower, so it gets the small cases.
COMPLETENESS_SIZES = {
    "arkworks": [(8, 1), (8, 2), (16, 1), (32, 1), (64, 1), (16, 4), (64, 2), (8, 8)],
    "py-ecc": [(8, 1), (8, 2)],
}
# One aggregated size per backend for the tests that need m > 1.
PAIR_SIZE = {"arkworks": 16, "py-ecc": 8}


def seeded_rng(seed: bytes) -> Callable[[], int]:
    """A deterministic stand-in for ``rng``: SHA-512 in counter mode, reduced mod r."""
    counter = itertools.count()

    def rng() -> int:
        block = hashlib.sha512(seed + next(counter).to_bytes(4, "big")).digest()
        return int.from_bytes(block, "big") % R

    return rng


def context(nonce: bytes = b"nonce-1", protocol: bytes = PROTOCOL) -> Transcript:
    """A transcript holding some context, as a presentation would start one."""
    transcript = Transcript(protocol)
    transcript.append_message(labels.NONCE, nonce)
    return transcript


def fingerprint(transcript: Transcript) -> bytes:
    """A challenge from a copy: equal fingerprints mean equal transcript states."""
    return transcript.copy().challenge_bytes(labels.CHALLENGE, 32)


def blindings_for(seed: bytes, m: int) -> tuple[int, ...]:
    rng = seeded_rng(b"blindings/" + seed)
    return tuple(rng() for _ in range(m))


@functools.cache
def made(
    backend_name: str, n: int, values: tuple[int, ...], seed: bytes = b"seed"
) -> tuple[RangeProof, tuple[G1, ...]]:
    """A proof for ``values`` under ``context()``, made once per backend and inputs."""
    with use_backend(backend_name):
        proof, commitments = prove_range(
            context(), values, blindings_for(seed, len(values)), n, rng=seeded_rng(seed)
        )
    return proof, tuple(commitments)


def flip_bit(data: bytes, position: int) -> bytes:
    out = bytearray(data)
    out[position // 8] ^= 1 << (position % 8)
    return bytes(out)


# ---------------------------------------------------------------------------
# Generators
# ---------------------------------------------------------------------------


def test_generators_are_the_documented_hashes(backend: Backend) -> None:
    G_vec, H_vec = vector_generators(4)
    assert G_vec[0] == backend.hash_to_g1(b"G\x00\x00\x00\x00", DST, XMD_SHA_256)
    assert G_vec[3] == backend.hash_to_g1(b"G\x00\x00\x00\x03", DST, XMD_SHA_256)
    assert H_vec[2] == backend.hash_to_g1(b"H\x00\x00\x00\x02", DST, XMD_SHA_256)
    assert inner_product_base() == backend.hash_to_g1(b"U", DST, XMD_SHA_256)
    G_more, H_more = vector_generators(8)
    assert G_more[:4] == G_vec
    assert H_more[:4] == H_vec
    everything = [*G_more, *H_more, inner_product_base(), *pedersen_generators()]
    assert len({p.to_bytes() for p in everything}) == len(everything)


def test_generator_cache_is_consistent_under_concurrent_extension(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    with use_backend("arkworks"):
        expected = vector_generators(64)
        monkeypatch.setattr(bp, "_generator_cache", {})
        results: list[tuple[list[G1], list[G1]]] = []
        barrier = threading.Barrier(4)

        def worker(count: int) -> None:
            barrier.wait()
            results.append(vector_generators(count))

        threads = [threading.Thread(target=worker, args=(c,)) for c in (16, 64, 32, 64)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert len(results) == 4
        for G_vec, H_vec in results:
            assert G_vec == expected[0][: len(G_vec)]
            assert H_vec == expected[1][: len(H_vec)]
        assert vector_generators(64) == expected


# ---------------------------------------------------------------------------
# Completeness
# ---------------------------------------------------------------------------


def boundary_values(n: int, m: int) -> list[int]:
    """0, 1, 2^n - 1 and a few others, m of them."""
    pool = [0, (1 << n) - 1, 1, (1 << n) - 2, 1 << (n - 1), 0x5A5A5A5A5A5A5A5A % (1 << n)]
    return [pool[j % len(pool)] for j in range(m)]


def test_completeness_at_the_boundaries(backend: Backend) -> None:
    cases = [(n, m, boundary_values(n, m)) for n, m in COMPLETENESS_SIZES[backend.name]]
    cases.append((8, 1, [1]))  # 1 on its own: with m = 1 the pool above stops at 0
    G, H = pedersen_generators()
    for n, m, values in cases:
        blindings = list(blindings_for(b"complete", m))
        transcript = context()
        proof, commitments = prove_range(transcript, values, blindings, n)
        assert commitments == [G * v + H * g for v, g in zip(values, blindings, strict=True)]
        assert len(proof.to_bytes()) == proof_size(n, m)
        verifier_transcript = context()
        verify_range(verifier_transcript, commitments, proof, n)
        # prover and verifier end in the same transcript state
        assert fingerprint(verifier_transcript) == fingerprint(transcript)


def test_derived_commitments_for_thresholds(backend: Backend) -> None:
    """``v >= t`` on C - t·G and ``v <= t'`` on t'·G - C, aggregated in one proof."""
    n = PAIR_SIZE[backend.name]
    G, _ = pedersen_generators()
    v, gamma = 200, blindings_for(b"derived", 1)[0]
    C = commit(v, gamma)
    t_low, t_high = 150, 250
    V_ge = C - G * t_low  # opens to (v - t_low, gamma)
    V_le = G * t_high - C  # opens to (t_high - v, -gamma)
    transcript = context()
    proof = prove_range_for_commitments(
        transcript, [V_ge, V_le], [v - t_low, t_high - v], [gamma, R - gamma], n
    )
    verify_range(context(), [V_ge, V_le], proof, n)
    # the verifier derives the same points from C and the thresholds
    with pytest.raises(VerificationError):
        verify_range(context(), [C, V_le], proof, n)


def test_prove_range_for_commitments_checks_the_opening(backend: Backend) -> None:
    gamma = blindings_for(b"opening", 1)[0]
    C = commit(5, gamma)
    transcript = context()
    before = fingerprint(transcript)
    with pytest.raises(InvalidInputError):
        prove_range_for_commitments(transcript, [C], [6], [gamma], 8)
    with pytest.raises(InvalidInputError):
        prove_range_for_commitments(transcript, [C], [5], [gamma + 1], 8)
    with pytest.raises(InvalidInputError):
        prove_range_for_commitments(transcript, [C, C], [5], [gamma], 8)
    with pytest.raises(InvalidInputError):
        prove_range_for_commitments(transcript, [backend.g1_identity()], [0], [0], 8)
    # a false derived statement (v < t for V = C - t·G) is refused before anything else
    G, _ = pedersen_generators()
    with pytest.raises(PolicyError):
        prove_range_for_commitments(transcript, [C - G * 10], [5 - 10], [gamma], 8)
    assert fingerprint(transcript) == before


# ---------------------------------------------------------------------------
# Soundness: false statements are refused, forced proofs do not verify
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("n", [8, 64])
def test_out_of_range_values_are_refused(backend: Backend, n: int) -> None:
    gamma = blindings_for(b"refused", 1)[0]
    for bad in (1 << n, R - 1, -1, 1 << 300):
        transcript = context()
        before = fingerprint(transcript)
        with pytest.raises(PolicyError):
            prove_range(transcript, [bad], [gamma], n)
        with pytest.raises(PolicyError):
            prove_range(transcript, [0, bad], [gamma, gamma], n)
        assert fingerprint(transcript) == before  # nothing was absorbed


def test_forced_proofs_of_false_statements_do_not_verify(backend: Backend) -> None:
    """The deterministic core without the range check: the proofs it makes fail."""
    n = 8
    gamma = blindings_for(b"forced", 1)[0]
    for bad in (1 << n, R - 1):
        V = commit(bad, gamma)
        scalars = [seeded_rng(b"forced")() for _ in range(2 * n + 4)]
        proof = bp._prove_range_core(context(), [V], [bad], [gamma], n, scalars, backend)
        with pytest.raises(VerificationError):
            verify_range(context(), [V], proof, n)


def test_one_false_value_spoils_an_aggregated_proof() -> None:
    with use_backend("arkworks") as backend:
        n = 16
        values = [7, 1 << n]
        blindings = list(blindings_for(b"mixed", 2))
        V = [commit(v, g) for v, g in zip(values, blindings, strict=True)]
        scalars = [seeded_rng(b"mixed")() for _ in range(2 * 2 * n + 4)]
        proof = bp._prove_range_core(context(), V, values, blindings, n, scalars, backend)
        with pytest.raises(VerificationError):
            verify_range(context(), V, proof, n)


# ---------------------------------------------------------------------------
# Binding: transcript, commitments, parameters
# ---------------------------------------------------------------------------


def test_proof_is_bound_to_the_transcript(backend: Backend) -> None:
    proof, V = made(backend.name, 8, (42,))
    verify_range(context(), V, proof, 8)
    with pytest.raises(VerificationError):
        verify_range(context(nonce=b"nonce-2"), V, proof, 8)
    with pytest.raises(VerificationError):
        verify_range(context(protocol=b"zkattest/test/other/v1"), V, proof, 8)
    extra = context()
    extra.append_message(labels.VERIFIER_DOMAIN, b"example.com")
    with pytest.raises(VerificationError):
        verify_range(extra, V, proof, 8)


def test_wrong_commitments_or_parameters_fail(backend: Backend) -> None:
    n = 8
    proof, V = made(backend.name, n, (3, 250))
    verify_range(context(), V, proof, n)
    G, H = pedersen_generators()
    wrong = [
        [V[1], V[0]],  # swapped
        [V[0], V[1] + G],  # another value
        [V[0], V[1] + H],  # another blinding
        [V[0], V[0]],
        [V[0]],  # wrong count
        [*V, V[0], V[1]],
        [V[0], backend.g1_identity()],
    ]
    for commitments in wrong:
        with pytest.raises(VerificationError):
            verify_range(context(), commitments, proof, n)
    # same N = 16, so the proof has the right shape for (n, m) = (16, 1): n and m are bound
    with pytest.raises(VerificationError):
        verify_range(context(), [V[0]], proof, 16)
    for bad_n in (7, 16, 32, 128):
        with pytest.raises(VerificationError):
            verify_range(context(), V, proof, bad_n)


def test_tampered_proof_objects_fail(backend: Backend) -> None:
    proof, V = made(backend.name, 8, (42,))
    ipp = proof.ipp
    G, _ = pedersen_generators()

    def with_ipp(**changes: Any) -> RangeProof:
        fields = {"L_vec": ipp.L_vec, "R_vec": ipp.R_vec, "a": ipp.a, "b": ipp.b, **changes}
        return RangeProof(
            proof.A,
            proof.S,
            proof.T_1,
            proof.T_2,
            proof.t_x,
            proof.t_x_blinding,
            proof.e_blinding,
            InnerProductProof(**fields),
        )

    def with_fields(**changes: Any) -> RangeProof:
        fields = {name: getattr(proof, name) for name in RangeProof.__dataclass_fields__}
        fields.update(changes)
        return RangeProof(**fields)

    tampered = [
        with_fields(A=proof.S),
        with_fields(S=proof.S + G),
        with_fields(T_1=proof.T_2),
        with_fields(T_2=proof.T_2 + G),
        with_fields(t_x=(proof.t_x + 1) % R),
        with_fields(t_x_blinding=(proof.t_x_blinding + 1) % R),
        with_fields(e_blinding=(proof.e_blinding + 1) % R),
        with_ipp(a=(ipp.a + 1) % R),
        with_ipp(b=(ipp.b + 1) % R),
        with_ipp(L_vec=ipp.R_vec, R_vec=ipp.L_vec),
        with_ipp(L_vec=ipp.L_vec[1:], R_vec=ipp.R_vec[1:]),
        with_ipp(a=R),
        with_ipp(b=-1),
        with_fields(t_x=R),
    ]
    for bad in tampered:
        with pytest.raises(VerificationError):
            verify_range(context(), V, bad, 8)


def test_verify_raises_only_verification_error(backend: Backend) -> None:
    proof, V = made(backend.name, 8, (42,))
    garbage: list[tuple[Any, Any, Any]] = [
        (V, proof.to_bytes(), 8),  # bytes, not a decoded proof
        (V, None, 8),
        (["not a point"], proof, 8),
        (None, proof, 8),
        (V, proof, "8"),
        (V, proof, True),
        ([], proof, 8),
    ]
    for commitments, candidate, n in garbage:
        with pytest.raises(VerificationError):
            verify_range(context(), commitments, candidate, n)
    # points of the other backend
    other = "py-ecc" if backend.name == "arkworks" else "arkworks"
    other_proof, other_V = made(other, 8, (42,))
    with pytest.raises(VerificationError):
        verify_range(context(), V, other_proof, 8)
    with pytest.raises(VerificationError):
        verify_range(context(), other_V, proof, 8)


def test_verification_is_one_multi_scalar_multiplication(
    backend: Backend, monkeypatch: pytest.MonkeyPatch
) -> None:
    proof, V = made(backend.name, 8, (42,))
    calls: list[int] = []
    msm = backend.g1_msm

    def counting_msm(points: Any, scalars: Any) -> G1:
        calls.append(len(points))
        return msm(points, scalars)

    def no_mul(self: G1, k: int) -> G1:
        raise AssertionError("the verifier multiplied a point outside the MSM")

    monkeypatch.setattr(backend, "g1_msm", counting_msm)
    monkeypatch.setattr(backend.g1_class, "__mul__", no_mul)
    verify_range(context(), V, proof, 8)
    # A, S, T_1, T_2, 3 L, 3 R, V, U, G, H and 2·8 vector generators
    assert calls == [4 + 6 + 1 + 3 + 16]


def test_transcript_order_is_as_documented(backend: Backend) -> None:
    """Replay docs/notes/bulletproofs.md, "Transcript", with literal labels.

    The prover's and the verifier's transcripts must end in the state this
    independent replay reaches, so nothing is left out of the Fiat–Shamir hash
    (the commitments, n and m included) and nothing is reordered.
    """
    n = 8
    values = (3, 250)
    blindings = blindings_for(b"order", 2)
    prover_transcript = context()
    proof, V = prove_range(prover_transcript, values, blindings, n, rng=seeded_rng(b"order"))
    verifier_transcript = context()
    verify_range(verifier_transcript, V, proof, n)

    replay = context()
    replay.append_message(b"range-proof", b"zkattest/bulletproofs-range/bls12-381-g1/v1")
    replay.append_u64(b"range-proof-n", n)
    replay.append_u64(b"range-proof-m", 2)
    replay.append_points(b"range-proof-v", V)
    replay.append_point(b"range-proof-a", proof.A)
    replay.append_point(b"range-proof-s", proof.S)
    replay.challenge_scalar(b"range-proof-y")
    replay.challenge_scalar(b"range-proof-z")
    replay.append_point(b"range-proof-t-1", proof.T_1)
    replay.append_point(b"range-proof-t-2", proof.T_2)
    replay.challenge_scalar(b"range-proof-x")
    replay.append_scalar(b"range-proof-t-x", proof.t_x)
    replay.append_scalar(b"range-proof-t-x-blinding", proof.t_x_blinding)
    replay.append_scalar(b"range-proof-e-blinding", proof.e_blinding)
    replay.challenge_scalar(b"range-proof-w")
    replay.append_u64(b"inner-product", 16)
    for L, R_k in zip(proof.ipp.L_vec, proof.ipp.R_vec, strict=True):
        replay.append_point(b"inner-product-l", L)
        replay.append_point(b"inner-product-r", R_k)
        replay.challenge_scalar(b"inner-product-u")
    assert fingerprint(prover_transcript) == fingerprint(replay)
    assert fingerprint(verifier_transcript) == fingerprint(replay)


def test_known_answer(backend: Backend) -> None:
    """A regression pin: SHA-256 of the proof for fixed inputs, made by this implementation.

    Not an external vector (there is none for BLS12-381); it pins the whole
    computation — generators, transcript, blinding order, encoding — on both
    backends, so an unintended change to the protocol shows up here.
    """
    proof, V = made(backend.name, 8, (42,), b"kat")
    assert hashlib.sha256(proof.to_bytes()).hexdigest() == (
        "69da7fbd41d1ec65f3b35e4655dbae40900f3c5b8b85f83bda537bb36328ffb8"
    )
    assert V[0] == commit(42, blindings_for(b"kat", 1)[0])
    verify_range(context(), V, proof, 8)


@pytest.mark.parametrize(("n", "m"), [(64, 1), (16, 4), (32, 4)])
def test_basis_rebuild_does_not_change_the_proof(
    monkeypatch: pytest.MonkeyPatch, n: int, m: int
) -> None:
    """When the prover rebuilds its folded generators is a speed choice: same bytes always."""
    with use_backend("arkworks"):
        values = boundary_values(n, m)
        blindings = blindings_for(b"fold", m)
        encodings = set()
        for length in (0, 1, 2, 4, 8, 16, 32, n * m // 2):
            monkeypatch.setattr(bp, "_rebuild_length", lambda N, length=length: length)
            proof, V = prove_range(context(), values, blindings, n, rng=seeded_rng(b"fold"))
            encodings.add(proof.to_bytes())
        verify_range(context(), V, proof, n)
        assert len(encodings) == 1


# ---------------------------------------------------------------------------
# Encoding
# ---------------------------------------------------------------------------


def test_proof_sizes() -> None:
    # 48·(4 + 2·log2(n·m)) + 32·5
    expected = {
        (8, 1): 640,
        (16, 1): 736,
        (8, 2): 736,
        (32, 1): 832,
        (64, 1): 928,
        (16, 4): 928,
        (64, 2): 1024,
        (64, 4): 1120,
        (64, 64): 1504,
    }
    for (n, m), size in expected.items():
        assert proof_size(n, m) == size


def test_encoding_round_trip(backend: Backend) -> None:
    proof, V = made(backend.name, 8, (3, 250))
    data = proof.to_bytes()
    assert len(data) == 736
    decoded = RangeProof.from_bytes(data, 8, 2)
    assert decoded == proof
    assert decoded.to_bytes() == data
    assert RangeProof.from_bytes(bytearray(data), 8, 2) == proof
    verify_range(context(), V, decoded, 8)
    # the same bytes read with another (n, m) of equal n·m decode but do not verify
    as_16 = RangeProof.from_bytes(data, 16, 1)
    with pytest.raises(VerificationError):
        verify_range(context(), [V[0]], as_16, 16)


def test_decoding_rejects_malformed_bytes(backend: Backend) -> None:
    proof, _ = made(backend.name, 8, (42,))
    data = proof.to_bytes()
    scalar_at = 4 * 48  # t_x
    point_at = 0  # A
    a_at = len(data) - 64
    for bad in (
        data[:-1],
        data + b"\x00",
        b"",
        data[:scalar_at] + R.to_bytes(32, "big") + data[scalar_at + 32 :],  # t_x = r
        data[:a_at] + (R + 5).to_bytes(32, "big") + data[a_at + 32 :],  # a >= r
        data[:a_at] + b"\xff" * 32 + data[a_at + 32 :],
        bytes([0xC0]) + bytes(47) + data[48:],  # A = identity
        bytes(48) + data[48:],  # A uncompressed flag missing
        data[:point_at] + bytes([0x80]) + bytes(46) + b"\x01" + data[48:],  # x = 1: not on E
    ):
        with pytest.raises(DecodeError):
            RangeProof.from_bytes(bad, 8, 1)
    with pytest.raises(DecodeError):
        RangeProof.from_bytes("not bytes", 8, 1)  # type: ignore[arg-type]
    # zero scalars are canonical: the proof decodes, then fails to verify
    zeroed = data[:scalar_at] + bytes(32) + data[scalar_at + 32 :]
    assert RangeProof.from_bytes(zeroed, 8, 1).t_x == 0
    for n, m in ((7, 1), (8, 3), (8, 0), (8, 128), (128, 1)):
        with pytest.raises(InvalidInputError):
            RangeProof.from_bytes(data, n, m)


@pytest.fixture(scope="module")
def tamper_target() -> tuple[bytes, tuple[G1, ...]]:
    """An arkworks proof for (n, m) = (16, 2): 832 bytes."""
    proof, V = made("arkworks", 16, (1234, 0))
    return proof.to_bytes(), V


def _rejected(data: bytes, V: tuple[G1, ...]) -> None:
    with use_backend("arkworks"):
        try:
            candidate = RangeProof.from_bytes(data, 16, 2)
        except DecodeError:
            return
        with pytest.raises(VerificationError):
            verify_range(context(), V, candidate, 16)


@settings(max_examples=120, deadline=None)
@given(position=st.integers(min_value=0, max_value=832 * 8 - 1))
def test_bit_flips_never_verify(tamper_target: tuple[bytes, tuple[G1, ...]], position: int) -> None:
    data, V = tamper_target
    _rejected(flip_bit(data, position), V)


@settings(max_examples=40, deadline=None)
@given(cut=st.integers(min_value=0, max_value=831), extra=st.binary(min_size=1, max_size=100))
def test_truncated_or_extended_bytes_are_refused(
    tamper_target: tuple[bytes, tuple[G1, ...]], cut: int, extra: bytes
) -> None:
    data, _ = tamper_target
    with use_backend("arkworks"):
        for bad in (data[:cut], data + extra, data[:cut] + extra + data[cut:]):
            with pytest.raises(DecodeError):
                RangeProof.from_bytes(bad, 16, 2)


# ---------------------------------------------------------------------------
# Randomness at the edge
# ---------------------------------------------------------------------------


def test_deterministic_rng_gives_identical_bytes(backend: Backend) -> None:
    values, blindings = (9, 77), blindings_for(b"det", 2)
    calls = itertools.count()
    base = seeded_rng(b"det")

    def counting_rng() -> int:
        next(calls)
        return base()

    first, V1 = prove_range(context(), values, blindings, 8, rng=counting_rng)
    assert next(calls) == 2 * 16 + 4  # alpha, rho, s_L, s_R, tau_1, tau_2
    second, V2 = prove_range(context(), values, blindings, 8, rng=seeded_rng(b"det"))
    assert first.to_bytes() == second.to_bytes()
    assert V1 == V2
    # the reference backend computes exactly the same proof
    assert made(backend.name, 8, values, b"det")[0].to_bytes() == first.to_bytes()
    other = "py-ecc" if backend.name == "arkworks" else "arkworks"
    assert made(other, 8, values, b"det")[0].to_bytes() == first.to_bytes()
    # fresh randomness gives a different proof of the same statement
    third, _ = prove_range(context(), values, blindings, 8)
    assert third.to_bytes() != first.to_bytes()


def test_bad_rng_output_is_refused(backend: Backend) -> None:
    for bad in (R, -1):
        with pytest.raises(InvalidInputError):
            prove_range(context(), [1], [1], 8, rng=lambda bad=bad: bad)


# ---------------------------------------------------------------------------
# Parameters
# ---------------------------------------------------------------------------


def test_invalid_parameters_are_refused(backend: Backend) -> None:
    ok = blindings_for(b"params", 4)
    bad_calls: list[tuple[Any, Any, Any]] = [
        ([1], [ok[0]], 7),
        ([1], [ok[0]], 128),
        ([1], [ok[0]], "8"),
        ([1, 2, 3], ok[:3], 8),  # m = 3 is not a power of two
        ([], [], 8),
        ([1, 2], ok[:1], 8),
        ([1], [R], 8),
        ([1], [-1], 8),
        ([True], [ok[0]], 8),
        (["1"], [ok[0]], 8),
        (1, ok[0], 8),
        ([0], [0], 8),  # commits to the identity
    ]
    for values, blindings, n in bad_calls:
        transcript = context()
        before = fingerprint(transcript)
        with pytest.raises(InvalidInputError):
            prove_range(transcript, values, blindings, n)
        assert fingerprint(transcript) == before


def test_padded_count() -> None:
    assert [padded_count(m) for m in (1, 2, 3, 4, 5, 8, 9, 33, 64)] == [
        1,
        2,
        4,
        4,
        8,
        8,
        16,
        64,
        64,
    ]
    for bad in (0, 65, -1, 2.0):
        with pytest.raises(InvalidInputError):
            padded_count(bad)  # type: ignore[arg-type]
