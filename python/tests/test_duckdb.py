"""Values equal the command line's Parquet as DuckDB reads it (the npm
reader of tests/readers), for the same options."""

import os

import pytest

import customflow
from conftest import cli, duckdb_rows, need_shared, real_captures


def duck_canonical(view):
    """DuckDB's canonical rows as plain Python values by column type."""
    types = {c["name"]: c["type"] for c in view["columns"]}
    names = [c["name"] for c in view["columns"]]

    def value(t, v):
        if t.startswith("list<"):
            return tuple(value(t[5:-1], x) for x in v)
        if t == "binary":
            return bytes.fromhex(v)
        if t == "string":
            return v
        return int(v)  # integers and µs timestamps (decimal strings for 64 bits)

    rows = [tuple(value(types[n], v) for n, v in zip(names, r)) for r in view["rows"]]
    return names, rows


def frame_canonical(df):
    rows = []
    for r in df.itertuples(index=False, name=None):
        vals = []
        for c, v in zip(df.columns, r):
            if c == "first_seen":
                v = v.value // 1000
            elif c == "pkt_payload":
                v = tuple(bytes(x) for x in v)
            elif hasattr(v, "tolist") and not isinstance(v, (int, str)):
                v = v.tolist()
                v = tuple(v) if isinstance(v, list) else v
            vals.append(v)
        rows.append(tuple(vals))
    return list(df.columns), rows


OPTIONS = [
    ({}, []),
    ({"packets": 4, "payload_bytes": 32, "size": "transport", "anonymize": False},
     ["--packets", "4", "--payload-bytes", "32", "--size", "transport", "--no-anonymize"]),
]


def compare(capture, devices, tmp_path, options, args):
    out = tmp_path / "out"
    dev = ["-d", devices] if devices else []
    cli("-q", *dev, "-o", out, *args, capture, check=False)
    stem = [f for f in os.listdir(out / "bidirectional")][0] if (out / "bidirectional").exists() else None
    if stem is None:
        pytest.skip("%s: the command line wrote nothing" % capture)
    for variant in ("bidirectional", "unidirectional"):
        names, duck = duck_canonical(duckdb_rows(str(out / variant / stem)))
        import warnings
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", customflow.DamagedWarning)
            df = customflow.to_pandas(capture, devices=devices, variant=variant, **options)
        cols, mine = frame_canonical(df)
        assert cols == names
        # The file's row order is the frame's order up to records that share
        # a first_seen; compare as sorted lists.
        assert sorted(mine, key=repr) == sorted(duck, key=repr)


@pytest.mark.parametrize("options,args", OPTIONS)
def test_sample_equals_duckdb(sample, tmp_path, options, args):
    compare(sample.pcap, sample.devices, tmp_path, options, args)


REAL = [c for c in real_captures(("iot",)) if os.path.getsize(c[1]) < 3 << 20][:3]


@pytest.mark.parametrize("rel,path,devices", REAL or [("(none)", None, None)])
def test_real_equals_duckdb(rel, path, devices, tmp_path):
    need_shared()
    compare(path, devices, tmp_path, *OPTIONS[1])
