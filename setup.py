"""Package layout that pyproject.toml cannot express on its own.

The built-in eligibility circuits live in the repository's top-level
``circuits/`` folder (their source of truth) and ship inside the package as
``zkattest._circuits``, read with :mod:`importlib.resources`. Everything else
is in pyproject.toml.
"""

from setuptools import find_packages, setup

setup(
    packages=[
        *find_packages(include=["zkattest", "zkattest.*"]),
        "zkattest._circuits",  # the circuits/ folder: *.toml files
        "zkattest.service.storage.migrations.versions",  # Alembic revision scripts
    ],
    package_dir={"zkattest._circuits": "circuits"},
    package_data={
        "zkattest": ["py.typed"],
        "zkattest._circuits": ["*.toml"],
        "zkattest.service.storage.migrations": ["script.py.mako"],
    },
)
