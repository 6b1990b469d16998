"""Per-frame names of tests/tools/namedump against tshark's dissection.

Usage: names_tshark.py NAMEDUMP CAPTURE...
       names_tshark.py --records CAPTURE RECORDS.tsv LIFETIME_S

The second form checks the remote_name column of a conversion made with
--names --no-anonymize (RECORDS.tsv: first_seen in µs, remote_ip,
protocol, device_port, remote_port, remote_name per line) against tshark's
view of the capture (TCP reassembly on here, as the record joins its
segments) by the rule of the README: a TCP record whose remote received,
within the record's lifetime and on the record's ports, a ClientHello
server_name or an HTTP Host must carry one of those names; any other record must
carry a name some DNS answer before its first_seen gave its remote, and ""
when there is none.

For each capture, tshark (TCP reassembly and sequence analysis off, so that
both look at one segment at a time, retransmissions included) gives every DNS/mDNS response's questions and records
(dns.qry.name, dns.resp.name, dns.resp.type, dns.a, dns.aaaa, dns.cname),
every ClientHello's tls.handshake.extensions_server_name and every
request's http.host. The DNS rule of lib/names/dns.h is applied to tshark's
fields (address records of the answer section, and for mDNS of the
additional section, reported under the question they lead back to through
CNAMEs; mDNS ones reaching no question under their own name) and the lines
are compared with namedump's. Prints one line per capture and per
difference; exit 1 on any difference.

Frames left out of the comparison, and counted: those customflow does not
decode (namedump says "undecoded": link types it does not read), and those
where tshark finds the name inside a second IP header (a tunnel, or an ICMP
error quoting a packet): customflow takes a packet by its outer header
(SPEC 5), so no name of an inner packet is expected.
"""
import json
import subprocess
import sys

MAX_CHAIN = 16


def pairs(items):
    return items  # keep duplicate keys: tshark repeats them


def walk(node, key):
    """Every value stored under key anywhere below node."""
    if isinstance(node, list):
        for k, v in node:
            if k == key:
                yield v
            if isinstance(v, list):
                yield from walk(v, key)


def get(node, key, default=None):
    for k, v in node:
        if k == key:
            return v
    return default


def fold(name):
    return name.lower()


def dns_lines(frame, layer, mdns):
    flags = get(layer, "dns.flags_tree", [])
    if get(flags, "dns.flags.response") != "1" or get(flags, "dns.flags.opcode") != "0":
        return []
    questions = [get(q, "dns.qry.name") for _, q in get(layer, "Queries", [])]
    questions = ["" if q == "<Root>" else q for q in questions if q is not None]
    sections = ["Answers"] + (["Additional records"] if mdns else [])
    records = []
    for sec in sections:
        for _, rr in get(layer, sec, []):
            cls = int(get(rr, "dns.resp.class", "0"), 16)
            if mdns:
                cls &= 0x7FFF
            if cls != 1:
                continue
            name = get(rr, "dns.resp.name", "")
            name = "" if name == "<Root>" else name
            rtype = get(rr, "dns.resp.type")
            if rtype == "1" and get(rr, "dns.a"):
                records.append(("A", name, get(rr, "dns.a")))
            elif rtype == "28" and get(rr, "dns.aaaa"):
                records.append(("A", name, get(rr, "dns.aaaa")))
            elif rtype == "5" and get(rr, "dns.cname") is not None:
                records.append(("CNAME", name, get(rr, "dns.cname")))
    out = []
    for kind, owner, addr in records:
        if kind != "A":
            continue
        name, found = owner, None
        for _ in range(MAX_CHAIN + 1):
            found = next((q for q in questions if fold(q) == fold(name)), None)
            if found is not None:
                break
            alias = next((o for k, o, t in records if k == "CNAME" and fold(t) == fold(name)), None)
            if alias is None:
                break
            name = alias
        if found is not None:
            out.append(f"{frame}\tdns\t{found}\t{addr}")
        elif mdns:
            out.append(f"{frame}\tdns\t{owner}\t{addr}")
    return out


def tshark_frames(cap):
    """tshark's packets with names: (frame, time_us, dst, ports, lines)."""
    cmd = ["tshark", "-r", cap, "-n", "-Y", "dns.flags.response == 1 || tls.handshake.type == 1 || http.request",
           "-T", "json", "-J", "frame ip ipv6 tcp dns mdns tls http"]
    res = subprocess.run(cmd, capture_output=True, text=True, errors="replace")
    pkts = json.loads(res.stdout or "[]", object_pairs_hook=pairs)
    out = []
    for pkt in pkts:
        layers = get(get(pkt, "_source"), "layers")
        fr = get(layers, "frame")
        frame = get(fr, "frame.number")
        stack = get(fr, "frame.protocols", "").split(":")
        if sum(p in ("ip", "ipv6") for p in stack) > 1:
            continue
        t = get(fr, "frame.time_epoch")
        sec, _, frac = t.partition(".")
        time_us = int(sec) * 1000000 + int((frac + "000000")[:6])
        dst = get(get(layers, "ip", []), "ip.dst") or get(get(layers, "ipv6", []), "ipv6.dst")
        tcp = get(layers, "tcp", [])
        dport = (get(tcp, "tcp.srcport"), get(tcp, "tcp.dstport"))
        lines = []
        for k, layer in layers:
            if k in ("dns", "mdns"):
                lines += dns_lines(frame, layer, k == "mdns")
            elif k == "tls":
                lines += [f"{frame}\tsni\t{v}" for v in walk(layer, "tls.handshake.extensions_server_name")]
            elif k == "http":
                lines += [f"{frame}\thost\t{v}" for v in walk(layer, "http.host")]
        out.append((int(frame), time_us, dst, dport, lines))
    return out


def check_records(cap, records, lifetime_s):
    frames = tshark_frames(cap)
    life_us = int(float(lifetime_s) * 1e6)
    payload = []   # (time, dst, dport, name)
    answers = []   # (time, addr, name)
    for frame, t, dst, dport, lines in frames:
        for l in lines:
            f = l.split("\t")
            if f[1] == "dns":
                answers.append((t, f[3], f[2]))
            else:
                payload.append((t, dst, dport, f[2]))
    bad = checked = named = 0
    for line in open(records):
        first_seen, ip, proto, dport, port, name = line.rstrip("\n").split("\t")
        first_seen = int(first_seen)
        checked += 1
        named += name != ""
        own = {n for t, d, p, n in payload
               if d == ip and p == (dport, port) and proto == "6"
               and first_seen <= t < first_seen + life_us}
        dns = {n for t, a, n in answers if a == ip and t <= first_seen}
        if own:
            ok, why = name in own, f"one of the record's own names {sorted(own)}"
        elif dns:
            ok, why = name in dns, f"one of the DNS names {sorted(dns)[:5]}"
        else:
            ok, why = name == "", "no name"
        if not ok:
            bad += 1
            if bad <= 20:
                print(f"  record {first_seen} {ip} {proto}/{port}: remote_name '{name}', want {why}")
    print(f"{cap}: {checked} records, {named} named, {bad} wrong")
    return 1 if bad or checked == 0 else 0


def tshark_lines(cap):
    cmd = ["tshark", "-r", cap, "-n",
           "-o", "tcp.desegment_tcp_streams:FALSE", "-o", "tcp.analyze_sequence_numbers:FALSE",
           "-Y", "dns.flags.response == 1 || tls.handshake.type == 1 || http.request",
           "-T", "json", "-J", "frame dns mdns tls http"]
    res = subprocess.run(cmd, capture_output=True, text=True, errors="replace")
    if res.returncode != 0 and not res.stdout.strip():
        return None, res.stderr.strip().splitlines()[-1:] 
    pkts = json.loads(res.stdout or "[]", object_pairs_hook=pairs)
    out, inner = [], set()
    for pkt in pkts:
        layers = get(get(pkt, "_source"), "layers")
        frame = get(get(layers, "frame"), "frame.number")
        stack = get(get(layers, "frame"), "frame.protocols", "").split(":")
        if sum(p in ("ip", "ipv6") for p in stack) > 1:
            inner.add(frame)
            continue
        for k, layer in layers:
            if k in ("dns", "mdns"):
                out += dns_lines(frame, layer, k == "mdns")
            elif k == "tls":
                for v in walk(layer, "tls.handshake.extensions_server_name"):
                    out.append(f"{frame}\tsni\t{v}")
            elif k == "http":
                for v in walk(layer, "http.host"):
                    out.append(f"{frame}\thost\t{v}")
    return out, inner


def main():
    if sys.argv[1] == "--records":
        return check_records(*sys.argv[2:5])
    dump, caps = sys.argv[1], sys.argv[2:]
    bad = 0
    totals = {"dns": 0, "sni": 0, "host": 0}
    for cap in caps:
        theirs, inner = tshark_lines(cap)
        if theirs is None:
            print(f"{cap}: tshark could not read it ({inner}); skipped")
            continue
        res = subprocess.run([dump, cap], capture_output=True, text=True, errors="replace")
        lines = [l.split("\t") for l in res.stdout.splitlines()]
        undecoded = {l[0] for l in lines if l[1] == "undecoded"}
        truncated = sum(l[1].endswith("-truncated") for l in lines)
        ours = ["\t".join(l) for l in lines if l[1] in ("dns", "sni", "host")]
        left_out = [l for l in theirs if l.split("\t")[0] in undecoded]
        theirs = [l for l in theirs if l.split("\t")[0] not in undecoded]
        only_ours = sorted(set(ours) - set(theirs), key=lambda l: int(l.split("\t")[0]))
        only_theirs = sorted(set(theirs) - set(ours), key=lambda l: int(l.split("\t")[0]))
        for l in ours:
            totals[l.split("\t")[1]] += 1
        status = "ok" if not only_ours and not only_theirs else "DIFFERENT"
        notes = [f"{truncated} messages cut before a name"] if truncated else []
        if left_out:
            notes.append(f"{len(left_out)} names in frames customflow does not decode")
        if inner:
            notes.append(f"{len(inner)} frames with names in inner packets")
        note = f" ({'; '.join(notes)})" if notes else ""
        print(f"{cap}: {status}: {len(ours)} names{note}")
        for l in only_ours[:20]:
            print(f"  only namedump: {l}")
        for l in only_theirs[:20]:
            print(f"  only tshark:   {l}")
        bad += bool(only_ours or only_theirs)
    print(f"names compared: {totals['dns']} DNS addresses, {totals['sni']} SNI, {totals['host']} Host")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
