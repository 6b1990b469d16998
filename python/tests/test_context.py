"""--context in Python: to_numpy(context=K)'s (n, K+1, F) tensor checked
against a brute-force construction from to_pandas (previous records of the
same device in record order), from a capture and from rotated files; and
read()'s context_index across files."""

import numpy as np
import pytest

import customflow
from conftest import cli

I, J = 4, 8


def brute_force(df, k, variant=None):
    """Expected tensor and mask from a frame without context columns: the
    device's previous k records (per variant) in row order."""
    n = len(df)
    first = df["first_seen"].dt.tz_localize(None).to_numpy().astype("datetime64[us]").astype(np.int64)
    feats = []
    for row in df.itertuples(index=False):
        c = min(len(row.pkt_size), I)
        pad = [-1] * (I - c)
        feats.append(
            [0, row.protocol, row.device_port, row.remote_port, row.total_bytes, row.total_packets, c]
            + list(row.pkt_offset_us[:c]) + pad
            + list(row.pkt_size[:c]) + pad
            + list(row.pkt_direction[:c]) + pad
        )
    feats = np.array(feats, dtype=np.int64)
    tensor = np.full((n, k + 1, feats.shape[1]), -1, dtype=np.int64)
    mask = np.zeros((n, k + 1), dtype=bool)
    seen = {}
    keys = list(zip(df["variant"] if variant else [None] * n, df["device"]))
    for r in range(n):
        prev = seen.setdefault(keys[r], [])
        for h, p in enumerate(reversed(prev[-k:]), start=1):
            tensor[r, k - h] = feats[p]
            tensor[r, k - h, 0] = first[r] - first[p]
            mask[r, k - h] = True
        tensor[r, k] = feats[r]
        mask[r, k] = True
        prev.append(r)
    return tensor, mask


def test_context_tensor_from_a_capture(sample):
    k = 3
    m = customflow.to_numpy(sample.pcap, devices=sample.devices, packets=I, payload_bytes=J,
                            context=k)
    df = customflow.to_pandas(sample.pcap, devices=sample.devices, packets=I, payload_bytes=J)
    want, mask = brute_force(df, k)
    n = len(df)
    assert m["context"].shape == (n, k + 1, len(customflow.CONTEXT_FEATURES) + 3 * I)
    assert m["context"].dtype == np.int64
    np.testing.assert_array_equal(m["context_mask"], mask)
    np.testing.assert_array_equal(m["context"], want)
    np.testing.assert_array_equal(m["context_count"], mask.sum(axis=1) - 1)
    assert (m["context_count"] == k).any() and (m["context_count"] == 0).any()
    # absent rows are -1 throughout, present previous rows are not later
    assert (m["context"][~m["context_mask"]] == -1).all()
    assert (m["context"][m["context_mask"]][:, 0] >= 0).all()
    # a control: the tensor is not the same when the order is broken
    assert not np.array_equal(m["context"], brute_force(df.iloc[::-1].reset_index(drop=True), k)[0])


def test_context_tensor_both_variants(sample):
    k = 2
    m = customflow.to_numpy(sample.pcap, devices=sample.devices, variant="both", packets=I,
                            payload_bytes=J, context=k)
    df = customflow.to_pandas(sample.pcap, devices=sample.devices, variant="both", packets=I,
                              payload_bytes=J)
    want, mask = brute_force(df, k, variant=True)
    np.testing.assert_array_equal(m["context_mask"], mask)
    np.testing.assert_array_equal(m["context"], want)


def test_context_tensor_from_rotated_files(sample, tmp_path):
    k = 3
    cli("-q", "-d", sample.devices, "--context", k, "--rotate", "1m", "-o", tmp_path, sample.pcap)
    d = tmp_path / "bidirectional"
    assert len(list(d.iterdir())) > 2
    f = customflow.to_numpy(d, packets=I, payload_bytes=J, context=k)
    m = customflow.to_numpy(sample.pcap, devices=sample.devices, packets=I, payload_bytes=J,
                            context=k)
    np.testing.assert_array_equal(f["device"], m["device"])
    np.testing.assert_array_equal(f["context_mask"], m["context_mask"])
    np.testing.assert_array_equal(f["context"], m["context"])
    # fewer previous records than context=K asks for: refused
    with pytest.raises(customflow.Error, match="--context 3"):
        customflow.to_numpy(d, packets=I, payload_bytes=J, context=4)


def test_read_resolves_context_files(sample, tmp_path):
    k = 2
    cli("-q", "-d", sample.devices, "--context", k, "--rotate", "1m", "-o", tmp_path, sample.pcap)
    df = customflow.read(tmp_path / "bidirectional")
    crossing = df["context_files"].map(lambda a: any(x != "" for x in a))
    assert crossing.any()
    first = df["first_seen"].to_numpy()
    seen = {}
    for r, row in enumerate(df.itertuples(index=False)):
        idx = list(row.context_index)
        assert len(idx) == len(row.context_rows)
        for p in idx:
            assert p >= 0 and df["device"].iat[p] == row.device and first[p] <= first[r]
        prev = seen.setdefault(row.device, [])
        assert idx == prev[-k:]
        prev.append(r)
    # a file left out: its references are -1
    files = sorted((tmp_path / "bidirectional").iterdir())
    part = customflow.read(files[1:])
    assert (np.concatenate(list(part["context_index"])) == -1).any()


def test_context_needs_context_columns(sample, tmp_path):
    cli("-q", "-d", sample.devices, "-o", tmp_path, sample.pcap)
    with pytest.raises(customflow.Error, match="without --context"):
        customflow.to_numpy(tmp_path / "bidirectional", context=2)
    assert "context_index" not in customflow.read(tmp_path / "bidirectional")
