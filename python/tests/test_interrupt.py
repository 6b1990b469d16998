"""The GIL is released during conversion; Ctrl-C (SIGINT) stops a
conversion cleanly: KeyboardInterrupt, no output file, the interpreter
still usable."""

import os
import signal
import subprocess
import sys
import textwrap
import threading
import time

import pytest

import customflow
from conftest import child_env


@pytest.fixture(scope="module")
def long_capture(flood, tmp_path_factory):
    """The flood capture eight times over (mergecap -a): a conversion that
    takes a few seconds."""
    big = str(tmp_path_factory.mktemp("long") / "long.pcap")
    subprocess.run(["mergecap", "-a", "-w", big] + [flood.pcap] * 8, check=True, env=child_env())
    return big


def test_gil_released(long_capture, flood):
    ticks = []
    stop = threading.Event()

    def tick():
        while not stop.is_set():
            ticks.append(time.monotonic())
            time.sleep(0.005)

    t = threading.Thread(target=tick)
    t.start()
    start = time.monotonic()
    try:
        df = customflow.to_pandas(long_capture, devices=flood.devices, packets=2, payload_bytes=0)
    finally:
        stop.set()
        t.join()
    took = time.monotonic() - start
    assert len(df) > 0
    during = [x for x in ticks if start <= x <= start + took]
    # A thread holding the GIL for the whole conversion would leave a gap of
    # `took` seconds; released, the ticker runs all along (generous bounds
    # for a loaded machine).
    gaps = [b - a for a, b in zip(during, during[1:])]
    assert took > 0.3, "capture converted too fast to tell (%.2f s)" % took
    assert len(during) > 10 and max(gaps) < took / 2, (took, len(during), max(gaps, default=0))


SCRIPT = textwrap.dedent("""
    import os, signal, sys, threading, time
    import customflow
    how, capture, devices, out = sys.argv[1:5]
    threading.Timer(0.5, lambda: os.kill(os.getpid(), signal.SIGINT)).start()
    start = time.monotonic()
    try:
        if how == "convert":
            customflow.convert(capture, out=out, devices=devices, jobs=1)
        elif how == "pandas":
            customflow.to_pandas(capture, devices=devices, variant="both")
        else:
            for r in customflow.flows(capture, devices=devices):
                pass
        print("finished", time.monotonic() - start)
    except KeyboardInterrupt:
        print("interrupted", time.monotonic() - start)
    # Still usable after the interruption.
    print("after", len(customflow.to_pandas(sys.argv[5])))
""")


@pytest.mark.parametrize("how", ["convert", "pandas", "flows"])
def test_ctrl_c_stops_cleanly(how, long_capture, flood, sample, tmp_path):
    out = tmp_path / "out"
    p = subprocess.run([sys.executable, "-c", SCRIPT, how, long_capture, flood.devices, str(out),
                        sample.pcap], capture_output=True, text=True, timeout=120)
    assert p.returncode == 0, p.stderr
    lines = p.stdout.split("\n")
    word, secs = lines[0].split()
    assert word == "interrupted", p.stdout
    assert float(secs) < 5, p.stdout  # stopped soon after the signal at 0.5 s
    assert lines[1].startswith("after ") and int(lines[1].split()[1]) > 0
    if how == "convert":  # nothing left behind, final or temporary
        left = [os.path.join(t, f) for t, _, fs in os.walk(out) for f in fs] if out.exists() else []
        assert left == [], left
