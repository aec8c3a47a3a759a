"""Shared fixtures: every backend runs the same tests."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from zkattest.hazmat.curve import BACKEND_NAMES, Backend, use_backend

VECTORS = Path(__file__).parent / "vectors"


@pytest.fixture(params=BACKEND_NAMES)
def backend(request: pytest.FixtureRequest) -> Iterator[Backend]:
    """Run the test once per curve backend, with that backend selected globally."""
    with use_backend(request.param) as selected:
        yield selected


def load_vector(relative: str) -> Any:
    return json.loads((VECTORS / relative).read_text())
