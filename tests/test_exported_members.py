"""The public surface is pinned: changing it is a deliberate act."""

from __future__ import annotations

import zkattest
from zkattest.hazmat import bbs
from zkattest.hazmat.bbs import core


def test_top_level_exports() -> None:
    assert sorted(zkattest.__all__) == sorted(
        [
            "BackendError",
            "Challenge",
            "Circuit",
            "Credential",
            "CredentialRequest",
            "DecodeError",
            "HeldWitness",
            "HolderSecret",
            "InvalidInputError",
            "IssuanceError",
            "IssuerLedger",
            "IssuerPublicKey",
            "IssuerSecretKey",
            "PendingRequest",
            "PolicyError",
            "Presentation",
            "PresentedCredential",
            "RegistryState",
            "RegistryStates",
            "RevocationRegistry",
            "Schema",
            "TrustedIssuer",
            "UnfillableSlotError",
            "VerificationError",
            "VerifiedPresentation",
            "ZkAttestError",
            "__version__",
            "accept_challenge",
            "accept_credential",
            "get_circuit",
            "get_schema",
            "issue_credential",
            "load_builtin_circuits",
            "prove",
            "request_credential",
            "select_credentials",
            "verify",
        ]
    )
    for name in zkattest.__all__:
        assert hasattr(zkattest, name)


def test_bbs_surface_mirrors_the_draft() -> None:
    assert sorted(bbs.__all__) == sorted(
        [
            "BLS12_381_SHAKE_256",
            "BLS12_381_SHA_256",
            "SUITES",
            "Ciphersuite",
            "key_gen",
            "proof_gen",
            "proof_verify",
            "sign",
            "sk_to_pk",
            "verify",
        ]
    )
    for name in bbs.__all__ + core.__all__:
        assert hasattr(bbs, name) or hasattr(core, name)


def test_error_tree() -> None:
    assert issubclass(zkattest.DecodeError, zkattest.InvalidInputError)
    assert issubclass(zkattest.InvalidInputError, ValueError)
    for name in (
        "InvalidInputError",
        "VerificationError",
        "IssuanceError",
        "PolicyError",
        "BackendError",
    ):
        assert issubclass(getattr(zkattest, name), zkattest.ZkAttestError)


def test_every_public_name_of_the_package_is_exported() -> None:
    """As httpx does: ``__all__`` is derived from what the package defines, so
    nothing public is left out of it (submodules, reached as attributes once
    imported, are not names of the package's own)."""
    import types

    defined = {
        name
        for name, value in vars(zkattest).items()
        if (not name.startswith("_") or name == "__version__")
        and not isinstance(value, types.ModuleType)
        and name != "annotations"  # from __future__ import annotations
    }
    assert sorted(defined) == sorted(zkattest.__all__)


def test_the_service_imports_only_public_names_of_the_library() -> None:
    """The service is the library's first user: it reaches nothing private."""
    import ast
    from pathlib import Path

    service = Path(zkattest.__file__).parent / "service"
    private = []
    for path in sorted(service.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.ImportFrom) or node.module is None:
                continue
            if not node.module.startswith("zkattest.") or node.module.startswith(
                "zkattest.service"
            ):
                continue
            parts = node.module.split(".")
            names = [alias.name for alias in node.names]
            if any(p.startswith("_") for p in parts) or any(n.startswith("_") for n in names):
                private.append(f"{path.relative_to(service)}: from {node.module} import {names}")
    assert private == []
