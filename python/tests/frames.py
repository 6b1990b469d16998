"""Helpers to compare frames of records cell by cell."""

import numpy as np

import customflow

KEY = ["device", "first_seen", "remote_ip", "protocol", "device_port", "remote_port"]


def canonical(df):
    """The frame as sorted tuples of plain Python values (µs timestamps,
    lists of ints, lists of bytes), whatever the dtypes."""
    cols = list(df.columns)
    out = []
    for row in df.itertuples(index=False, name=None):
        vals = []
        for c, v in zip(cols, row):
            if c == "first_seen":
                v = int(v.value // 1000) if hasattr(v, "value") else int(v)
            elif isinstance(v, np.ndarray):
                v = tuple(bytes(x) if isinstance(x, bytes) else int(x) for x in v)
            elif isinstance(v, np.integer):
                v = int(v)
            vals.append(v)
        out.append(tuple(vals))
    return cols, sorted(out, key=repr)


def assert_same_records(a, b):
    ca, ra = canonical(a)
    cb, rb = canonical(b)
    assert ca == cb
    assert len(ra) == len(rb)
    for x, y in zip(ra, rb):
        assert x == y


def check_dtypes(df):
    assert str(df["first_seen"].dtype) in ("datetime64[us, UTC]", "datetime64[ns, UTC]")
    assert df["protocol"].dtype == np.uint8
    assert df["device_port"].dtype == np.uint16 and df["remote_port"].dtype == np.uint16
    assert df["total_bytes"].dtype == np.int64 and df["total_packets"].dtype == np.int64
    assert df["device"].dtype == object and df["remote_ip"].dtype == object
    assert list(df.columns[-4:]) == ["pkt_offset_us", "pkt_size", "pkt_direction", "pkt_payload"] \
        or "remote_name" in df.columns
    for off, size, dirs, pay, tp in zip(df["pkt_offset_us"], df["pkt_size"], df["pkt_direction"],
                                         df["pkt_payload"], df["total_packets"]):
        assert off.dtype == np.int64 and size.dtype == np.int32 and dirs.dtype == np.int8
        assert len(off) == len(size) == len(dirs) == len(pay) <= tp
        assert all(isinstance(p, bytes) for p in pay)
        assert set(dirs.tolist()) <= {0, 1}
        assert len(off) == 0 or off[0] == 0


def columns_of(frame):
    return [c for c in frame.columns if c != "variant"]


SCHEMA = list(customflow.SCHEMA)
