"""The built-in eligibility circuits, one ``<id>.toml`` file each.

This folder is their source of truth; it ships inside the package as
``zkattest._circuits`` (see ``setup.py``) and is read with
:mod:`importlib.resources` by :mod:`zkattest.circuits.registry`: they are
the built-ins of every ``CircuitRegistry``. It holds no code.
"""
