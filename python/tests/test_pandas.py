"""to_pandas (in memory) and read (files customflow wrote)."""

import os

import numpy as np
import pandas as pd
import pytest

import customflow
from conftest import cli
from frames import SCHEMA, assert_same_records, check_dtypes


@pytest.fixture(scope="module")
def cli_out(sample, tmp_path_factory):
    """The command line's files for the sample, both layouts."""
    base = tmp_path_factory.mktemp("cli")
    cli("-q", "-d", sample.devices, "-o", base / "nested", sample.pcap)
    cli("-q", "-d", sample.devices, "-o", base / "wide", "--layout", "wide", sample.pcap)
    return base


def test_to_pandas_dtypes(sample):
    df = customflow.to_pandas(sample.pcap, devices=sample.devices)
    assert list(df.columns) == SCHEMA
    assert len(df) > 0
    check_dtypes(df)
    assert df["first_seen"].dt.tz is not None
    assert (df["first_seen"].dt.year >= 2000).all()
    rep = df.attrs["report"]
    assert rep.records_bi == len(df) and rep.status == "done"


@pytest.mark.parametrize("variant", ["bidirectional", "unidirectional"])
def test_read_of_cli_files_equals_to_pandas(sample, cli_out, variant):
    files = customflow.read(cli_out / "nested" / variant / "sample.parquet")
    mem = customflow.to_pandas(sample.pcap, devices=sample.devices, variant=variant)
    check_dtypes(files)
    assert list(files.columns) == list(mem.columns) == SCHEMA
    assert_same_records(files, mem)
    # The file is in first_seen order; so is the frame read from it.
    assert files["first_seen"].is_monotonic_increasing


def test_both_variants_and_directory(sample, cli_out):
    both = customflow.to_pandas(sample.pcap, devices=sample.devices, variant="both")
    assert list(both.columns) == ["variant"] + SCHEMA
    assert set(both["variant"].unique()) == {"bidirectional", "unidirectional"}
    whole = customflow.read(cli_out / "nested")  # both subdirectories, one frame
    assert list(whole.columns) == ["variant"] + SCHEMA
    assert_same_records(whole, both)
    for v in ("bidirectional", "unidirectional"):
        part = whole[whole["variant"] == v].drop(columns="variant")
        assert_same_records(part, customflow.read(cli_out / "nested" / v))


def test_read_wide_layout(cli_out):
    """Wide files come back in the nested columns: equal to the nested file
    but for payloads, which the wide layout cuts to its cells."""
    for v in ("bidirectional", "unidirectional"):
        wide = customflow.read(cli_out / "wide" / v / "sample.parquet")
        nested = customflow.read(cli_out / "nested" / v / "sample.parquet")
        assert list(wide.columns) == SCHEMA
        check_dtypes(wide)
        assert len(wide) == len(nested)
        w = wide.sort_values(["first_seen", "device", "remote_ip", "remote_port", "device_port"],
                             kind="stable").reset_index(drop=True)
        n = nested.sort_values(["first_seen", "device", "remote_ip", "remote_port", "device_port"],
                               kind="stable").reset_index(drop=True)
        scalar = SCHEMA[:8]
        pd.testing.assert_frame_equal(w[scalar], n[scalar])
        for c in ("pkt_offset_us", "pkt_size", "pkt_direction"):
            for a, b in zip(w[c], n[c]):
                np.testing.assert_array_equal(a, b)
        for a, b in zip(w["pkt_payload"], n["pkt_payload"]):
            assert len(a) <= len(b)
            assert all(b[k].startswith(a[k]) for k in range(len(a)))


def test_options_shape_the_frame(sample):
    df = customflow.to_pandas(sample.pcap, devices=sample.devices, packets=3, payload_bytes=8,
                              size="payload", lifetime=15)
    assert df["pkt_size"].map(len).max() == 3
    assert max(len(p) for row in df["pkt_payload"] for p in row) <= 8
    bigger = customflow.to_pandas(sample.pcap, devices=sample.devices, lifetime=60)
    assert len(df) >= len(bigger)  # shorter lifetime, at least as many records


def test_without_device_list_macs_label_devices(sample):
    df = customflow.to_pandas(sample.pcap)
    assert len(df) > 0
    assert df["device"].str.fullmatch(r"([0-9a-f]{2}:){5}[0-9a-f]{2}|[0-9a-f.:]+").all()


def test_filter_and_groupby(sample):
    df = customflow.to_pandas(sample.pcap, devices=sample.devices, filter="udp")
    assert len(df) > 0 and (df["protocol"] == 17).all()
    counts = df.groupby("device")["remote_port"].value_counts()
    assert counts.sum() == len(df)


def test_read_list_of_files_and_errors(cli_out, tmp_path):
    a = cli_out / "nested" / "bidirectional" / "sample.parquet"
    two = customflow.read([a, a])
    assert len(two) == 2 * len(customflow.read(a))
    with pytest.raises(customflow.Error, match="no .parquet"):
        customflow.read(tmp_path)
    junk = tmp_path / "junk.parquet"
    junk.write_bytes(b"PAR1 certainly not parquet PAR1")
    with pytest.raises(customflow.Error, match="junk.parquet"):
        customflow.read(junk)
    cut = tmp_path / "cut.parquet"
    data = a.read_bytes()
    cut.write_bytes(data[: len(data) // 2])
    with pytest.raises(customflow.Error, match="cut.parquet"):
        customflow.read(cut)
    with pytest.raises(customflow.Error, match="missing.parquet"):
        customflow.read(tmp_path / "missing.parquet")


def test_source_errors(sample, tmp_path):
    with pytest.raises(customflow.Error, match="nope.pcap"):
        customflow.to_pandas(tmp_path / "nope.pcap")
    text = tmp_path / "text.pcap"
    text.write_text("hello\n" * 100)
    with pytest.raises(customflow.Error, match="text.pcap"):
        customflow.to_pandas(text)
    with pytest.raises(customflow.Error, match="variant"):
        customflow.to_pandas(sample.pcap, variant="diagonal")


def test_merged_sources(sample):
    one = customflow.to_pandas(sample.pcap, devices=sample.devices)
    both = customflow.to_pandas([sample.pcap, sample.pcap], devices=sample.devices)
    # Each packet twice: the same records, each with doubled totals.
    assert len(both) == len(one)
    assert both["total_packets"].sum() == 2 * one["total_packets"].sum()
