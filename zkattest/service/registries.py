"""Issuers' revocation registry states in the service: accepted, stored, looked up.

A registry state (:class:`zkattest.revocation.RegistryState`) is signed by its
issuer, so the service takes it from anyone (``POST /v1/registry-states``) or
fetches it itself from the issuer's configured URL (the admin pull), checks it
against the trusted issuer's key, and stores it. Presentations from an issuer
with a stored state must prove their credential a member of one of its states
published no earlier than the challenge's ``registry_not_before``
(``ZKATTEST_MAX_REGISTRY_STATE_AGE_SECONDS`` before it): :class:`StoredRegistries`
is what :func:`zkattest.verify` looks them up in. The service stores no
revocation handle and learns none: a presentation shows only the epoch it was
proven in.
"""

from __future__ import annotations

import logging
import threading
import time
import urllib.error
import urllib.request
from typing import Any

import pydantic_core

from zkattest.errors import VerificationError, ZkAttestError
from zkattest.hazmat.accumulator import AccumulatorPublicKey
from zkattest.hazmat.curve import get_backend
from zkattest.revocation import MAX_CLOCK_SKEW, RegistryState, StateSummary
from zkattest.schema import canonical_json
from zkattest.service.api.deps import ServiceState
from zkattest.service.problems import Problem
from zkattest.service.storage.errors import IssuerNotTrusted, RegistryStateConflict
from zkattest.service.storage.records import RegistryStateRecord

__all__ = [
    "MAX_PULLED_BYTES",
    "REGISTRY_STATE_MAX_BYTES",
    "StoredRegistries",
    "accept_state",
    "accept_states",
    "pull_states",
]

log = logging.getLogger("zkattest.service")

#: The largest body ``POST /v1/registry-states`` takes: a state of
#: :data:`~zkattest.revocation.MAX_REMOVALS_PER_EPOCH` removals is about 170 KB.
REGISTRY_STATE_MAX_BYTES = 256 * 1024
#: The most a registry URL may answer with.
MAX_PULLED_BYTES = 8 * 1024 * 1024
#: How long the pull waits for the issuer's registry URL.
PULL_TIMEOUT_SECONDS = 10.0
#: Seconds a process keeps its list of the issuers with stored states.
_TRACKED_SECONDS = 5.0


class StoredRegistries:
    """The stored registry states, as :func:`zkattest.verify` asks for them
    (:class:`zkattest.revocation.RegistryLookup`); per process, the states
    read are kept (a stored state never changes) and the list of issuers with
    states is re-read every few seconds."""

    def __init__(self, state: ServiceState) -> None:
        self._state = state
        self._lock = threading.Lock()
        self._tracked: tuple[float, frozenset[str]] | None = None
        self._summaries: dict[tuple[str, int], StateSummary] = {}

    def forget(self) -> None:
        """Re-read the issuers with states at the next look-up (after a state was added)."""
        with self._lock:
            self._tracked = None

    def tracks(self, issuer_key_id: str) -> bool:
        now = time.monotonic()
        with self._lock:
            tracked = self._tracked
        if tracked is None or now - tracked[0] > _TRACKED_SECONDS:
            tracked = (now, frozenset(self._state.store.registry_issuers()))
            with self._lock:
                self._tracked = tracked
        return issuer_key_id in tracked[1]

    def get(self, issuer_key_id: str, epoch: int) -> StateSummary | None:
        key = (issuer_key_id, epoch)
        with self._lock:
            known = self._summaries.get(key)
        if known is not None:
            return known
        record = self._state.store.registry_state(issuer_key_id, epoch)
        if record is None:
            return None
        backend = get_backend()
        summary = StateSummary(
            AccumulatorPublicKey.from_bytes(bytes.fromhex(record.accumulator_key)),
            record.epoch,
            backend.g1_from_bytes(bytes.fromhex(record.value)),
            record.issued_at,
        )
        with self._lock:
            if len(self._summaries) >= 4096:
                self._summaries.clear()
            self._summaries[key] = summary
        return summary


def accept_state(state: ServiceState, document: Any) -> tuple[RegistryStateRecord, bool]:
    """Check a registry state (a parsed JSON object) against its trusted
    issuer's key and store it; the record and whether it is new."""
    return accept_states(state, [document])[0]


def accept_states(
    state: ServiceState, documents: list[Any]
) -> list[tuple[RegistryStateRecord, bool]]:
    """Check one issuer's registry states (parsed JSON objects) and store them,
    all or none. In this order, cheapest first: the issuer must be trusted, the
    issuer's signature must hold over each document as sent (canonical JSON:
    nothing is decoded before it is authenticated), then every point and
    scalar is decoded and validated, and no state may be dated in the future.
    Raises :class:`Problem` for a malformed or forged state, an issuer not
    trusted, or a conflict with the stored states (which then stay as they were)."""
    from zkattest.service.admission import trusted_issuers  # (it imports this module)

    if not documents or not all(isinstance(d, dict) for d in documents):
        raise Problem("invalid-registry-state", "give registry state objects")
    key_ids = {d.get("issuer_key_id") for d in documents}
    if len(key_ids) != 1:
        raise Problem("invalid-registry-state", "the states are of several issuers")
    grant = trusted_issuers(state).get(str(key_ids.pop()))
    if grant is None:
        raise Problem("registry-issuer-not-trusted")
    now = state.store.clock()
    records = []
    for document in documents:
        try:
            RegistryState.check_document(document, grant.key)
        except VerificationError:
            raise Problem(
                "invalid-registry-state", "the issuer's signature does not verify"
            ) from None
        try:
            parsed = RegistryState.from_json(canonical_json(document))
        except (ZkAttestError, TypeError, ValueError) as exc:
            raise Problem("invalid-registry-state", str(exc)) from None
        if parsed.issued_at > now + MAX_CLOCK_SKEW:
            raise Problem("invalid-registry-state", "the state is dated in the future")
        records.append(
            RegistryStateRecord(
                issuer_key_id=parsed.issuer_key_id,
                epoch=parsed.epoch,
                accumulator_key=parsed.accumulator_key.to_bytes().hex(),
                value=parsed.value.to_bytes().hex(),
                issued_at=parsed.issued_at,
                received_at=now,
                body=parsed.to_json(),
            )
        )
    try:
        stored = state.store.add_registry_states(records)
    except IssuerNotTrusted:
        raise Problem("registry-issuer-not-trusted") from None
    except RegistryStateConflict as exc:
        raise Problem("registry-state-conflict", str(exc)) from None
    if any(created for _, created in stored):
        state.registries.forget()
    for record, created in stored:
        if created:
            log.info("registry state stored issuer=%s epoch=%d", record.issuer_key_id, record.epoch)
    return stored


def pull_states(state: ServiceState, issuer_key_id: str) -> list[tuple[RegistryStateRecord, bool]]:
    """Fetch the issuer's states from its configured URL (a state, or a JSON
    list of states) and accept them (:func:`accept_states`: all or none)."""
    url = state.settings.registry_urls.get(issuer_key_id)
    if url is None:
        raise Problem("registry-not-configured")
    request = urllib.request.Request(url, headers={"Accept": "application/json"})  # noqa: S310 - http(s) only, checked in the settings
    try:
        with urllib.request.urlopen(request, timeout=PULL_TIMEOUT_SECONDS) as answer:  # noqa: S310
            raw = answer.read(MAX_PULLED_BYTES + 1)
    except (urllib.error.URLError, OSError, ValueError) as exc:
        log.warning("registry pull failed issuer=%s: %s", issuer_key_id, exc.__class__.__name__)
        raise Problem("registry-unreachable") from None
    if len(raw) > MAX_PULLED_BYTES:
        raise Problem("registry-unreachable", "the registry URL answered too much")
    try:
        # pydantic-core's parser: bounded nesting (an error, where json.loads on a
        # worker thread's small stack could overflow it), RFC 8259 numbers only
        document = pydantic_core.from_json(raw, allow_inf_nan=False)
    except ValueError:
        raise Problem("registry-unreachable", "the registry URL did not answer JSON") from None
    documents = document if isinstance(document, list) else [document]
    if not documents or not all(isinstance(d, dict) for d in documents):
        raise Problem("registry-unreachable", "the registry URL answered no states")
    if any(d.get("issuer_key_id") != issuer_key_id for d in documents):
        raise Problem("invalid-registry-state", "a pulled state is of another issuer")
    return accept_states(state, documents)
