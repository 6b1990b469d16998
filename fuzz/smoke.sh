#!/usr/bin/env bash
# Runs every libFuzzer harness for SECONDS (default 60), seeded from the
# shared captures when present, and reports one pass/fail per harness. A
# crash leaves its reproducer in build/fuzz/artifacts/.
set -u
cd "$(dirname "$0")/.."
. tests/lib.sh
secs=${1:-60}
corp=build/fuzz/corpus
art=build/fuzz/artifacts
mkdir -p "$corp"/{capture,pipeline,devices,decode,pq_reader,text,config_lines,names} "$art"
# names: a hand-made DNS response, ClientHello start and HTTP request, and
# (with ../shared and tshark) the payloads of real ones
printf '\x12\x34\x81\x80\x00\x01\x00\x02\x00\x00\x00\x00\x01a\x07example\x00\x00\x01\x00\x01\xc0\x0c\x00\x05\x00\x01\x00\x00\x00\x3c\x00\x04\x01b\xc0\x0e\xc0\x27\x00\x01\x00\x01\x00\x00\x00\x3c\x00\x04\xc0\x00\x02\x01' >"$corp/names/seed-dns"
printf '\x16\x03\x01\x00\x3b\x01\x00\x00\x37\x03\x03%032d\x00\x00\x02\x13\x01\x01\x00\x00\x0c\x00\x00\x00\x08\x00\x06\x00\x00\x03a.b' 0 >"$corp/names/seed-tls"
printf 'GET / HTTP/1.1\r\nHost: a.example\r\n\r\n' >"$corp/names/seed-http"
if [ -n "$SHARED_DIR" ] && [ -d "$SHARED_DIR/pcaps" ]; then
    find "$SHARED_DIR/pcaps" -type f -size -64k \( -name '*.pcap*' -o -name '*.cap' -o -name '*.snoop' \) \
        -exec cp -t "$corp/capture" {} + 2>/dev/null
    cp "$corp"/capture/* "$corp/pipeline/" 2>/dev/null
    cp "$SHARED_DIR"/pcaps/docs/* "$corp/devices/" 2>/dev/null
    if command -v tshark >/dev/null; then
        for f in iot/protocols/alexa-app.pcapng iot/iot-sentinel/HueBridge_Setup-A-2-STA.pcap \
            iot/protocols/ipfixprobe_dnssd_mdns.pcap malformed/ndpi_malformed_dns.pcap; do
            tshark -r "$SHARED_DIR/pcaps/$f" -o tcp.analyze_sequence_numbers:FALSE \
                -Y 'dns.flags.response == 1 || tls.handshake.type == 1 || http.request' \
                -T fields -e udp.payload -e tcp.payload 2>/dev/null
        done | head -300 | /usr/bin/python3 -c '
import sys
for i, line in enumerate(sys.stdin):
    hexes = line.split()
    if hexes:
        open(sys.argv[1] + "/real-%d" % i, "wb").write(bytes.fromhex(hexes[0].replace(":", "")))
' "$corp/names"
    fi
else
    echo "note: ../shared absent; fuzzing from the synthetic sample only"
fi
[ -f build/sample.pcap ] && cp build/sample.pcap "$corp/capture/" && cp build/sample.pcap "$corp/pipeline/"
[ -f build/sample-devices.txt ] && cp build/sample-devices.txt "$corp/devices/"
# Parquet reader seeds: small record files of both layouts and every codec
# (from the normal build's customflow), and the writer's test cases.
seed_pq() {
    local cap=$1 tmp
    tmp=$(mktemp -d)
    for c in none snappy gzip zstd; do
        build/customflow -q -n 3 -b 16 --compression "$c" -o "$tmp/n-$c" "$cap" 2>/dev/null
        build/customflow -q -n 2 -b 8 --payload-cells 12 --layout wide --compression "$c" \
            -o "$tmp/w-$c" "$cap" 2>/dev/null
    done
    find "$tmp" -name '*.parquet' -size -64k | while read -r f; do
        cp "$f" "$corp/pq_reader/$(echo "$f" | tr / _)"
    done
    rm -rf "$tmp"
}
if [ -x build/customflow ]; then
    [ -n "$SHARED_DIR" ] && seed_pq "$SHARED_DIR/pcaps/general/tcpdump_dhcp.pcap"
    [ -n "$SHARED_DIR" ] && seed_pq "$SHARED_DIR/pcaps/iot/iot-sentinel/EdnetCam1_Setup-C-5-STA.pcap"
    [ -f build/sample.pcap ] && seed_pq build/sample.pcap
else
    echo "note: build/customflow absent (run make first); no Parquet reader seeds"
fi
if [ -x build/tests/tools/pq_cases ]; then
    build/tests/tools/pq_cases "$corp/pq_reader" >/dev/null 2>&1
    rm -f "$corp"/pq_reader/*.json
fi
printf 'packets=7\nlocal=10.0.0.0/8\nlocal=fd00::/8\nanonymize=false\nfilter=tcp port 80\n' \
    >"$corp/config_lines/plan-options"
for h in capture pipeline devices decode pq_reader text config_lines names; do
    bin=build/fuzz/fuzz_$h
    if [ ! -x "$bin" ]; then fail "$bin not built"; continue; fi
    log=build/fuzz/$h.log
    if "$bin" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 -max_len=262144 \
        -artifact_prefix="$art/$h-" "$corp/$h" >"$log" 2>&1; then
        echo "fuzz_$h: $(grep -E '^#[0-9]+.*(DONE|pulse)' "$log" | tail -1)"
        pass
    else
        fail "fuzz_$h found a problem: $(grep -m1 -E 'ERROR|SUMMARY' "$log")"
        tail -40 "$log"
    fi
done
finish
