"""Alembic migrations of the verifier's database (see :mod:`zkattest.service.storage.schema`)."""
