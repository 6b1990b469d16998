"""customflow.to_numpy: fixed-size model input."""

import numpy as np
import pytest

import customflow
from conftest import cli


def test_shapes_padding_and_values(sample):
    i, j = 6, 40
    m = customflow.to_numpy(sample.pcap, devices=sample.devices, packets=i, payload_bytes=j)
    df = customflow.to_pandas(sample.pcap, devices=sample.devices, packets=i, payload_bytes=j)
    n = len(df)
    assert n > 0
    assert m["offset_us"].shape == (n, i) and m["offset_us"].dtype == np.int64
    assert m["size"].shape == (n, i) and m["size"].dtype == np.int32
    assert m["direction"].shape == (n, i) and m["direction"].dtype == np.int8
    assert m["payload"].shape == (n, i, j) and m["payload"].dtype == np.uint8
    assert m["payload_len"].shape == (n, i) and m["n_packets"].shape == (n,)
    assert m["first_seen"].dtype == np.dtype("datetime64[us]")
    assert m["protocol"].dtype == np.uint8 and m["remote_port"].dtype == np.uint16
    for k, row in enumerate(df.itertuples(index=False)):
        c = len(row.pkt_size)
        assert m["n_packets"][k] == c
        np.testing.assert_array_equal(m["offset_us"][k, :c], row.pkt_offset_us)
        np.testing.assert_array_equal(m["size"][k, :c], row.pkt_size)
        np.testing.assert_array_equal(m["direction"][k, :c], row.pkt_direction)
        assert (m["offset_us"][k, c:] == -1).all() and (m["size"][k, c:] == -1).all()
        assert (m["direction"][k, c:] == -1).all() and (m["payload_len"][k, c:] == 0).all()
        for p, b in enumerate(row.pkt_payload):
            assert m["payload_len"][k, p] == len(b)
            assert bytes(m["payload"][k, p, : len(b)]) == b
            assert not m["payload"][k, p, len(b):].any()
        assert m["device"][k] == row.device
        assert m["first_seen"][k].astype(np.int64) == row.first_seen.value // 1000
    assert (m["n_packets"] == i).any()  # some record fills every row


def test_from_files_cuts_to_i_and_j(sample, tmp_path):
    cli("-q", "-d", sample.devices, "-o", tmp_path, sample.pcap)
    f = tmp_path / "bidirectional" / "sample.parquet"
    full = customflow.read(f)
    m = customflow.to_numpy(f, packets=2, payload_bytes=5)
    assert m["offset_us"].shape == (len(full), 2) and m["payload"].shape == (len(full), 2, 5)
    assert (m["payload_len"] <= 5).all()
    assert (m["n_packets"] == full["pkt_size"].map(lambda a: min(len(a), 2)).to_numpy()).all()
    whole_dir = customflow.to_numpy(tmp_path, packets=2, payload_bytes=5)
    assert len(whole_dir["n_packets"]) == len(full) + len(customflow.read(tmp_path / "unidirectional"))


def test_bad_sizes(sample):
    with pytest.raises(customflow.Error):
        customflow.to_numpy(sample.pcap, packets=-3)
