"""Every function on the real captures of ../shared/pcaps: read() of the
command line's files equals to_pandas() of the capture; damaged and
malformed captures are errors or warnings, never a crash."""

import os
import warnings

import pytest

import customflow
from conftest import cli, need_shared, real_captures
from frames import assert_same_records, check_dtypes

GOOD = real_captures(("iot", "general", "linktypes"))
BAD = real_captures(("malformed",))


@pytest.mark.parametrize("rel,path,devices", GOOD or [("(none)", None, None)])
def test_read_equals_to_pandas(rel, path, devices, tmp_path):
    need_shared()
    dev = ["-d", devices] if devices else []
    p = cli("-q", *dev, "-o", tmp_path, path, check=False)
    assert p.returncode in (0, 1), p.stderr
    files = sorted((tmp_path / "bidirectional").glob("*.parquet")) if (tmp_path / "bidirectional").exists() else []
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            mem = customflow.to_pandas(path, devices=devices)
        except customflow.Error as e:
            assert p.returncode == 1 and not files, "to_pandas failed, the command did not: %s" % e
            return
    damaged = [w for w in caught if issubclass(w.category, customflow.DamagedWarning)]
    assert bool(damaged) == (p.returncode == 1), (p.returncode, [str(w.message) for w in caught])
    assert len(files) == 1
    got = customflow.read(files[0])
    check_dtypes(got)
    assert_same_records(got, mem)
    n = customflow.to_numpy(path, devices=devices, packets=3, payload_bytes=20)
    assert n["payload"].shape == (len(mem), 3, 20)
    assert sum(1 for _ in customflow.flows(path, devices=devices)) == len(mem)


@pytest.mark.parametrize("rel,path,devices", BAD or [("(none)", None, None)])
def test_malformed_never_crash(rel, path, devices, tmp_path):
    need_shared()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", customflow.DamagedWarning)
        for fn in (lambda: customflow.to_pandas(path, variant="both"),
                   lambda: list(customflow.flows(path)),
                   lambda: customflow.to_numpy(path, packets=2, payload_bytes=4),
                   lambda: customflow.convert(path, out=tmp_path / "o")):
            try:
                fn()
            except customflow.Error as e:
                assert str(e) and "\n" not in str(e)
