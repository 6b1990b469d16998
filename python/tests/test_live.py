"""Live capture from Python: flows(interface=...), to_pandas(interface=...).

As root, on a veth pair between two network namespaces made here (names
carry this process's id; traffic flows only between addresses assigned in
them), like tests/e2e/live.sh:

    namespace A: veth end VA, 10.78.0.1 (device "cam")
    namespace B: veth end VB, 10.78.0.2 (device "plug") and 10.78.0.200
                 (a server that is no device)

tests/tools/netns_traffic.py makes BURSTS bursts GAP seconds apart (cam to
the server: TCP and UDP; cam to plug). At the same time, on VA, tcpdump
writes the reference capture and five Python processes (live_child.py,
each run inside namespace A by nsenter) capture: records streamed by
flows(); a DataFrame by to_pandas() with a kernel filter and max_records;
flows() with a duration; flows() left by `break` and by `del`; flows()
interrupted by SIGINT. Checks: streamed records equal the command line's
offline conversion of the reference capture, field for field, and each
came within lifetime + 2 s of its first packet; exact record counts per
device; the frame equals the offline conversion with the same filter;
duration, break, del and Ctrl-C end the capture promptly and leave no
thread or descriptor behind. Every wait is bounded; the namespaces and
processes go in every case. Skipped (with the reason) when not root or
without ip netns, nsenter or tcpdump.
"""

import json
import os
import shutil
import signal
import subprocess
import sys
import time

import pytest

import customflow
from conftest import ROOT, child_env, tool

HERE = os.path.dirname(os.path.abspath(__file__))
CHILD = os.path.join(HERE, "live_child.py")
TRAFFIC = os.path.join(ROOT, "tests", "tools", "netns_traffic.py")
ID = os.getpid()
NSA, NSB = "cf-py-%d-a" % ID, "cf-py-%d-b" % ID
VA, VB = "cfpa%d" % ID, "cfpb%d" % ID
CAM, PLUG, SERVER = "10.78.0.1", "10.78.0.2", "10.78.0.200"
L = 2  # lifetime (live_child.OPTS)
BURSTS, GAP = 4, 2
# Two captures of one veth may stamp a TCP segment apart (a few µs idle,
# over 50 µs loaded; see tests/e2e/live.sh): a millisecond still tells
# every packet of these bursts apart.
TS_TOL = 1000
# Per burst, bidirectional (tests/e2e/live.sh): cam 7 records (2 TCP
# connections and 3 UDP exchanges with the server, 1 TCP and 1 UDP with
# plug), plug 2; UDP only: cam 4, plug 1.
PER_BURST = {"cam": 7, "plug": 2}
PER_BURST_UDP = {"cam": 4, "plug": 1}
# Upper bounds, seconds.
STARTUP = 60  # a child's interpreter up, capture open (slow under ASan)
STOP = 2.5  # close/break/del/Ctrl-C: one tick (0.2 s), a ring drain (<= 1 s)


def run(*args, check=True, timeout=20):
    p = subprocess.run(list(args), capture_output=True, text=True, env=child_env(), timeout=timeout)
    if check and p.returncode != 0:
        raise RuntimeError("%s: exit %d: %s" % (" ".join(args), p.returncode, p.stderr.strip()))
    return p


def lines(path):
    """The complete JSON lines written so far to path."""
    return [json.loads(x) for x in text(path).split("\n")[:-1] if x.strip()]


def text(path):
    try:
        with open(path, encoding="utf-8", errors="replace") as f:
            return f.read()
    except FileNotFoundError:
        return ""


def wait_for(what, cond, seconds):
    """Polls cond() until it is true; fails after `seconds` naming what()."""
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        got = cond()
        if got:
            return got
        time.sleep(0.05)
    raise AssertionError("timed out after %g s waiting for %s" % (seconds, what()))


class Scenario:
    def __init__(self, tmp):
        self.tmp = tmp
        self.procs = []

    def spawn(self, name, argv, env=None, ns=None):
        """A background process (inside namespace ns), its output in files."""
        if ns:
            argv = ["nsenter", "--net=/run/netns/" + ns] + argv
        out = open(os.path.join(self.tmp, name + ".out"), "w")
        err = open(os.path.join(self.tmp, name + ".err"), "w")
        p = subprocess.Popen(argv, stdout=out, stderr=err, env=env or child_env())
        out.close()
        err.close()
        p.name = name
        self.procs.append(p)
        return p

    def out(self, name):
        return os.path.join(self.tmp, name + ".out")

    def err(self, name):
        return text(os.path.join(self.tmp, name + ".err")).strip()[-1500:]

    def child(self, name, *args):
        # The interpreter of this test run, with its environment (the
        # sanitizer runtime preloaded under ASan).
        return self.spawn(name, [sys.executable, CHILD, name, VA, self.devices, *map(str, args)],
                          env=dict(os.environ), ns=NSA)

    def ended(self, p, seconds):
        """Waits (bounded) for p to exit; its exit status, or a message when
        it had to be killed."""
        try:
            return p.wait(timeout=seconds)
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait(timeout=10)
            return "%s still running after %g s (killed): %s" % (p.name, seconds, self.err(p.name))

    def cleanup(self):
        for p in self.procs:
            if p.poll() is None:
                p.kill()
        for p in self.procs:
            try:
                p.wait(timeout=10)
            except subprocess.TimeoutExpired:
                pass
        for ns in (NSA, NSB):
            subprocess.run(["ip", "netns", "del", ns], capture_output=True, env=child_env(),
                           timeout=20)


def need(cond, why):
    if not cond:
        pytest.skip(why + ": live capture from Python not checked")


@pytest.fixture(scope="module")
def live(tmp_path_factory):
    need(os.geteuid() == 0, "not root (network namespaces need root)")
    for prog in ("ip", "nsenter", "tcpdump"):
        need(shutil.which(prog), prog + " missing")
    need(run("ip", "netns", "list", check=False).returncode == 0, "ip netns unavailable")
    need(os.path.exists("/usr/bin/python3"), "/usr/bin/python3 missing")
    s = Scenario(str(tmp_path_factory.mktemp("live")))
    try:
        try:
            run("ip", "netns", "add", NSA)
            run("ip", "netns", "add", NSB)
            run("ip", "link", "add", VA, "netns", NSA, "type", "veth",
                "peer", "name", VB, "netns", NSB)
        except (RuntimeError, subprocess.TimeoutExpired) as e:
            pytest.skip("cannot create namespaces and a veth pair (%s): "
                        "live capture not checked" % e)
        for ns, dev, addr in ((NSA, VA, CAM + "/24"), (NSB, VB, PLUG + "/24")):
            run("ip", "netns", "exec", ns, "sysctl", "-qw", "net.ipv6.conf.%s.disable_ipv6=1" % dev)
            run("ip", "-n", ns, "addr", "add", addr, "dev", dev)
            run("ip", "-n", ns, "link", "set", "lo", "up")
            run("ip", "-n", ns, "link", "set", dev, "up")
            # Sizes as sent: no offloads merging or splitting segments.
            if shutil.which("ethtool"):
                run("ip", "netns", "exec", ns, "ethtool", "-K", dev, "gro", "off", "gso", "off",
                    "tso", "off", "tx", "off", check=False)
        run("ip", "-n", NSB, "addr", "add", SERVER + "/24", "dev", VB)
        s.devices = os.path.join(s.tmp, "devices.txt")
        with open(s.devices, "w") as f:
            f.write("cam\t%s\nplug\t%s\n" % (CAM, PLUG))

        # The server first (its receive timestamps turn the kernel's
        # stamping on before the captures start; see netns_traffic.py).
        server = s.spawn("server", ["/usr/bin/python3", TRAFFIC, "serve", "90", PLUG, SERVER],
                         ns=NSB)
        wait_for(lambda: "the test server: " + s.err("server"),
                 lambda: "ready" in text(s.out("server")) or server.poll() is not None, 10)
        assert server.poll() is None, "test server ended: " + s.err("server")
        ref = os.path.join(s.tmp, "ref.pcap")
        tcpdump = s.spawn("tcpdump", ["tcpdump", "-Z", "root", "-i", VA, "-w", ref], ns=NSA)
        wait_for(lambda: "tcpdump: " + s.err("tcpdump"),
                 lambda: "listening" in s.err("tcpdump") or tcpdump.poll() is not None, 10)
        assert tcpdump.poll() is None, "tcpdump ended: " + s.err("tcpdump")

        s.n_udp = BURSTS * sum(PER_BURST_UDP.values())
        kids = {
            "stream": s.child("stream", 120),  # ended by SIGUSR1 (stop()); 120 s: a bound
            "frame": s.child("frame", 120, s.n_udp),
            "close": s.child("close"),
            "sigint": s.child("sigint"),
        }
        for name, p in kids.items():
            wait_for(lambda: "%s ready: %s" % (name, s.err(name)),
                     lambda: lines(s.out(name)) or p.poll() is not None, STARTUP)
            assert p.poll() is None, "%s ended early: %s" % (name, s.err(name))
        s.duration = 3.0
        kids["duration"] = s.child("duration", s.duration)
        wait_for(lambda: "duration ready: " + s.err("duration"),
                 lambda: lines(s.out("duration")) or kids["duration"].poll() is not None, STARTUP)
        time.sleep(0.3)

        s.traffic_start = time.time_ns() // 1000
        client = s.spawn("client", ["/usr/bin/python3", TRAFFIC, "client", SERVER, PLUG,
                                    str(BURSTS), str(GAP)], ns=NSA)
        st = s.ended(client, BURSTS * GAP + 30)
        assert st == 0, "traffic failed (%s): %s" % (st, s.err("client"))
        s.traffic_end = time.time_ns() // 1000

        # Ctrl-C while the capture waits (lifetime 30 s: nothing final yet).
        s.sigint_sent = time.monotonic()
        kids["sigint"].send_signal(signal.SIGINT)
        s.sigint_status = s.ended(kids["sigint"], 15)
        s.sigint_took = time.monotonic() - s.sigint_sent

        # Every record final (L + slack + tick), then the normal ends.
        time.sleep(L + 2)
        s.stop_us = time.time_ns() // 1000
        kids["stream"].send_signal(signal.SIGUSR1)
        tcpdump.send_signal(signal.SIGTERM)
        s.status = {"sigint": s.sigint_status}
        deadline = time.monotonic() + 30  # for all of them
        for name in ("stream", "frame", "close", "duration"):
            s.status[name] = s.ended(kids[name], max(1, deadline - time.monotonic()))
        st = s.ended(tcpdump, 10)
        assert st == 0, "tcpdump: %s: %s" % (st, s.err("tcpdump"))
        s.results = {name: lines(s.out(name)) for name in kids}
        s.errors = {name: s.err(name) for name in kids}
        yield s
    finally:
        s.cleanup()


def offline(s, *opts):
    """The command line's conversion of the reference capture, as JSON
    lines (the options of live_child.OPTS)."""
    p = run(tool("customflow"), "-q", "-d", s.devices, "-t", str(L), "-n", "6", "-b", "64",
            "--format", "jsonl", "-o", "-", *opts, os.path.join(s.tmp, "ref.pcap"), timeout=60)
    recs = [json.loads(x) for x in p.stdout.splitlines()]
    # one variant asked for: the lines do not name it
    one = opts[opts.index("--variant") + 1] if "--variant" in opts else None
    for r in recs:
        if one:
            assert "variant" not in r
            r["variant"] = one
    return recs


KEY = ("variant", "device", "remote_ip", "protocol", "device_port", "remote_port")


def same_records(got, want):
    """got equals want, record for record (in key and first_seen order),
    timestamps within TS_TOL µs, every other field equal. A list of
    differences."""
    def order(r):
        return tuple(r[k] for k in KEY) + (r["first_seen"],)

    got, want = sorted(got, key=order), sorted(want, key=order)
    bad = []
    if len(got) != len(want):
        bad.append("%d records, the offline conversion has %d" % (len(got), len(want)))
    for g, w in zip(got, want):
        for k in w:
            if k == "first_seen":
                ok = abs(g[k] - w[k]) <= TS_TOL
            elif k == "pkt_offset_us":
                ok = len(g[k]) == len(w[k]) and all(
                    abs(a - b) <= TS_TOL for a, b in zip(g[k], w[k]))
            else:
                ok = g.get(k) == w[k]
            if not ok:
                bad.append("%s: %s %r, offline %r" % ([w[x] for x in KEY], k, g.get(k), w[k]))
    return bad[:8]


def exited_ok(s, name):
    assert s.status[name] == 0, "%s: exit %s: %s" % (name, s.status[name], s.errors[name])


def records(s, name):
    return [r for r in s.results[name] if "device" in r]


def last(s, name):
    ends = [r for r in s.results[name] if "end" in r]
    assert ends, "%s: no end line (exit %s): %s" % (name, s.status.get(name), s.errors[name])
    return ends[-1]


def per_device(recs, variant="bidirectional"):
    n = {}
    for r in recs:
        if r["variant"] == variant:
            n[r["device"]] = n.get(r["device"], 0) + 1
    return n


def test_stream_equals_offline_conversion(live):
    exited_ok(live, "stream")
    end = last(live, "stream")
    assert end["stopped"] is not None and end["report"]["status"] == "done", end
    assert end["report"]["live"] == 1 and end["report"]["kernel_dropped"] == 0, end
    got = records(live, "stream")
    assert per_device(got) == {d: BURSTS * n for d, n in PER_BURST.items()}
    assert same_records(got, offline(live)) == []


def test_stream_records_come_when_final(live):
    got = records(live, "stream")
    assert got
    late = ["%s: %.2f s after its first packet"
            % ([r[k] for k in KEY], (r["arrived_us"] - r["first_seen"]) / 1e6)
            for r in got if r["arrived_us"] - r["first_seen"] > (L + 2) * 1000000]
    assert late == []
    # and not at the stop: each was yielded while the capture ran
    assert max(r["arrived_us"] for r in got) < live.stop_us


def test_frame_with_filter_and_max_records(live):
    exited_ok(live, "frame")
    end = last(live, "frame")
    got = records(live, "frame")
    assert len(got) == live.n_udp, (len(got), end)
    assert per_device(got) == {d: BURSTS * n for d, n in PER_BURST_UDP.items()}
    assert all(r["protocol"] == 17 for r in got)
    assert end["dtypes"]["protocol"] == "uint8"
    assert end["dtypes"]["first_seen"].startswith("datetime64")
    want = offline(live, "-f", "udp", "--variant", "bidirectional")
    assert same_records(got, want) == []
    # max_records ended it, not the 120 s duration
    assert (end["end"] - live.results["frame"][0]["ready"]) / 1e6 < 60, end


def test_duration_ends_capture_with_open_records(live):
    exited_ok(live, "duration")
    end = last(live, "duration")
    took = (end["end"] - end["start"]) / 1e6
    assert live.duration <= took <= live.duration + STOP, took
    assert end["report"]["status"] == "done"
    got = records(live, "duration")
    # lifetime 30 s: every record came out at the end, open, none before
    assert got and all(r["arrived_us"] >= end["start"] + live.duration * 1e6 for r in got)
    # those of the bursts in the window: at least the first burst's, whole
    offline_all = offline(live)
    window = [r for r in offline_all if r["variant"] == "bidirectional"
              and r["first_seen"] < live.traffic_start + GAP * 1000000]
    assert len(got) >= len(window) >= sum(PER_BURST.values())


def test_break_and_del_stop_capture(live):
    exited_ok(live, "close")
    end = last(live, "close")
    before = end["before"]
    # while capturing: a thread and a packet socket more
    assert end["running"]["tasks"] > before["tasks"] and end["running"]["fds"] > before["fds"], end
    assert end["break_s"] < STOP and end["del_s"] < STOP, end
    assert end["after_break"] == before and end["after_del"] == before, end
    # ten more opened and closed at once: each stopped within a tick or
    # so, nothing left (a ring or a thread stack leaked each time: 80 MiB;
    # the allowance is the sanitizer's quarantine and allocator slack)
    assert end["cycles_s"] < 10 * STOP and end["after_cycles"] == before, end
    assert end["cycles_vm_kib"] < 32 * 1024, end


def test_ctrl_c_stops_capture(live):
    exited_ok(live, "sigint")
    assert live.sigint_took < STOP + 1, live.sigint_took
    res = live.results["sigint"]
    assert [r for r in res if "interrupted" in r], res  # KeyboardInterrupt
    assert [r for r in res if "device" in r] == []  # lifetime 30 s: nothing final
    ready, end = res[0], res[-1]
    assert ready["running"]["tasks"] > ready["before"]["tasks"], ready
    assert "end" in end and end["after"] == ready["before"], res


def test_bad_interface():
    name = "nosuch%d" % ID
    for call in (lambda: customflow.flows(interface=name),
                 lambda: customflow.to_pandas(interface=name, duration=1)):
        with pytest.raises(customflow.Error) as e:
            call()
        msg = str(e.value)
        assert name in msg and "\n" not in msg, msg


def test_live_arguments(sample):
    with pytest.raises(customflow.Error, match="one or the other"):
        customflow.flows(sample.pcap, interface="lo")
    with pytest.raises(customflow.Error, match="live capture"):
        customflow.flows(sample.pcap, duration=5)
    with pytest.raises(customflow.Error, match="live capture"):
        customflow.to_pandas(sample.pcap, max_records=5)
    with pytest.raises(customflow.Error, match="needs duration= or max_records="):
        customflow.to_pandas(interface="lo")
    with pytest.raises(customflow.Error, match="needs duration= or max_records="):
        customflow.to_numpy(interface="lo")
    with pytest.raises(customflow.Error, match="positive"):
        customflow.flows(interface="lo", duration=0)
    with pytest.raises(customflow.Error, match="positive"):
        customflow.flows(interface="lo", max_records=-1)
    with pytest.raises(customflow.Error, match="no capture given"):
        customflow.flows()
    with pytest.raises(TypeError):
        customflow.flows(interface=b"lo")
    it = customflow.flows(sample.pcap)
    with pytest.raises(customflow.Error, match="stop"):
        it.stop()
    it.close()
