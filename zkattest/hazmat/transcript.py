r"""The Fiat–Shamir transcript every non-interactive proof of zkattest goes through.

A :class:`Transcript` is a SHAKE256 sponge that absorbs a prefix-free encoding
of everything the prover and verifier agree on, in order, and squeezes the
verifier's challenges from it. It follows the model of Merlin transcripts
(https://merlin.cool, built on STROBE-128, https://strobe.sourceforge.io/):
a versioned domain separator, a protocol label, then labelled messages and
labelled challenges, each challenge depending on everything before it,
earlier challenges included. Like Merlin, and unlike hashing a bare
concatenation, two different sequences of operations never absorb the same
bytes, so a proof for one statement cannot be replayed as a proof for
another. (RFC 9380's ``expand_message`` is not involved: challenges are
squeezed directly from the sponge.)

Encoding, with ``I2OSP(n, k)`` the k-byte big-endian encoding of n and ``||``
concatenation::

    header    = I2OSP(len(TRANSCRIPT_DOMAIN), 4) || TRANSCRIPT_DOMAIN
    frame     = op || I2OSP(len(label), 4) || label || I2OSP(len(data), 8) || data
    op        = 0x01 (OP_MESSAGE) | 0x02 (OP_CHALLENGE)

``TRANSCRIPT_DOMAIN`` is ``b"zkattest/transcript/v1"``
(:mod:`zkattest.hazmat.labels`). A label is 1 to 255 bytes; data is any byte
string. The sponge absorbs, in this order:

1. ``Transcript(protocol)``: ``header``, then the message frame
   ``(OP_MESSAGE, PROTOCOL, protocol)``.
2. Each ``append_*(label, ...)``: the message frame ``(OP_MESSAGE, label, data)``
   with ``data`` the value's canonical encoding: ``append_u64`` I2OSP(n, 8),
   ``append_scalar`` I2OSP(k, 32) with ``0 <= k < r``, ``append_point`` the
   compressed point (48 bytes in G1, 96 in G2), never the identity.
   ``append_points`` absorbs the count with ``append_u64`` and then each point
   with ``append_point``, all under the same label.
3. ``challenge_bytes(label, n)`` with ``1 <= n <= MAX_CHALLENGE_BYTES``: let
   ``challenge_head = OP_CHALLENGE || I2OSP(len(label), 4) || label || I2OSP(n, 8)``,
   the head of a challenge frame whose data is the output. On a copy of the
   sponge, absorb ``challenge_head`` and squeeze ``n`` bytes ``out``; then absorb
   ``challenge_head || out`` (the whole frame) into the live sponge, so every later
   output depends on this one. ``challenge_scalar(label)`` is
   ``OS2IP(challenge_bytes(label, 64)) mod r`` and ``digest(label)`` is
   ``challenge_bytes(label, 32)``.

Why: the op code says what a frame is, the length prefixes say where the label
and the data end, and the header's version says which encoding this is, so the
absorbed bytes parse back into exactly one sequence of operations (the squeezed
input always ends in a ``challenge_head``, and ``n >= 1`` keeps a complete
challenge frame from looking like one). Different protocols differ in their
first frame. The output length is bound into ``challenge_head``, so
``challenge_bytes(label, 32)`` is not a prefix of ``challenge_bytes(label, 64)``.
``challenge_scalar`` reduces 512 bits modulo the 255-bit ``r``: the result is
within statistical distance ``r / (4·2^512) < 2^-256`` of uniform on ``[0, r)``
(``docs/notes/transcript.md``).

Context goes in first: a protocol built on this transcript appends its context
(circuit, verifier domain, nonce, wallet address, ...) right after creating
it, before any commitment.

Nothing here is constant-time or zeroizable: Python's ``hashlib`` and integers
make no such promise. A transcript holds public data only and is not
thread-safe; give each proof its own.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from typing import Protocol

from zkattest.errors import InvalidInputError
from zkattest.hazmat import labels
from zkattest.hazmat.curve import G1, G2, R, scalar_to_bytes

__all__ = [
    "DIGEST_BYTES",
    "MAX_CHALLENGE_BYTES",
    "MAX_LABEL_BYTES",
    "OP_CHALLENGE",
    "OP_MESSAGE",
    "SCALAR_CHALLENGE_BYTES",
    "Transcript",
]

#: Op code of a frame that carries a message appended by the caller.
OP_MESSAGE = 0x01
#: Op code of a frame that carries output squeezed from the transcript.
OP_CHALLENGE = 0x02
#: The longest label, in bytes.
MAX_LABEL_BYTES = 255
#: The most bytes one call to :meth:`Transcript.challenge_bytes` returns.
MAX_CHALLENGE_BYTES = 1 << 16
#: Bytes squeezed for one challenge scalar: 512 bits, reduced modulo r.
SCALAR_CHALLENGE_BYTES = 64
#: Bytes returned by :meth:`Transcript.digest`.
DIGEST_BYTES = 32

_U64_LIMIT = 1 << 64


class _Sponge(Protocol):
    """What the transcript needs of ``hashlib.shake_256`` objects."""

    def update(self, data: bytes, /) -> None: ...
    def copy(self) -> _Sponge: ...
    def digest(self, length: int, /) -> bytes: ...


def _check_label(label: object) -> bytes:
    if not isinstance(label, bytes):
        raise InvalidInputError(f"a transcript label must be bytes, not {type(label).__name__}")
    if not 1 <= len(label) <= MAX_LABEL_BYTES:
        raise InvalidInputError(
            f"a transcript label is 1 to {MAX_LABEL_BYTES} bytes, got {len(label)}"
        )
    return label


def _check_data(data: object) -> bytes:
    if isinstance(data, bytes):
        return data
    if isinstance(data, (bytearray, memoryview)):
        return bytes(data)
    raise InvalidInputError(f"transcript data must be bytes, not {type(data).__name__}")


def _check_int(value: object, what: str) -> int:
    # bool is an int subclass; True is not a scalar or a length.
    if not isinstance(value, int) or isinstance(value, bool):
        raise InvalidInputError(f"{what} must be an int, not {type(value).__name__}")
    return value


def _frame_head(op: int, label: bytes, data_len: int) -> bytes:
    """``op || I2OSP(len(label), 4) || label || I2OSP(data_len, 8)``: a frame up to its data."""
    return (
        op.to_bytes(1, "big") + len(label).to_bytes(4, "big") + label + data_len.to_bytes(8, "big")
    )


class Transcript:
    """A Fiat–Shamir transcript: labelled appends in, labelled challenges out.

    Prover and verifier build the same transcript by making the same calls in
    the same order; the encoding is specified in the module docstring. Labels
    come from :mod:`zkattest.hazmat.labels`.
    """

    __slots__ = ("_sponge",)

    _sponge: _Sponge

    def __init__(self, protocol: bytes) -> None:
        """Start a transcript for ``protocol``, 1 to 255 bytes (``b"zkattest/presentation/v1"``)."""
        if not isinstance(protocol, bytes):
            raise InvalidInputError(f"a protocol name must be bytes, not {type(protocol).__name__}")
        if not 1 <= len(protocol) <= MAX_LABEL_BYTES:
            raise InvalidInputError(f"a protocol name is 1 to {MAX_LABEL_BYTES} bytes")
        domain = labels.TRANSCRIPT_DOMAIN
        self._sponge = hashlib.shake_256(len(domain).to_bytes(4, "big") + domain)
        self._absorb(OP_MESSAGE, labels.PROTOCOL, protocol)

    # -- appends ----------------------------------------------------------------
    def append_message(self, label: bytes, data: bytes | bytearray | memoryview) -> None:
        """Absorb ``data`` under ``label``."""
        self._absorb(OP_MESSAGE, _check_label(label), _check_data(data))

    def append_u64(self, label: bytes, n: int) -> None:
        """Absorb I2OSP(n, 8) under ``label``; ``0 <= n < 2^64``."""
        label = _check_label(label)
        n = _check_int(n, "a u64")
        if not 0 <= n < _U64_LIMIT:
            raise InvalidInputError("a u64 is in [0, 2^64)")
        self._absorb(OP_MESSAGE, label, n.to_bytes(8, "big"))

    def append_scalar(self, label: bytes, k: int) -> None:
        """Absorb I2OSP(k, 32) under ``label``; ``k`` must be canonical, ``0 <= k < r``."""
        label = _check_label(label)
        k = _check_int(k, "a scalar")
        self._absorb(OP_MESSAGE, label, scalar_to_bytes(k))

    def append_point(self, label: bytes, point: G1 | G2) -> None:
        """Absorb the compressed encoding of ``point`` under ``label``; the identity is refused.

        The identity is never a valid commitment or public key in our
        protocols; a prover who could append it could cancel terms of the
        verification equation.
        """
        label = _check_label(label)
        if not isinstance(point, (G1, G2)):
            raise InvalidInputError(
                f"a transcript point must be a G1 or G2 point, not {type(point).__name__}"
            )
        if point.is_identity():
            raise InvalidInputError("the identity cannot be appended to a transcript")
        self._absorb(OP_MESSAGE, label, point.to_bytes())

    def append_points(self, label: bytes, points: Sequence[G1 | G2]) -> None:
        """Absorb ``len(points)`` with :meth:`append_u64`, then each with :meth:`append_point`.

        The count keeps ``[P, Q]`` followed by ``[R]`` apart from ``[P]``
        followed by ``[Q, R]`` under one label. Every point is checked before
        anything is absorbed, so a refused call leaves the transcript as it was.
        """
        label = _check_label(label)
        if not isinstance(points, Sequence):
            raise InvalidInputError(f"points must be a sequence, not {type(points).__name__}")
        points = list(points)
        staged = self.copy()
        staged.append_u64(label, len(points))
        for point in points:
            staged.append_point(label, point)
        self._sponge = staged._sponge

    # -- outputs ----------------------------------------------------------------
    def challenge_bytes(self, label: bytes, n: int) -> bytes:
        """``n`` bytes squeezed under ``label`` and then absorbed; ``1 <= n <= 65536``."""
        label = _check_label(label)
        n = _check_int(n, "a challenge length")
        if not 1 <= n <= MAX_CHALLENGE_BYTES:
            raise InvalidInputError(f"a challenge is 1 to {MAX_CHALLENGE_BYTES} bytes")
        head = _frame_head(OP_CHALLENGE, label, n)
        fork = self._sponge.copy()
        fork.update(head)
        out = fork.digest(n)
        self._sponge.update(head + out)
        return out

    def challenge_scalar(self, label: bytes) -> int:
        """A challenge in ``[0, r)``: OS2IP(challenge_bytes(label, 64)) mod r.

        Zero is possible, with probability about 2^-255; callers that need a
        non-zero challenge say so themselves.
        """
        out = self.challenge_bytes(label, SCALAR_CHALLENGE_BYTES)
        return int.from_bytes(out, "big") % R

    def digest(self, label: bytes) -> bytes:
        """32 bytes binding the whole transcript so far: challenge_bytes(label, 32).

        Use it to carry this transcript into another protocol's input, e.g. a
        BBS ``presentation_header``. Like every output it is absorbed, so later
        challenges depend on it.
        """
        return self.challenge_bytes(label, DIGEST_BYTES)

    # -- housekeeping -------------------------------------------------------------
    def copy(self) -> Transcript:
        """An independent transcript in the same state (for trial branches, OR-proofs)."""
        clone = Transcript.__new__(Transcript)
        clone._sponge = self._sponge.copy()
        return clone

    def __repr__(self) -> str:
        return "Transcript(<state hidden>)"

    def _absorb(self, op: int, label: bytes, data: bytes) -> None:
        self._sponge.update(_frame_head(op, label, len(data)))
        self._sponge.update(data)
