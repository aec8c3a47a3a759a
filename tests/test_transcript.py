"""The Fiat–Shamir transcript: framing pinned by an independent re-derivation, and misuse refused.

The helpers ``_frame`` and ``_challenge`` below re-implement the encoding from
the module docstring of :mod:`zkattest.hazmat.transcript` with nothing but
``hashlib.shake_256``, and spell every label out as a literal, so that a change
to the framing or to a label's value fails here.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from zkattest.errors import InvalidInputError
from zkattest.hazmat import labels
from zkattest.hazmat.curve import BACKEND_NAMES, Backend, R, use_backend
from zkattest.hazmat.transcript import Transcript

PROTOCOL = b"zkattest/test/v1"
# The compressed encoding of BP1, the standard generator of G1 (ZCash format).
BP1_COMPRESSED = bytes.fromhex(
    "97f1d3a73197d7942695638c4fa9ac0fc3688c4f9774b905a14e3a3f171bac58"
    "6c55e83ff97a1aeffb3af00adb22c6bb"
)


# ---------------------------------------------------------------------------
# An independent implementation of the documented encoding.
# ---------------------------------------------------------------------------


def _frame(op: int, label: bytes, data: bytes) -> bytes:
    return bytes([op]) + len(label).to_bytes(4, "big") + label + len(data).to_bytes(8, "big") + data


def _start(protocol: bytes) -> bytes:
    domain = b"zkattest/transcript/v1"
    return len(domain).to_bytes(4, "big") + domain + _frame(0x01, b"protocol", protocol)


def _challenge(absorbed: bytes, label: bytes, n: int) -> tuple[bytes, bytes]:
    """(output, absorbed afterwards) for a challenge of ``n`` bytes under ``label``."""
    head = b"\x02" + len(label).to_bytes(4, "big") + label + n.to_bytes(8, "big")
    out = hashlib.shake_256(absorbed + head).digest(n)
    return out, absorbed + head + out


def _challenge_of(appends: list[tuple[bytes, bytes]], label: bytes = b"challenge") -> int:
    transcript = Transcript(PROTOCOL)
    for append_label, data in appends:
        transcript.append_message(append_label, data)
    return transcript.challenge_scalar(label)


# ---------------------------------------------------------------------------
# Labels
# ---------------------------------------------------------------------------


def _label_constants() -> dict[str, bytes]:
    return {
        name: value
        for name, value in vars(labels).items()
        if name.isupper() and isinstance(value, bytes)
    }


def test_labels_are_distinct_well_formed_and_exported() -> None:
    constants = _label_constants()
    required = {
        "TRANSCRIPT_DOMAIN",
        "PROTOCOL",
        "PROTOCOL_VERSION",
        "CIRCUIT_ID",
        "CIRCUIT_HASH",
        "VERIFIER_DOMAIN",
        "NONCE",
        "WALLET_ADDRESS",
        "CHAIN_ID",
        "VERIFIER_DATE",
        "COMMITMENT",
        "CHALLENGE",
    }
    assert required <= constants.keys()
    assert set(labels.__all__) == constants.keys()
    assert len(set(constants.values())) == len(constants)
    for value in constants.values():
        assert 1 <= len(value) <= 255
        assert value.isascii()
    assert labels.TRANSCRIPT_DOMAIN == b"zkattest/transcript/v1"


# ---------------------------------------------------------------------------
# Known answers: the framing is pinned
# ---------------------------------------------------------------------------


def _kat_transcript() -> Transcript:
    transcript = Transcript(PROTOCOL)
    transcript.append_message(labels.NONCE, bytes(range(16)))
    transcript.append_u64(labels.CHAIN_ID, 1)
    transcript.append_scalar(labels.COMMITMENT, R - 1)
    transcript.append_message(labels.WALLET_ADDRESS, b"")
    return transcript


def test_known_answer_matches_an_independent_derivation() -> None:
    transcript = _kat_transcript()
    c_1 = transcript.challenge_scalar(labels.CHALLENGE)
    d = transcript.digest(labels.PRESENTATION_HEADER)
    c_2 = transcript.challenge_scalar(labels.CHALLENGE)

    absorbed = (
        _start(PROTOCOL)
        + _frame(0x01, b"nonce", bytes(range(16)))
        + _frame(0x01, b"chain-id", (1).to_bytes(8, "big"))
        + _frame(0x01, b"commitment", (R - 1).to_bytes(32, "big"))
        + _frame(0x01, b"wallet-address", b"")
    )
    out_1, absorbed = _challenge(absorbed, b"challenge", 64)
    out_d, absorbed = _challenge(absorbed, b"bbs-presentation-header", 32)
    out_2, absorbed = _challenge(absorbed, b"challenge", 64)

    assert c_1 == int.from_bytes(out_1, "big") % R
    assert d == out_d
    assert c_2 == int.from_bytes(out_2, "big") % R


def test_known_answer_pinned_value() -> None:
    # Computed once from the encoding above; a change here is a change of transcript version.
    c = _kat_transcript().challenge_scalar(labels.CHALLENGE)
    assert c == 0x3C26C188D675A45CF8A8505C2A12577BBE6CFECB8AE329E78E1C51B666B1FE71


def test_point_appends_absorb_the_compressed_encoding_on_both_backends() -> None:
    challenges = []
    for name in BACKEND_NAMES:
        with use_backend(name) as backend:
            transcript = Transcript(PROTOCOL)
            transcript.append_point(labels.COMMITMENT, backend.g1_generator())
            transcript.append_points(labels.PUBLIC_INPUT, [backend.g2_generator()])
            challenges.append(transcript.challenge_scalar(labels.CHALLENGE))
            bp2 = backend.g2_generator().to_bytes()

    absorbed = (
        _start(PROTOCOL)
        + _frame(0x01, b"commitment", BP1_COMPRESSED)
        + _frame(0x01, b"public-input", (1).to_bytes(8, "big"))
        + _frame(0x01, b"public-input", bp2)
    )
    out, _ = _challenge(absorbed, b"challenge", 64)
    assert challenges == [int.from_bytes(out, "big") % R] * len(BACKEND_NAMES)


# ---------------------------------------------------------------------------
# Every input matters, and nothing is ambiguous
# ---------------------------------------------------------------------------


def test_deterministic() -> None:
    assert _kat_transcript().challenge_scalar(b"x") == _kat_transcript().challenge_scalar(b"x")
    assert _kat_transcript().challenge_bytes(b"x", 100) == _kat_transcript().challenge_bytes(
        b"x", 100
    )


BASE = [(b"nonce", b"\x00\x01\x02\x03"), (b"wallet-address", b"0xabcdef")]


@pytest.mark.parametrize(
    ("appends", "challenge_label"),
    [
        pytest.param(
            [(b"nonce", b"\x00\x01\x02\x03"), (b"wallet-addresz", b"0xabcdef")],
            None,
            id="label-last-byte",
        ),
        pytest.param(
            [(b"Nonce", b"\x00\x01\x02\x03"), (b"wallet-address", b"0xabcdef")],
            None,
            id="label-first-byte",
        ),
        pytest.param(
            [(b"nonce", b"\x00\x01\x02\x02"), (b"wallet-address", b"0xabcdef")],
            None,
            id="data-last-byte",
        ),
        pytest.param(
            [(b"nonce", b"\x01\x01\x02\x03"), (b"wallet-address", b"0xabcdef")],
            None,
            id="data-first-byte",
        ),
        pytest.param(
            [(b"wallet-address", b"0xabcdef"), (b"nonce", b"\x00\x01\x02\x03")], None, id="order"
        ),
        pytest.param([*BASE, (b"nonce", b"")], None, id="extra-empty-append"),
        pytest.param(BASE[:1], None, id="missing-append"),
        pytest.param(BASE, b"challengf", id="challenge-label"),
    ],
)
def test_any_change_changes_the_challenge(
    appends: list[tuple[bytes, bytes]], challenge_label: bytes | None
) -> None:
    reference = _challenge_of(BASE)
    assert _challenge_of(appends, challenge_label or b"challenge") != reference


def test_protocol_name_separates_transcripts() -> None:
    assert Transcript(b"proto-a").challenge_scalar(b"c") != Transcript(b"proto-b").challenge_scalar(
        b"c"
    )


def test_length_prefixes_prevent_ambiguity() -> None:
    # The bytes label||data are the same; the split between them is not.
    assert _challenge_of([(b"a", b"bc")]) != _challenge_of([(b"ab", b"c")])
    # One message vs the same bytes in two appends under one label.
    assert _challenge_of([(b"m", b"abcd")]) != _challenge_of([(b"m", b"ab"), (b"m", b"cd")])
    # An empty message is still an append.
    assert _challenge_of([(b"m", b"")]) != _challenge_of([])


def test_op_code_separates_a_message_from_a_squeezed_output() -> None:
    squeezed = Transcript(PROTOCOL)
    out = squeezed.challenge_bytes(b"c", 32)
    appended = Transcript(PROTOCOL)
    appended.append_message(b"c", out)  # same label, same bytes, but a message
    assert squeezed.challenge_scalar(b"next") != appended.challenge_scalar(b"next")


def test_u64_and_scalar_encodings_are_distinct_from_each_other() -> None:
    as_u64 = Transcript(PROTOCOL)
    as_u64.append_u64(b"v", 7)
    as_scalar = Transcript(PROTOCOL)
    as_scalar.append_scalar(b"v", 7)
    assert as_u64.challenge_scalar(b"c") != as_scalar.challenge_scalar(b"c")


def test_points_count_keeps_groupings_apart(backend: Backend) -> None:
    g = backend.g1_generator()
    points = [g, g * 2, g * 3]
    split_a = Transcript(PROTOCOL)
    split_a.append_points(b"p", points[:2])
    split_a.append_points(b"p", points[2:])
    split_b = Transcript(PROTOCOL)
    split_b.append_points(b"p", points[:1])
    split_b.append_points(b"p", points[1:])
    assert split_a.challenge_scalar(b"c") != split_b.challenge_scalar(b"c")


# ---------------------------------------------------------------------------
# Challenges
# ---------------------------------------------------------------------------


def test_challenges_chain() -> None:
    transcript = _kat_transcript()
    c_1 = transcript.challenge_scalar(b"c")
    c_2 = transcript.challenge_scalar(b"c")
    assert c_1 != c_2

    # The second challenge depends on the first: the same appends with a
    # different first challenge (label), or none, give a different second one.
    other = _kat_transcript()
    other.challenge_scalar(b"d")
    assert other.challenge_scalar(b"c") != c_2
    assert _kat_transcript().challenge_scalar(b"c") != c_2


def test_challenge_is_a_function_of_the_state_only() -> None:
    transcript = _kat_transcript()
    peek = transcript.copy().challenge_scalar(b"c")
    assert transcript.challenge_scalar(b"c") == peek


def test_challenge_length_is_bound_into_the_output() -> None:
    short = _kat_transcript().challenge_bytes(b"c", 32)
    long = _kat_transcript().challenge_bytes(b"c", 64)
    assert len(short) == 32
    assert len(long) == 64
    assert not long.startswith(short)


def test_digest_is_32_bytes_and_is_a_challenge() -> None:
    d = _kat_transcript().digest(b"ph")
    assert len(d) == 32
    assert d == _kat_transcript().challenge_bytes(b"ph", 32)


def test_challenge_scalar_reduces_64_bytes_mod_r() -> None:
    transcript = _kat_transcript()
    expected = int.from_bytes(transcript.copy().challenge_bytes(b"c", 64), "big") % R
    assert transcript.challenge_scalar(b"c") == expected


def test_challenge_scalars_are_in_range() -> None:
    transcript = Transcript(PROTOCOL)
    values = [transcript.challenge_scalar(b"c") for _ in range(256)]
    assert all(0 <= c < R for c in values)
    assert len(set(values)) == len(values)
    # 512-bit outputs reduced mod r land above 2^254 often (r > 2^254).
    assert any(c >= 1 << 254 for c in values)


def test_bias_bound_of_the_reduction() -> None:
    # For x uniform in [0, 2^512), x mod r is within statistical distance
    # s·(r − s) / (r·2^512) of uniform, where s = 2^512 mod r.
    s = (1 << 512) % R
    distance = Fraction(s * (R - s), R << 512)
    assert distance < Fraction(1, 1 << 256)


# ---------------------------------------------------------------------------
# State handling
# ---------------------------------------------------------------------------


def test_copy_is_independent() -> None:
    original = _kat_transcript()
    clone = original.copy()
    clone.append_message(b"m", b"only in the clone")
    assert clone.challenge_scalar(b"c") != original.copy().challenge_scalar(b"c")
    assert original.challenge_scalar(b"c") == _kat_transcript().challenge_scalar(b"c")


def test_repr_shows_no_state() -> None:
    a, b = Transcript(PROTOCOL), _kat_transcript()
    assert repr(a) == repr(b) == "Transcript(<state hidden>)"


def test_transcript_is_slotted() -> None:
    transcript = Transcript(PROTOCOL)
    with pytest.raises(AttributeError):
        transcript.extra = 1  # type: ignore[attr-defined]


def test_bytes_like_data_is_absorbed_as_its_bytes() -> None:
    data = b"\x00\xffwallet"
    outputs = set()
    for value in (data, bytearray(data), memoryview(data)):
        transcript = Transcript(PROTOCOL)
        transcript.append_message(b"m", value)
        outputs.add(transcript.challenge_scalar(b"c"))
    assert len(outputs) == 1


# ---------------------------------------------------------------------------
# Misuse is refused with InvalidInputError
# ---------------------------------------------------------------------------


def test_identity_points_are_rejected(backend: Backend) -> None:
    transcript = Transcript(PROTOCOL)
    before = transcript.copy().challenge_scalar(b"c")
    with pytest.raises(InvalidInputError):
        transcript.append_point(b"p", backend.g1_identity())
    with pytest.raises(InvalidInputError):
        transcript.append_point(b"p", backend.g2_identity())
    g = backend.g1_generator()
    with pytest.raises(InvalidInputError):
        transcript.append_point(b"p", g - g)
    with pytest.raises(InvalidInputError):
        transcript.append_points(b"p", [g, backend.g1_identity()])
    # A refused append leaves the transcript as it was.
    assert transcript.challenge_scalar(b"c") == before


@pytest.mark.parametrize("k", [R, R + 1, -1, 1 << 256])
def test_non_canonical_scalars_are_rejected(k: int) -> None:
    with pytest.raises(InvalidInputError):
        Transcript(PROTOCOL).append_scalar(b"k", k)


def test_scalar_bounds_are_accepted() -> None:
    transcript = Transcript(PROTOCOL)
    transcript.append_scalar(b"k", 0)
    transcript.append_scalar(b"k", R - 1)


@pytest.mark.parametrize("n", [-1, 1 << 64, (1 << 64) + 1])
def test_out_of_range_u64_is_rejected(n: int) -> None:
    with pytest.raises(InvalidInputError):
        Transcript(PROTOCOL).append_u64(b"n", n)


def test_u64_bounds_are_accepted() -> None:
    transcript = Transcript(PROTOCOL)
    transcript.append_u64(b"n", 0)
    transcript.append_u64(b"n", (1 << 64) - 1)


@pytest.mark.parametrize("label", ["nonce", b"", b"x" * 256, bytearray(b"nonce"), None, 7])
def test_bad_labels_are_rejected(label: object) -> None:
    transcript = Transcript(PROTOCOL)
    calls: list[Callable[[], object]] = [
        lambda: transcript.append_message(label, b"d"),  # type: ignore[arg-type]
        lambda: transcript.append_u64(label, 1),  # type: ignore[arg-type]
        lambda: transcript.append_scalar(label, 1),  # type: ignore[arg-type]
        lambda: transcript.challenge_scalar(label),  # type: ignore[arg-type]
        lambda: transcript.challenge_bytes(label, 16),  # type: ignore[arg-type]
        lambda: transcript.digest(label),  # type: ignore[arg-type]
    ]
    for call in calls:
        with pytest.raises(InvalidInputError):
            call()


def test_a_255_byte_label_is_accepted() -> None:
    Transcript(PROTOCOL).append_message(b"x" * 255, b"d")


@pytest.mark.parametrize("data", ["text", 5, None, [1, 2]])
def test_bad_data_is_rejected(data: object) -> None:
    with pytest.raises(InvalidInputError):
        Transcript(PROTOCOL).append_message(b"m", data)  # type: ignore[arg-type]


@pytest.mark.parametrize("value", [True, 1.0, "1", None])
def test_non_integers_are_rejected(value: object) -> None:
    transcript = Transcript(PROTOCOL)
    with pytest.raises(InvalidInputError):
        transcript.append_u64(b"n", value)  # type: ignore[arg-type]
    with pytest.raises(InvalidInputError):
        transcript.append_scalar(b"k", value)  # type: ignore[arg-type]
    with pytest.raises(InvalidInputError):
        transcript.challenge_bytes(b"c", value)  # type: ignore[arg-type]


@pytest.mark.parametrize("n", [0, -1, (1 << 16) + 1])
def test_out_of_range_challenge_lengths_are_rejected(n: int) -> None:
    with pytest.raises(InvalidInputError):
        Transcript(PROTOCOL).challenge_bytes(b"c", n)


@pytest.mark.parametrize("point", [b"\x97" + b"\x00" * 47, 1, None])
def test_non_points_are_rejected(point: object) -> None:
    with pytest.raises(InvalidInputError):
        Transcript(PROTOCOL).append_point(b"p", point)  # type: ignore[arg-type]
    with pytest.raises(InvalidInputError):
        Transcript(PROTOCOL).append_points(b"p", [point])  # type: ignore[list-item]


@pytest.mark.parametrize("protocol", ["zkattest", b"", b"x" * 256, None])
def test_bad_protocol_names_are_rejected(protocol: object) -> None:
    with pytest.raises(InvalidInputError):
        Transcript(protocol)  # type: ignore[arg-type]


# ---------------------------------------------------------------------------
# Property: different append sequences give different challenges
# ---------------------------------------------------------------------------

# Small alphabets make near-misses (same bytes, different split) likely.
_labels = st.binary(min_size=1, max_size=4)
_data = st.binary(max_size=6)
_appends = st.lists(st.tuples(_labels, _data), max_size=5)


@given(_appends, _appends)
def test_different_append_sequences_give_different_challenges(
    a: list[tuple[bytes, bytes]], b: list[tuple[bytes, bytes]]
) -> None:
    if a == b:
        assert _challenge_of(a) == _challenge_of(b)
    else:
        assert _challenge_of(a) != _challenge_of(b)


@st.composite
def _same_bytes_split_differently(
    draw: st.DrawFn,
) -> tuple[list[tuple[bytes, bytes]], list[tuple[bytes, bytes]]]:
    """Two append sequences whose labels and data concatenate to the same bytes."""
    a = draw(_appends)
    flat = b"".join(label + data for label, data in a)
    b = []
    position = 0
    while position < len(flat):
        label_end = draw(st.integers(position + 1, len(flat)))
        data_end = draw(st.integers(label_end, len(flat)))
        b.append((flat[position:label_end], flat[label_end:data_end]))
        position = data_end
    return a, b


@given(_same_bytes_split_differently())
def test_the_same_bytes_split_differently_give_different_challenges(
    pair: tuple[list[tuple[bytes, bytes]], list[tuple[bytes, bytes]]],
) -> None:
    a, b = pair
    if a == b:
        assert _challenge_of(a) == _challenge_of(b)
    else:
        assert _challenge_of(a) != _challenge_of(b)


@given(_appends)
def test_any_append_sequence_matches_the_independent_derivation(
    appends: list[tuple[bytes, bytes]],
) -> None:
    absorbed = _start(PROTOCOL) + b"".join(_frame(0x01, label, data) for label, data in appends)
    out, _ = _challenge(absorbed, b"challenge", 64)
    assert _challenge_of(appends) == int.from_bytes(out, "big") % R
