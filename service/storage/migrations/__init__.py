"""Alembic migrations of the verifier's database (see :mod:`service.storage.schema`)."""
