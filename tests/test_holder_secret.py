"""The holder's secret: made once, kept mode 0600, never shown, never pickled."""

from __future__ import annotations

import json
import logging
import os
import pickle
import stat
from pathlib import Path

import pytest

from zkattest.errors import DecodeError, InvalidInputError
from zkattest.hazmat.curve import R
from zkattest.holder import HolderSecret


def test_a_holder_secret_round_trips_through_a_0600_file(tmp_path: Path) -> None:
    secret = HolderSecret.generate()
    path = tmp_path / "holder.secret.json"
    secret.save(path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert HolderSecret.load(path) == secret
    assert HolderSecret.generate() != secret
    with pytest.raises(InvalidInputError, match="never overwritten"):
        HolderSecret.generate().save(path)
    assert HolderSecret.load(path) == secret  # untouched


def test_it_is_never_shown(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    secret = HolderSecret(0x1234567890ABCDEF, 0xFEDCBA0987654321)
    shown = [repr(secret), str(secret), f"{secret!r}", f"{secret}"]
    logging.getLogger("zkattest.test").warning("holder %s %r", secret, secret)
    shown.append(caplog.text)
    for text in shown:
        for value in (0x1234567890ABCDEF, 0xFEDCBA0987654321):
            assert format(value, "x") not in text.lower()
            assert str(value) not in text
    with pytest.raises(TypeError):
        pickle.dumps(secret)
    with pytest.raises(TypeError):
        hash(secret)


def test_a_file_others_can_read_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "holder.secret.json"
    HolderSecret.generate().save(path)
    os.chmod(path, 0o644)
    with pytest.raises(InvalidInputError, match="mode 0600") as info:
        HolderSecret.load(path)
    assert str(path) in str(info.value)


def _doc(**fields: object) -> str:
    return json.dumps({"type": "zkattest/holder-secret", "version": 1, **fields})


ONE = "01" * 32


@pytest.mark.parametrize(
    "document",
    [
        "not json",
        _doc(),
        _doc(type="zkattest/credential", holder_secret=ONE, prover_nym=ONE),
        _doc(holder_secret="00" * 32, prover_nym=ONE),  # a zero secret
        _doc(holder_secret=R.to_bytes(32, "big").hex(), prover_nym=ONE),  # not below r
    ],
)
def test_malformed_files_are_refused_without_their_content(tmp_path: Path, document: str) -> None:
    path = tmp_path / "holder.secret.json"
    fd = os.open(path, os.O_WRONLY | os.O_CREAT, 0o600)
    with os.fdopen(fd, "w") as out:
        out.write(document)
    with pytest.raises(DecodeError, match="not a holder secret file") as info:
        HolderSecret.load(path)
    assert "01" * 8 not in str(info.value)


def test_missing_file_and_bad_values(tmp_path: Path) -> None:
    with pytest.raises(InvalidInputError, match="no such file"):
        HolderSecret.load(tmp_path / "absent.json")
    for bad in (0, R, -1):
        with pytest.raises(InvalidInputError):
            HolderSecret(bad, 1)
