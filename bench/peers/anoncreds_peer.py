"""Peer benchmark: Hyperledger AnonCreds (PyPI ``anoncreds`` 0.2.3, CL signatures).

Workload: a schema and credential definition (no revocation) over ten
investor-style attributes, one credential issued to a link secret, and a
presentation request with three ``>=`` predicates on integer attributes
(net worth, KYC level, expiry date as YYYYMMDD) and no revealed attribute, bound
to the verifier's nonce and restricted to the issuer's credential definition.
It reports the median wall-clock time (``time.perf_counter``, in ms) of
``Presentation.create`` (prove) and ``Presentation.verify`` (verify), and the
size of the presentation's JSON. Set-up (credential definition with its key
correctness proof, offer, request, issuance) is excluded from the timings; its
one-off duration is reported separately.

:func:`run_two` is the same comparison for ``accredited_investor_506c_verified``:
two credentials from two issuers bound to one link secret, with predicates on
each, in one presentation.

Used in-process by ``bench/eligibility_bench.py``; also runnable alone::

    pip install -e '.[bench]'
    .venv/bin/python bench/peers/anoncreds_peer.py --iterations 20

which prints one JSON line like the Node peers.
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib.metadata
import json
import os
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from typing import Any

PEER = "anoncreds"
ISSUER_ID = "did:example:kyc-issuer"
SCHEMA_ID = f"{ISSUER_ID}/schema/investor/1.0"
CRED_DEF_ID = f"{ISSUER_ID}/cred-def/investor/default"
ATTRIBUTES: dict[str, str] = {
    "holder_ref": "wallet-holder-7f3a9c",
    "legal_name": "Ada Quintessa Lovelace",
    "birth_date": "19870314",
    "country": "GB",
    "investor_type": "individual",
    "net_worth_usd": "3141592",
    "annual_income_usd": "271828",
    "kyc_level": "3",
    "accreditation_basis": "net_worth",
    "expiry_date": "20990115",
}
#: (attribute, lower bound): the presentation proves attribute >= bound for each.
PREDICATES: tuple[tuple[str, int], ...] = (
    ("net_worth_usd", 1_000_000),
    ("kyc_level", 2),
    ("expiry_date", int(dt.date.today().strftime("%Y%m%d"))),
)


@dataclass(frozen=True)
class AnonCredsResult:
    """Medians of one run, the presentation's size and the one-off set-up time."""

    peer: str
    version: str
    median_ms: dict[str, float]
    presentation_bytes: int
    setup_s: float
    #: False when ``Presentation.verify`` accepted a request with stronger bounds than proven.
    library_checks_bounds: bool
    workload: dict[str, Any]


def median_ms(op: Callable[[], object], warmup: int, iterations: int) -> float:
    for _ in range(warmup):
        op()
    samples = []
    for _ in range(iterations):
        start = time.perf_counter()
        op()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples) * 1000.0


def presentation_request(nonce: str, predicates: Sequence[tuple[str, int]]) -> dict[str, Any]:
    restrictions = [{"cred_def_id": CRED_DEF_ID}]
    return {
        "name": "eligibility",
        "version": "1.0",
        "nonce": nonce,
        "requested_attributes": {},
        "requested_predicates": {
            f"pred_{name}": {
                "name": name,
                "p_type": ">=",
                "p_value": bound,
                "restrictions": restrictions,
            }
            for name, bound in predicates
        },
    }


def request_nonce(pres_req: Any) -> str:
    return str(pres_req.to_dict()["nonce"])


def _accepts(ac: Any, presentation: Any, request: Any, schemas: Any, cred_defs: Any) -> bool:
    try:
        return bool(presentation.verify(request, schemas, cred_defs))
    except ac.AnoncredsError:
        return False


def _proven(presentation: Any) -> list[tuple[str, str, int]]:
    """The (attribute, type, bound) of every predicate the presentation's proofs carry."""
    return [
        (ge["predicate"]["attr_name"], ge["predicate"]["p_type"], ge["predicate"]["value"])
        for sub in presentation.to_dict()["proof"]["proofs"]
        for ge in sub["primary_proof"]["ge_proofs"]
    ]


def _timed(
    prove: Callable[[], Any],
    verify: Callable[[], None],
    presentation: Any,
    setup_s: float,
    library_checks_bounds: bool,
    workload: dict[str, Any],
    iterations: int,
    warmup: int,
) -> AnonCredsResult:
    """The medians of ``prove`` and ``verify``, with the presentation's size."""
    return AnonCredsResult(
        peer=PEER,
        version=importlib.metadata.version("anoncreds"),
        median_ms={
            "prove": median_ms(prove, warmup, iterations),
            "verify": median_ms(verify, warmup, iterations),
        },
        presentation_bytes=len(presentation.to_json().encode()),
        setup_s=setup_s,
        library_checks_bounds=library_checks_bounds,
        workload=workload,
    )


def run(iterations: int = 20, warmup: int = 3) -> AnonCredsResult:
    """Issue one credential, then time presentation creation and verification.

    Raises ImportError if ``anoncreds`` is not installed, AssertionError if the
    presentation does not verify, verifies under another nonce, or carries
    other predicates than requested.
    """
    import anoncreds as ac

    setup_start = time.perf_counter()
    schema = ac.Schema.create("investor", "1.0", ISSUER_ID, list(ATTRIBUTES))
    cred_def, cred_def_private, key_proof = ac.CredentialDefinition.create(
        SCHEMA_ID, schema, ISSUER_ID, "default", "CL", support_revocation=False
    )
    link_secret = ac.create_link_secret()
    offer = ac.CredentialOffer.create(SCHEMA_ID, CRED_DEF_ID, key_proof)
    request, request_metadata = ac.CredentialRequest.create(
        "holder-entropy", None, cred_def, link_secret, "default", offer
    )
    credential = ac.Credential.create(
        cred_def, cred_def_private, offer, request, ATTRIBUTES
    ).process(request_metadata, link_secret, cred_def)
    setup_s = time.perf_counter() - setup_start

    schemas = {SCHEMA_ID: schema}
    cred_defs = {CRED_DEF_ID: cred_def}
    pres_req = ac.PresentationRequest.load(presentation_request(ac.generate_nonce(), PREDICATES))
    present = ac.PresentCredentials()
    present.add_predicates(credential, *(f"pred_{name}" for name, _ in PREDICATES))

    def prove() -> Any:
        return ac.Presentation.create(pres_req, present, {}, link_secret, schemas, cred_defs)

    def verify() -> None:
        if not presentation.verify(pres_req, schemas, cred_defs):
            raise AssertionError("an AnonCreds presentation did not verify")

    presentation = prove()
    verify()
    # Another nonce must not verify, so "verified" in the timings means something.
    replay = ac.PresentationRequest.load(presentation_request(ac.generate_nonce(), PREDICATES))
    if _accepts(ac, presentation, replay, schemas, cred_defs):
        raise AssertionError("AnonCreds verified a presentation against another nonce")
    # The bounds the proof carries must be the requested ones. anoncreds 0.2.3 takes them
    # from the proof itself and does not compare them with the request (callers such as
    # ACA-Py check them first), so check here and record whether the library did.
    proven = set(_proven(presentation))
    if proven != {(name, "GE", bound) for name, bound in PREDICATES}:
        raise AssertionError(f"the presentation proves other predicates: {sorted(proven)}")
    stronger = [(name, bound + 10**6) for name, bound in PREDICATES]
    stronger_req = ac.PresentationRequest.load(
        presentation_request(request_nonce(pres_req), stronger)
    )
    library_checks_bounds = not _accepts(ac, presentation, stronger_req, schemas, cred_defs)

    return _timed(
        prove,
        verify,
        presentation,
        setup_s,
        library_checks_bounds,
        {
            "attributes": len(ATTRIBUTES),
            "predicates": [f"{name} >= {bound}" for name, bound in PREDICATES],
            "revealed": 0,
            "iterations": iterations,
            "warmup": warmup,
        },
        iterations,
        warmup,
    )


KYC_ISSUER_ID = "did:example:kyc-issuer"
CPA_ISSUER_ID = "did:example:cpa"
#: The two-credential workload's accreditation letter (enum codes as integers).
LETTER: dict[str, str] = {
    "holder_ref": "engagement-12",
    "accreditation_basis": "2",  # income
    "verifier_kind": "1",  # cpa
    "verified_date": (dt.date.today() - dt.timedelta(days=10)).strftime("%Y%m%d"),
    "issuance_date": (dt.date.today() - dt.timedelta(days=9)).strftime("%Y%m%d"),
    "expiry_date": (dt.date.today() + dt.timedelta(days=80)).strftime("%Y%m%d"),
}
#: The KYC credential of the two-credential workload: ATTRIBUTES and a sanctions result.
KYC: dict[str, str] = ATTRIBUTES | {"sanctions_screening": "clear"}


def _issued(
    ac: Any, issuer_id: str, name: str, attributes: dict[str, str], link_secret: Any
) -> tuple[str, Any, str, Any, Any]:
    """One issuer's schema and credential definition, and a credential on them
    issued to ``link_secret``: schema id, schema, cred def id, cred def, credential."""
    schema_id = f"{issuer_id}/schema/{name}/1.0"
    cred_def_id = f"{issuer_id}/cred-def/{name}/default"
    schema = ac.Schema.create(name, "1.0", issuer_id, list(attributes))
    cred_def, private, key_proof = ac.CredentialDefinition.create(
        schema_id, schema, issuer_id, "default", "CL", support_revocation=False
    )
    offer = ac.CredentialOffer.create(schema_id, cred_def_id, key_proof)
    request, metadata = ac.CredentialRequest.create(
        "holder-entropy", None, cred_def, link_secret, "default", offer
    )
    credential = ac.Credential.create(cred_def, private, offer, request, attributes).process(
        metadata, link_secret, cred_def
    )
    return schema_id, schema, cred_def_id, cred_def, credential


def run_two(iterations: int = 20, warmup: int = 3) -> AnonCredsResult:
    """The two-credential workload of ``accredited_investor_506c_verified``: a
    KYC provider's credential and a CPA's letter, both issued to one link secret
    (AnonCreds' holder binding), one presentation over both with predicates on
    each (KYC: kyc_level >= 2, expiry >= today, sanctions revealed and required
    "clear"; letter: basis code >= 1, verified within 90 days, expiry >= today),
    each restricted to its issuer's credential definition. Raises
    AssertionError if it does not verify, or verifies under another nonce or
    with the letter's restriction pointed at the KYC issuer."""
    import anoncreds as ac

    today = dt.date.today()
    ymd = int(today.strftime("%Y%m%d"))
    setup_start = time.perf_counter()
    link_secret = ac.create_link_secret()
    k_schema_id, k_schema, k_def_id, k_def, k_cred = _issued(
        ac, KYC_ISSUER_ID, "investor", KYC, link_secret
    )
    c_schema_id, c_schema, c_def_id, c_def, c_cred = _issued(
        ac, CPA_ISSUER_ID, "accreditation", LETTER, link_secret
    )
    setup_s = time.perf_counter() - setup_start
    kyc_predicates = (("kyc_level", 2), ("expiry_date", ymd))
    letter_predicates = (
        ("accreditation_basis", 1),
        ("verified_date", int((today - dt.timedelta(days=90)).strftime("%Y%m%d"))),
        ("expiry_date", ymd),
    )

    def request(nonce: str, letter_issuer: str = c_def_id) -> Any:
        predicates = {
            f"kyc_{name}": {"name": name, "p_type": ">=", "p_value": bound,
                            "restrictions": [{"cred_def_id": k_def_id}]}
            for name, bound in kyc_predicates
        } | {
            f"letter_{name}": {"name": name, "p_type": ">=", "p_value": bound,
                               "restrictions": [{"cred_def_id": letter_issuer}]}
            for name, bound in letter_predicates
        }  # fmt: skip
        return ac.PresentationRequest.load(
            {
                "name": "accredited_investor_506c_verified",
                "version": "1.0",
                "nonce": nonce,
                "requested_attributes": {
                    "kyc_sanctions": {
                        "name": "sanctions_screening",
                        "restrictions": [
                            {"cred_def_id": k_def_id, "attr::sanctions_screening::value": "clear"}
                        ],
                    }
                },
                "requested_predicates": predicates,
            }
        )

    pres_req = request(ac.generate_nonce())
    present = ac.PresentCredentials()
    present.add_attributes(k_cred, "kyc_sanctions", reveal=True)
    present.add_predicates(k_cred, *(f"kyc_{name}" for name, _ in kyc_predicates))
    present.add_predicates(c_cred, *(f"letter_{name}" for name, _ in letter_predicates))
    schemas = {k_schema_id: k_schema, c_schema_id: c_schema}
    cred_defs = {k_def_id: k_def, c_def_id: c_def}

    def prove() -> Any:
        return ac.Presentation.create(pres_req, present, {}, link_secret, schemas, cred_defs)

    def verify() -> None:
        if not presentation.verify(pres_req, schemas, cred_defs):
            raise AssertionError("an AnonCreds two-credential presentation did not verify")

    presentation = prove()
    verify()
    nonce = request_nonce(pres_req)
    if _accepts(ac, presentation, request(ac.generate_nonce()), schemas, cred_defs):
        raise AssertionError("AnonCreds verified a presentation against another nonce")
    if _accepts(ac, presentation, request(nonce, k_def_id), schemas, cred_defs):
        raise AssertionError("AnonCreds took the letter from the KYC issuer's definition")
    proven = sorted(_proven(presentation))
    if proven != sorted((n, "GE", b) for n, b in (*kyc_predicates, *letter_predicates)):
        raise AssertionError(f"the presentation proves other predicates: {proven}")
    return _timed(
        prove,
        verify,
        presentation,
        setup_s,
        False,  # as run() finds; the proven bounds are checked here instead
        {
            "credentials": 2,
            "attributes": [len(KYC), len(LETTER)],
            "predicates": [f"{n} >= {b}" for n, b in (*kyc_predicates, *letter_predicates)],
            "revealed": ["sanctions_screening (required 'clear')"],
            "iterations": iterations,
            "warmup": warmup,
        },
        iterations,
        warmup,
    )


@dataclass(frozen=True)
class RevocationResult:
    """AnonCreds' CKS revocation for one registry size, in one run: what the
    issuer and the holder pay, and what revocation adds to a presentation."""

    size: int
    #: The registry definition with its tails file (issuer, once per registry).
    tails_generation_s: float
    tails_bytes: int
    #: The holder's first witness (its revocation state), from the tails file.
    witness_ms: float
    #: The issuer's status list update revoking ``revoked`` credentials.
    revoke_ms: float
    revoked: int
    #: The holder's witness update over those revocations (tails file again).
    witness_update_ms: float
    #: The same presentation without and with a non-revocation proof.
    verify_ms: tuple[float, float]
    presentation_bytes: tuple[int, int]


def run_revocation(
    size: int, revoked: int, iterations: int = 20, warmup: int = 3
) -> RevocationResult:
    """One credential of a revocable credential definition in a registry of
    ``size``, ``revoked`` others then revoked; the holder's witness made and
    updated; one ``>=`` predicate presented with and without a non-revocation
    proof against the latest status list (both must verify)."""
    import tempfile

    import anoncreds as ac

    attributes = {"kyc_level": "3", "expiry_date": "20990115"}
    cred_def_id = f"{ISSUER_ID}/cred-def/investor/revocable"
    rev_reg_id = f"{ISSUER_ID}/rev-reg/investor/{size}"
    schema = ac.Schema.create("investor", "1.0", ISSUER_ID, list(attributes))
    cred_def, cred_def_private, key_proof = ac.CredentialDefinition.create(
        SCHEMA_ID, schema, ISSUER_ID, "revocable", "CL", support_revocation=True
    )
    with tempfile.TemporaryDirectory() as tails_dir:
        start = time.perf_counter()
        reg_def, reg_private = ac.RevocationRegistryDefinition.create(
            cred_def_id, cred_def, ISSUER_ID, "bench", "CL_ACCUM", size, tails_dir_path=tails_dir
        )
        tails_generation_s = time.perf_counter() - start
        tails = reg_def.tails_location
        tails_bytes = os.path.getsize(tails)
        issued_at = int(time.time()) - 3600
        status = ac.RevocationStatusList.create(
            cred_def, rev_reg_id, reg_def, reg_private, ISSUER_ID, True, issued_at
        )
        link_secret = ac.create_link_secret()
        offer = ac.CredentialOffer.create(SCHEMA_ID, cred_def_id, key_proof)
        request, metadata = ac.CredentialRequest.create(
            "holder-entropy", None, cred_def, link_secret, "default", offer
        )
        credential = ac.Credential.create(
            cred_def,
            cred_def_private,
            offer,
            request,
            attributes,
            None,
            ac.CredentialRevocationConfig(reg_def, reg_private, status, 1),
        ).process(metadata, link_secret, cred_def, reg_def)
        witness_ms = median_ms(
            lambda: ac.CredentialRevocationState.create(reg_def, status, 1, tails),
            warmup,
            iterations,
        )
        first = ac.CredentialRevocationState.create(reg_def, status, 1, tails)
        indexes = list(range(2, 2 + min(revoked, size - 1)))
        revoke_ms = median_ms(
            lambda: status.update(cred_def, reg_def, reg_private, None, indexes, issued_at + 60),
            0,
            max(1, iterations // 4),
        )
        latest = status.update(cred_def, reg_def, reg_private, None, indexes, issued_at + 60)
        witness_update_ms = median_ms(
            lambda: ac.CredentialRevocationState.create(reg_def, latest, 1, tails, first, status),
            warmup,
            iterations,
        )
        state = ac.CredentialRevocationState.create(reg_def, latest, 1, tails, first, status)
        nonce = ac.generate_nonce()
        schemas, cred_defs = {SCHEMA_ID: schema}, {cred_def_id: cred_def}
        results = []
        for with_revocation in (False, True):
            body: dict[str, Any] = {
                "name": "eligibility",
                "version": "1.0",
                "nonce": nonce,
                "requested_attributes": {},
                "requested_predicates": {
                    "kyc": {
                        "name": "kyc_level",
                        "p_type": ">=",
                        "p_value": 2,
                        "restrictions": [{"cred_def_id": cred_def_id}],
                    }
                },
            }
            present = ac.PresentCredentials()
            if with_revocation:
                body["non_revoked"] = {"from": issued_at + 60, "to": issued_at + 120}
                present.add_predicates(credential, "kyc", timestamp=issued_at + 60, rev_state=state)
            else:
                present.add_predicates(credential, "kyc")
            pres_req = ac.PresentationRequest.load(body)
            presentation = ac.Presentation.create(
                pres_req, present, {}, link_secret, schemas, cred_defs
            )
            revocation_args: tuple[Any, ...] = (
                ({rev_reg_id: reg_def}, [latest]) if with_revocation else (None, None)
            )

            def verify(
                presentation: Any = presentation,
                pres_req: Any = pres_req,
                revocation_args: tuple[Any, ...] = revocation_args,
            ) -> None:
                if not presentation.verify(pres_req, schemas, cred_defs, *revocation_args):
                    raise AssertionError("an AnonCreds presentation did not verify")

            verify()
            results.append((median_ms(verify, warmup, iterations), len(presentation.to_json())))
    return RevocationResult(
        size=size,
        tails_generation_s=tails_generation_s,
        tails_bytes=tails_bytes,
        witness_ms=witness_ms,
        revoke_ms=revoke_ms,
        revoked=len(indexes),
        witness_update_ms=witness_update_ms,
        verify_ms=(results[0][0], results[1][0]),
        presentation_bytes=(results[0][1], results[1][1]),
    )


def main(argv: Sequence[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    p.add_argument("--iterations", type=int, default=20)
    p.add_argument("--warmup", type=int, default=3)
    p.add_argument("--two", action="store_true", help="the two-credential workload")
    args = p.parse_args(argv)
    chosen = run_two if args.two else run
    print(json.dumps(asdict(chosen(args.iterations, args.warmup))))
    return 0


if __name__ == "__main__":
    sys.exit(main())
