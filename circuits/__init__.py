"""The built-in eligibility circuits, one ``<id>.toml`` file each.

This folder is their source of truth; it ships inside the package as
``zkattest._circuits`` (see ``setup.py``) and is read with
:mod:`importlib.resources` by :func:`zkattest.circuits.get_circuit`. It holds
no code.
"""
