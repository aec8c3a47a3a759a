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
            "DecodeError",
            "InvalidInputError",
            "IssuanceError",
            "IssuerPublicKey",
            "IssuerSecretKey",
            "PolicyError",
            "Presentation",
            "Schema",
            "VerificationError",
            "VerifiedPresentation",
            "ZkAttestError",
            "__version__",
            "accept_credential",
            "get_circuit",
            "get_schema",
            "issue_credential",
            "load_builtin_circuits",
            "prove",
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
