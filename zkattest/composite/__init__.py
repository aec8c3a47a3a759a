"""Composite proofs: typed statements over credentials, gadgets, one proof type.

- :mod:`~zkattest.composite.statement`: the statement and the circuit compiler;
- :mod:`~zkattest.composite.gadgets`: the parts of a statement, run by both sides;
- :mod:`~zkattest.composite.engine`: the proof type, its one layout, the prover and verifier.

The recipes (:mod:`zkattest.holder`, :mod:`zkattest.verifier`) use these; so
will statements over several credentials.
"""
