"""customflow.convert: the command line's conversion, into files."""

import filecmp
import os

import pytest

import customflow
from conftest import cli

from customflow import _customflow


def test_sample_report(sample, tmp_path):
    reps = customflow.convert(sample.pcap, out=tmp_path, devices=sample.devices, jobs=1)
    assert len(reps) == 1
    r = reps[0]
    assert isinstance(r, customflow.Report)
    assert r.status == "done" and r.message == ""
    assert r.stem == "sample"
    assert r.frames > 0 and r.packets_decoded > 0
    assert 0 < r.packets_attributed <= r.packets_decoded
    assert r.records_bi > 0 and r.records_uni >= r.records_bi
    # Skip reasons by name: every reason the library has, counted.
    assert set(r.skipped) == set(_customflow.skip_names())
    assert all(isinstance(v, int) and v >= 0 for v in r.skipped.values())
    # The per-device table adds up to the record counts, labels from the list.
    with open(sample.devices, encoding="utf-8") as f:
        listed = f.read()
    assert r.devices and all(label in listed for label in r.devices)
    assert sum(d["bidirectional"] for d in r.devices.values()) == r.records_bi
    assert sum(d["unidirectional"] for d in r.devices.values()) == r.records_uni
    # The files hold what the report says.
    bi = tmp_path / "bidirectional" / "sample.parquet"
    uni = tmp_path / "unidirectional" / "sample.parquet"
    assert len(customflow.read(bi)) == r.records_bi
    assert len(customflow.read(uni)) == r.records_uni


def cli_files_equal(a, b):
    """Every file under a has a byte-identical twin under b, and back."""
    names = lambda d: sorted(os.path.relpath(os.path.join(t, f), d)
                             for t, _, fs in os.walk(d) for f in fs)
    assert names(a) == names(b)
    for n in names(a):
        assert filecmp.cmp(os.path.join(a, n), os.path.join(b, n), shallow=False), n


@pytest.mark.parametrize("options,args", [
    ({}, []),
    ({"packets": 3, "payload_bytes": 16, "lifetime": 30, "variant": "unidirectional",
      "size": "ip", "compression": "none", "max_flows": 50},
     ["--packets", "3", "--payload-bytes", "16", "--lifetime", "30", "--variant",
      "unidirectional", "--size", "ip", "--compression", "none", "--max-flows", "50"]),
    ({"anonymize": False, "local": ["10.0.0.0/8", "192.168.0.0/16"], "filter": "tcp or udp",
      "compression": "snappy"},
     ["--no-anonymize", "--local", "10.0.0.0/8", "--local", "192.168.0.0/16", "--filter",
      "tcp or udp", "--compression", "snappy"]),
    ({"layout": "wide", "payload_cells": 500, "packets": 4},
     ["--layout", "wide", "--payload-cells", "500", "--packets", "4"]),
])
def test_same_files_as_the_command_line(sample, tmp_path, options, args):
    """Same options by their names, same bytes as the command line writes."""
    py, sh = tmp_path / "py", tmp_path / "cli"
    customflow.convert([sample.pcap], out=py, devices=sample.devices, jobs=1, **options)
    cli("-q", "-j", "1", "-d", sample.devices, "-o", sh, *args, sample.pcap)
    cli_files_equal(str(py), str(sh))


def test_directory_input_and_jobs(sample, flood, tmp_path):
    d = tmp_path / "in"
    d.mkdir()
    for c in (sample, flood):
        os.symlink(c.pcap, d / os.path.basename(c.pcap))
    reps = customflow.convert(d, out=tmp_path / "out", jobs=2)
    assert sorted(r.stem for r in reps) == ["flood", "sample"]
    assert all(r.status == "done" for r in reps)
    for r in reps:
        assert (tmp_path / "out" / "bidirectional" / (r.stem + ".parquet")).exists()


@pytest.mark.parametrize("options,needle", [
    ({"packets": -1}, "packets"),
    ({"packets": "ten"}, "packets"),
    ({"variant": "sideways"}, "variant"),
    ({"compression": "lzma"}, "compression"),
    ({"local": ["10.0.0.0/33"]}, "10.0.0.0/33"),
    ({"filter": "tcp and and"}, "filter"),
    ({"no_such_option": 1}, "no_such_option"),
    ({"devices": "/nonexistent/devices.txt"}, "/nonexistent/devices.txt"),
])
def test_bad_options_raise_error(sample, tmp_path, options, needle):
    with pytest.raises(customflow.Error) as e:
        customflow.convert(sample.pcap, out=tmp_path, **options)
    msg = str(e.value)
    assert "\n" not in msg and msg
    assert needle.replace("_", "-") in msg.replace("_", "-"), msg
    assert not (tmp_path / "bidirectional").exists()


def test_missing_input_raises_error(tmp_path):
    missing = str(tmp_path / "nope.pcap")
    with pytest.raises(customflow.Error) as e:
        customflow.convert(missing, out=tmp_path / "out")
    assert "nope.pcap" in str(e.value) and "\n" not in str(e.value)


def test_not_a_capture_raises_error_with_reports(sample, tmp_path):
    junk = tmp_path / "junk.pcap"
    junk.write_bytes(b"this is not a capture at all\n" * 10)
    with pytest.raises(customflow.Error) as e:
        customflow.convert([sample.pcap, str(junk)], out=tmp_path / "out", devices=sample.devices)
    assert "junk.pcap" in str(e.value)
    by_stem = {r.stem: r for r in e.value.reports}
    assert by_stem["junk"].status == "failed"
    assert by_stem["sample"].status == "done"  # the other input is still converted
    assert (tmp_path / "out" / "bidirectional" / "sample.parquet").exists()
    assert not (tmp_path / "out" / "bidirectional" / "junk.parquet").exists()


def test_truncated_capture_is_a_damaged_warning(sample, tmp_path):
    data = open(sample.pcap, "rb").read()
    cut = tmp_path / "cut.pcap"
    cut.write_bytes(data[: len(data) // 2 + 7])
    with pytest.warns(customflow.DamagedWarning, match="cut.pcap"):
        reps = customflow.convert(cut, out=tmp_path / "out", devices=sample.devices)
    assert reps[0].status == "damaged" and reps[0].records_bi > 0
    assert len(customflow.read(tmp_path / "out" / "bidirectional" / "cut.parquet")) == reps[0].records_bi


def test_wrong_argument_types_raise_type_error(tmp_path):
    with pytest.raises(TypeError):
        customflow.convert(12, out=tmp_path)
    with pytest.raises(TypeError):
        _customflow.convert([("packets",)], "x.pcap")
