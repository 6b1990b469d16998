"""A live capture for test_live.py, run inside a network namespace
(nsenter execs this interpreter there):

    live_child.py MODE IFACE DEVICES [SECONDS]

Every line of its standard output is one JSON object, flushed at once:
{"ready": ...} once the capture is open (flows() or to_pandas() has
returned, or is about to), each record as the command line's JSON lines
write it plus "arrived_us" (the wall clock when Python got it), and a last
{"end": ...} with what the mode measured. "tasks" and "fds" count this
process's threads and open descriptors (the capture's thread and packet
socket are among them while it runs).

Modes:
  stream    flows(variant="both", duration=SECONDS), ended early by SIGUSR1
            (a signal handler calling Flows.stop()).
  frame     to_pandas(filter="udp", promisc=False, max_records=N,
            duration=SECONDS): a frame built from a live capture.
  duration  flows(lifetime=30, duration=SECONDS): every record still open
            when the time is up.
  close     for-loop broken after the first record, then a Flows deleted
            after its first record: how long each took to stop, and the
            threads and descriptors left; then CYCLES captures opened and
            closed: the time, and the growth of VmSize.
  sigint    flows(lifetime=30) until SIGINT: KeyboardInterrupt.
"""

import datetime
import json
import os
import signal
import sys
import time

import customflow

EPOCH = datetime.datetime(1970, 1, 1, tzinfo=datetime.timezone.utc)
OPTS = dict(lifetime=2, packets=6, payload_bytes=64, buffer_size=8)
CYCLES = 10


def out(obj):
    sys.stdout.write(json.dumps(obj) + "\n")
    sys.stdout.flush()


def now_us():
    return time.time_ns() // 1000


def usage():
    return {"tasks": len(os.listdir("/proc/self/task")), "fds": len(os.listdir("/proc/self/fd"))}


def vm_kib():
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmSize:"):
                return int(line.split()[1])
    raise RuntimeError("no VmSize in /proc/self/status")


def us(value):
    """A first_seen (datetime or pandas Timestamp) as µs since the epoch."""
    if hasattr(value, "value"):  # pandas Timestamp: ns
        return value.value // 1000
    return (value - EPOCH) // datetime.timedelta(microseconds=1)


def as_json(r, arrived):
    rec = {
        "variant": r.get("variant", "bidirectional"),
        "device": r["device"],
        "first_seen": us(r["first_seen"]),
        "remote_ip": r["remote_ip"],
        "protocol": int(r["protocol"]),
        "device_port": int(r["device_port"]),
        "remote_port": int(r["remote_port"]),
        "total_bytes": int(r["total_bytes"]),
        "total_packets": int(r["total_packets"]),
        "pkt_offset_us": [int(x) for x in r["pkt_offset_us"]],
        "pkt_size": [int(x) for x in r["pkt_size"]],
        "pkt_direction": [int(x) for x in r["pkt_direction"]],
        "pkt_payload": [bytes(p).hex() for p in r["pkt_payload"]],
        "arrived_us": arrived,
    }
    return rec


def report(rep):
    keys = ("status", "live", "records_bi", "records_uni", "kernel_dropped")
    return {k: getattr(rep, k) for k in keys}


def stream(iface, devices, seconds):
    it = customflow.flows(interface=iface, devices=devices, variant="both", duration=seconds,
                          **OPTS)
    stopped = []

    def on_usr1(signum, frame):
        stopped.append(now_us())
        it.stop()

    signal.signal(signal.SIGUSR1, on_usr1)
    out({"ready": now_us(), **usage()})
    for r in it:
        out(as_json(r, now_us()))
    out({"end": now_us(), "stopped": stopped[0] if stopped else None, "report": report(it.report)})


def frame(iface, devices, seconds, max_records):
    out({"ready": now_us(), **usage()})
    df = customflow.to_pandas(
        interface=iface,
        devices=devices,
        filter="udp",
        promisc=False,
        max_records=max_records,
        duration=seconds,
        **OPTS,
    )
    done = now_us()
    for r in df.to_dict("records"):
        out(as_json(r, done))
    dtypes = {c: str(t) for c, t in df.dtypes.items()}
    out({"end": done, "report": report(df.attrs["report"]), "dtypes": dtypes})


def duration(iface, devices, seconds):
    opts = dict(OPTS, lifetime=30)
    start = now_us()
    it = customflow.flows(interface=iface, devices=devices, duration=seconds, **opts)
    out({"ready": start, **usage()})
    for r in it:
        out(as_json(r, now_us()))
    out({"end": now_us(), "start": start, "report": report(it.report)})


def close(iface, devices):
    before = usage()
    out({"ready": now_us(), **before})
    result = {}
    for r in customflow.flows(interface=iface, devices=devices, **OPTS):
        first = time.monotonic()
        result["running"] = usage()
        break
    result["break_s"] = time.monotonic() - first
    result["after_break"] = usage()
    it = customflow.flows(interface=iface, devices=devices, **OPTS)
    next(it)
    first = time.monotonic()
    del it
    result["del_s"] = time.monotonic() - first
    result["after_del"] = usage()
    # Opened and closed over and over: nothing kept (a kernel ring of 8 MiB
    # or a thread's stack left behind each time would show in VmSize).
    customflow.flows(interface=iface, devices=devices, **OPTS).close()
    vm = vm_kib()
    first = time.monotonic()
    for _ in range(CYCLES):
        customflow.flows(interface=iface, devices=devices, **OPTS).close()
    result["cycles_s"] = time.monotonic() - first
    result["cycles_vm_kib"] = vm_kib() - vm
    result["after_cycles"] = usage()
    out({"end": now_us(), "before": before, **result})


def sigint(iface, devices):
    before = usage()
    it = customflow.flows(interface=iface, devices=devices, **dict(OPTS, lifetime=30))
    out({"ready": now_us(), "before": before, "running": usage()})
    try:
        for r in it:
            out(as_json(r, now_us()))
    except KeyboardInterrupt:
        out({"interrupted": now_us(), **usage()})
        del it
        out({"end": now_us(), "after": usage()})


def main():
    mode, iface, devices = sys.argv[1:4]
    if mode == "stream":
        stream(iface, devices, float(sys.argv[4]))
    elif mode == "frame":
        frame(iface, devices, float(sys.argv[4]), int(sys.argv[5]))
    elif mode == "duration":
        duration(iface, devices, float(sys.argv[4]))
    elif mode == "close":
        close(iface, devices)
    elif mode == "sigint":
        sigint(iface, devices)
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
