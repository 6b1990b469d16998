"""Fixtures: the project's build (CF_BUILD, default build/), the sample
capture made by its generator, the command line, the shared real captures
(skipped with a message when ../shared is absent) and the npm Parquet
readers (DuckDB) of tests/readers."""

import json
import os
import shutil
import subprocess
import sys
import types

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BUILD = os.path.join(ROOT, os.environ.get("CF_BUILD", "build"))
SHARED = os.environ.get("SHARED_DIR") or os.path.join(os.path.dirname(ROOT), "shared")
PCAPS = os.path.join(SHARED, "pcaps")
READERS = os.path.join(ROOT, "tests", "readers")


def child_env():
    """The environment for the project's programs and node: without the
    sanitizer runtime that python/tests/run.sh preloads into the interpreter
    for an ASan build (the programs carry their own)."""
    env = dict(os.environ)
    env.pop("LD_PRELOAD", None)
    return env


def tool(name):
    path = os.path.join(BUILD, name)
    if not os.access(path, os.X_OK):
        pytest.fail("%s missing: run make first" % path)
    return path


def cli(*args, check=True):
    """Runs build/customflow; the CompletedProcess."""
    p = subprocess.run([tool("customflow"), *map(str, args)], capture_output=True, text=True,
                       env=child_env())
    if check and p.returncode != 0:
        raise AssertionError("customflow %s: exit %d: %s" % (args, p.returncode, p.stderr))
    return p


def gencap(out_dir, name, *args):
    """A generated capture and its device list."""
    pcap = os.path.join(out_dir, name + ".pcap")
    devices = os.path.join(out_dir, name + "-devices.txt")
    subprocess.run([tool("cf-gencap"), *args, "-o", pcap, "--devices-out", devices], check=True,
                   capture_output=True, env=child_env())
    return types.SimpleNamespace(pcap=pcap, devices=devices, stem=name)


@pytest.fixture(scope="session")
def sample(tmp_path_factory):
    """build/cf-gencap --preset sample: a 5-minute synthetic IoT home."""
    return gencap(str(tmp_path_factory.mktemp("sample")), "sample", "--preset", "sample")


@pytest.fixture(scope="session")
def flood(tmp_path_factory):
    """A flow-heavy capture: many short records (the generator's flood)."""
    return gencap(str(tmp_path_factory.mktemp("flood")), "flood", "--preset", "flood")


def shared_pcaps():
    if not os.path.isdir(PCAPS):
        return None
    return PCAPS


def real_captures(subdirs=("iot", "general", "linktypes")):
    """(relative path, path, device list or None) of the shared captures."""
    if not shared_pcaps():
        return []
    unsw = os.path.join(PCAPS, "docs", "UNSW_List_Of_Devices.txt")
    out = []
    for sub in subdirs:
        for top, dirs, files in os.walk(os.path.join(PCAPS, sub)):
            dirs.sort()
            for f in sorted(files):
                if f.endswith((".md", ".tsv", ".txt")):
                    continue
                rel = os.path.relpath(os.path.join(top, f), PCAPS)
                devices = unsw if rel.startswith("iot/unsw/") and os.path.exists(unsw) else None
                out.append((rel, os.path.join(top, f), devices))
    return out


def need_shared():
    if not shared_pcaps():
        pytest.skip("../shared/pcaps absent: real captures not checked")


def duckdb_rows(parquet):
    """The file as DuckDB reads it (tests/readers/readers.mjs, canonical JSON:
    64-bit integers and µs timestamps as decimal strings, binary as hex)."""
    if not os.path.isdir(os.path.join(READERS, "node_modules")) or not shutil.which("node"):
        pytest.skip("tests/readers/node_modules or node missing: DuckDB comparison not run "
                    "(scripts/setup.sh installs them)")
    out = parquet + ".duckdb.json"
    dump = os.path.join(os.path.dirname(os.path.abspath(__file__)), "duckdb_dump.mjs")
    p = subprocess.run(["node", dump, parquet, out], capture_output=True, text=True,
                       env=child_env())
    assert p.returncode == 0, p.stdout + p.stderr
    with open(out, encoding="utf-8") as f:
        return json.load(f)


@pytest.fixture
def python_exe():
    return sys.executable
