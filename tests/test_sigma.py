"""Sigma protocols sharing an external challenge: linear relations and set membership."""

from __future__ import annotations

import pytest

from zkattest.errors import InvalidInputError, PolicyError, VerificationError
from zkattest.hazmat.curve import Backend, R
from zkattest.hazmat.pedersen import commit, pedersen_generators
from zkattest.hazmat.sigma import (
    LinearProver,
    LinearRelation,
    SetMembershipProof,
    SetMembershipProver,
    random_scalar,
    verify_linear,
    verify_set_membership,
)


def _opening(C: object, backend: Backend) -> list[LinearRelation]:
    G, H = pedersen_generators(backend)
    return [LinearRelation(C, (("v", G), ("gamma", H)))]  # type: ignore[arg-type]


def test_opening_with_a_fixed_blinding_gives_the_shared_response(backend: Backend) -> None:
    v, gamma, v_tilde = 1_234_567, random_scalar(), random_scalar()
    C = commit(v, gamma)
    prover = LinearProver(
        _opening(C, backend), {"v": v, "gamma": gamma}, fixed_tilde={"v": v_tilde}
    )
    T = prover.commitments()
    c = random_scalar()
    responses = prover.responses(c)
    assert responses["v"] == (v_tilde + c * v) % R  # what BBS publishes as m^_j
    verify_linear(_opening(C, backend), T, responses, c)
    with pytest.raises(VerificationError):
        verify_linear(_opening(C, backend), T, responses, (c + 1) % R)
    with pytest.raises(VerificationError):
        verify_linear(_opening(C, backend), T, {**responses, "v": responses["v"] + 1}, c)
    with pytest.raises(VerificationError):
        verify_linear(_opening(C + pedersen_generators(backend)[0], backend), T, responses, c)


def test_linear_prover_refuses_false_witnesses(backend: Backend) -> None:
    C = commit(5, 7)
    with pytest.raises(PolicyError):
        LinearProver(_opening(C, backend), {"v": 6, "gamma": 7})
    with pytest.raises(InvalidInputError):
        LinearProver(_opening(C, backend), {"v": 5})
    with pytest.raises(InvalidInputError):
        LinearProver(_opening(C, backend), {"v": 5, "gamma": 7}, fixed_tilde={"w": 1})


def test_not_equal_by_inverse(backend: Backend) -> None:
    """v != v0 as knowledge of (a, b) with G = a·(C − v0·G) + b·H (a = 1/(v − v0))."""
    G, H = pedersen_generators(backend)
    v, v0, gamma = 840, 826, random_scalar()
    C = commit(v, gamma)
    a = pow(v - v0, -1, R)
    relations = [LinearRelation(G, (("a", C - G * v0), ("b", H)))]
    prover = LinearProver(relations, {"a": a, "b": -a * gamma % R})
    T, c = prover.commitments(), random_scalar()
    verify_linear(relations, T, prover.responses(c), c)
    # when v == v0 no witness exists: C − v0·G = γ·H
    C_eq = commit(v0, gamma)
    with pytest.raises(PolicyError):
        LinearProver([LinearRelation(G, (("a", C_eq - G * v0), ("b", H)))], {"a": a, "b": 0})


def test_set_membership(backend: Backend) -> None:
    G, H = pedersen_generators(backend)
    members = [1, 2, 3, 5]
    gamma = random_scalar()
    C = commit(3, gamma)
    prover = SetMembershipProver(C, 3, gamma, members, G, H)
    c = random_scalar()
    proof = prover.finish(c)
    assert tuple(prover.commitments()) == proof.T
    verify_set_membership(C, members, proof, c, G, H)
    with pytest.raises(VerificationError):
        verify_set_membership(C, members, proof, c + 1, G, H)
    with pytest.raises(VerificationError):
        verify_set_membership(C, [1, 2, 4, 5], proof, c, G, H)
    with pytest.raises(VerificationError):
        verify_set_membership(commit(4, gamma), members, proof, c, G, H)
    with pytest.raises(VerificationError):
        verify_set_membership(C, members[:3], proof, c, G, H)
    with pytest.raises(PolicyError):
        SetMembershipProver(commit(4, gamma), 4, gamma, members, G, H)


def test_set_membership_forged_by_lying_about_the_value_fails(backend: Backend) -> None:
    """A prover that commits to 4 but runs the protocol claiming 3 is caught."""
    G, H = pedersen_generators(backend)
    gamma = random_scalar()
    C = commit(4, gamma)
    members = [1, 3]
    forged = SetMembershipProver(commit(3, gamma), 3, gamma, members, G, H)
    c = random_scalar()
    proof = forged.finish(c)
    bad = SetMembershipProof(proof.T, proof.c_branch, proof.z)
    with pytest.raises(VerificationError):
        verify_set_membership(C, members, bad, c, G, H)
