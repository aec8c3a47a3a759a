"""The curve layer: one suite of tests run against every backend."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from py_ecc.bls.point_compression import compress_G2, modular_squareroot_in_FQ2
from py_ecc.fields import optimized_bls12_381_FQ2 as FQ2

from zkattest.errors import BackendError, DecodeError, InvalidInputError
from zkattest.hazmat.curve import (
    BACKEND_NAMES,
    G1_BYTES,
    G2_BYTES,
    Backend,
    P,
    R,
    get_backend,
    load_backend,
    scalar_from_bytes,
    scalar_to_bytes,
    set_backend,
    use_backend,
)

# BP1 and BP2 as printed in draft-irtf-cfrg-bbs-signatures-09 Appendix A.3.
BP1 = bytes.fromhex(
    "97f1d3a73197d7942695638c4fa9ac0fc3688c4f9774b905a14e3a3f171bac586c55e83ff97a1aeffb3af00adb22c6bb"
)
BP2 = bytes.fromhex(
    "93e02b6052719f607dacd3a088274f65596bd0d09920b61ab5da61bbdc7f5049334cf11213945d57e5ac7d055d042b7e"
    "024aa2b2f08f0a91260805272dc51051c6e47ad4fa403b02b4510b647ae3d1770bac0326a805bbefd48056c8c121bdb8"
)
G1_IDENTITY = bytes([0xC0]) + bytes(47)
G2_IDENTITY = bytes([0xC0]) + bytes(95)


def _g1_encoding_of_x(x: int) -> bytes:
    raw = bytearray(x.to_bytes(48, "big"))
    raw[0] |= 0x80
    return bytes(raw)


def _is_square(v: int) -> bool:
    return pow(v, (P - 1) // 2, P) in (0, 1)


def _off_curve_g1() -> bytes:
    x = next(x for x in range(1, 1000) if not _is_square((x**3 + 4) % P))
    return _g1_encoding_of_x(x)


def _on_curve_outside_g1() -> bytes:
    # Almost every point of E1(Fp) lies outside the order-r subgroup (cofactor ~2^126).
    x = next(x for x in range(1, 1000) if _is_square((x**3 + 4) % P))
    return _g1_encoding_of_x(x)


def _on_curve_outside_g2() -> bytes:
    for k in range(1, 1000):
        x = FQ2([k, 1])
        y = modular_squareroot_in_FQ2(x**3 + FQ2([4, 4]))
        if y is not None:
            z1, z2 = compress_G2((x, y, FQ2.one()))
            return int(z1).to_bytes(48, "big") + int(z2).to_bytes(48, "big")
    raise AssertionError("no point found")


def test_generators_are_the_standard_base_points(backend: Backend) -> None:
    assert backend.g1_generator().to_bytes() == BP1
    assert backend.g2_generator().to_bytes() == BP2
    assert backend.g1_identity().to_bytes() == G1_IDENTITY
    assert backend.g2_identity().to_bytes() == G2_IDENTITY


def test_group_laws(backend: Backend) -> None:
    g, h = backend.g1_generator(), backend.g2_generator()
    a, b = 0x1234567890ABCDEF, R - 5
    assert g * a + g * b == g * ((a + b) % R)
    assert (g * a) - (g * a) == backend.g1_identity()
    assert (g * R).is_identity()
    assert (h * a) + (h * b) == h * ((a + b) % R)
    assert -(h * a) + h * a == backend.g2_identity()
    assert a * g == g * a  # __rmul__


def test_msm_matches_naive_sum(backend: Backend) -> None:
    g = backend.g1_generator()
    points = [g * (i + 2) for i in range(7)]
    scalars = [R - 1, 0, 1, 2**200 + 3, 17, R // 3, 5]
    expected = backend.g1_identity()
    for point, k in zip(points, scalars, strict=True):
        expected = expected + point * k
    assert backend.g1_msm(points, scalars) == expected
    assert backend.g1_msm([], []) == backend.g1_identity()
    # scalars are reduced mod r, negatives included
    assert backend.g1_msm([g], [-1]) == -g


def test_msm_rejects_length_mismatch(backend: Backend) -> None:
    g = backend.g1_generator()
    with pytest.raises(InvalidInputError):
        backend.g1_msm([g, g], [1])
    with pytest.raises(InvalidInputError):
        backend.g1_msm([g], [1, 2])


def test_pairing_product(backend: Backend) -> None:
    g, h = backend.g1_generator(), backend.g2_generator()
    a, b = 123456789, 987654321
    assert backend.pairing_product_is_one([(g * a, h * b), (-(g * (a * b % R)), h)])
    assert not backend.pairing_product_is_one([(g * a, h * b), (-(g * (a * b + 1)), h)])
    assert backend.pairing_product_is_one([])
    assert backend.pairing_product_is_one([(backend.g1_identity(), h)])


def test_encoding_round_trip(backend: Backend) -> None:
    g, h = backend.g1_generator(), backend.g2_generator()
    for k in (1, 2, 3, R - 1, 0xDEADBEEF):
        p, q = g * k, h * k
        assert backend.g1_from_bytes(p.to_bytes()) == p
        assert backend.g2_from_bytes(q.to_bytes()) == q
        assert len(p.to_bytes()) == G1_BYTES
        assert len(q.to_bytes()) == G2_BYTES
    assert backend.g1_from_bytes(G1_IDENTITY, allow_identity=True).is_identity()
    assert backend.g2_from_bytes(G2_IDENTITY, allow_identity=True).is_identity()


BAD_G1 = {
    "empty": b"",
    "short": BP1[:-1],
    "long": BP1 + b"\x00",
    "uncompressed flag": bytes([BP1[0] & 0x7F]) + BP1[1:],
    "identity with sign bit": bytes([0xE0]) + bytes(47),
    "identity with non-zero body": bytes([0xC0]) + bytes(46) + b"\x01",
    "x = p": _g1_encoding_of_x(P),
    "x > p": _g1_encoding_of_x(P + 1),
    "off the curve": _off_curve_g1(),
    "outside the subgroup": _on_curve_outside_g1(),
}


@pytest.mark.parametrize("case", sorted(BAD_G1))
def test_g1_decoding_rejects(case: str, backend: Backend) -> None:
    with pytest.raises(DecodeError):
        backend.g1_from_bytes(BAD_G1[case], allow_identity=True)


def test_identity_rejected_unless_allowed(backend: Backend) -> None:
    with pytest.raises(DecodeError):
        backend.g1_from_bytes(G1_IDENTITY)
    with pytest.raises(DecodeError):
        backend.g2_from_bytes(G2_IDENTITY)


BAD_G2 = {
    "short": BP2[:-1],
    "G1-sized": BP1,
    "uncompressed flag": bytes([BP2[0] & 0x7F]) + BP2[1:],
    "identity with sign bit": bytes([0xE0]) + bytes(95),
    "x1 = p": _g1_encoding_of_x(P) + BP2[48:],
    "x0 = p": BP2[:48] + P.to_bytes(48, "big"),
    "outside the subgroup": _on_curve_outside_g2(),
}


@pytest.mark.parametrize("case", sorted(BAD_G2))
def test_g2_decoding_rejects(case: str, backend: Backend) -> None:
    with pytest.raises(DecodeError):
        backend.g2_from_bytes(BAD_G2[case], allow_identity=True)


def test_decoding_rejects_non_bytes(backend: Backend) -> None:
    with pytest.raises(DecodeError):
        backend.g1_from_bytes(BP1.hex())  # type: ignore[arg-type]


def test_scalars() -> None:
    assert scalar_from_bytes(scalar_to_bytes(R - 1)) == R - 1
    assert scalar_from_bytes(bytes(32), allow_zero=True) == 0
    for bad in (
        bytes(32),
        R.to_bytes(32, "big"),
        (R + 1).to_bytes(32, "big"),
        b"\x01" * 31,
        b"\x01" * 33,
        b"\xff" * 32,
    ):
        with pytest.raises(DecodeError):
            scalar_from_bytes(bad)
    with pytest.raises(InvalidInputError):
        scalar_to_bytes(R)
    with pytest.raises(InvalidInputError):
        scalar_to_bytes(-1)


def test_backends_agree() -> None:
    ark, pyecc = (load_backend(name) for name in BACKEND_NAMES)
    for k in (7, R - 2, 2**128 + 1):
        assert (ark.g1_generator() * k).to_bytes() == (pyecc.g1_generator() * k).to_bytes()
        assert (ark.g2_generator() * k).to_bytes() == (pyecc.g2_generator() * k).to_bytes()


def test_points_of_different_backends_do_not_mix() -> None:
    ark, pyecc = (load_backend(name) for name in BACKEND_NAMES)
    with pytest.raises(BackendError):
        ark.g1_msm([pyecc.g1_generator()], [1])


def test_backend_selection() -> None:
    with pytest.raises(BackendError):
        load_backend("openssl")
    with pytest.raises(BackendError):
        set_backend("nope")
    before = get_backend()
    with use_backend("py-ecc") as selected:
        assert get_backend() is selected
        assert selected.name == "py-ecc"
    assert get_backend() is before


@pytest.mark.slow
@pytest.mark.parametrize("name", BACKEND_NAMES)
def test_backend_from_environment(name: str) -> None:
    code = "from zkattest.hazmat.curve import get_backend; print(get_backend().name)"
    env = {**os.environ, "ZKATTEST_BACKEND": name}
    out = subprocess.run(  # noqa: S603 - fixed interpreter and code
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == name


@pytest.mark.slow
def test_unknown_backend_in_environment_is_a_clear_error() -> None:
    code = (
        "from zkattest.hazmat.curve import get_backend\n"
        "from zkattest.errors import BackendError\n"
        "try:\n    get_backend()\nexcept BackendError as e:\n    print('refused:', e)\n"
    )
    env = {**os.environ, "ZKATTEST_BACKEND": "gmp"}
    out = subprocess.run(  # noqa: S603 - fixed interpreter and code
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    )
    assert out.stdout.startswith("refused: unknown backend 'gmp'")


def test_msm_with_precomputed_points(backend: Backend) -> None:
    g = backend.g1_generator()
    fixed = [g * 11, g * 12, g * 13]
    for point in fixed:
        backend.precompute(point)
    variable = [g * 21, g * 22]
    scalars = [R - 1, 0, 2**254 + 7, 5, R - 3]
    expected = backend.g1_identity()
    for point, k in zip(fixed + variable, scalars, strict=True):
        expected = expected + point * k
    # every mix of tabulated and untabulated points, in any order
    assert backend.g1_msm(fixed + variable, scalars) == expected
    assert backend.g1_msm(variable[:1] + fixed, scalars[3:4] + scalars[:3]) == backend.g1_msm(
        fixed + variable[:1], scalars[:3] + scalars[3:4]
    )
    assert backend.g1_msm(fixed, [0, 0, 0]) == backend.g1_identity()
    assert backend.g1_msm(fixed[:1], [-2]) == -(fixed[0] * 2)
    backend.precompute(backend.g1_identity())  # a no-op, not an error
