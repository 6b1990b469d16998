#!/usr/bin/env bash
# Peak memory against capture size: converts synthetic IoT days of each
# size (same generator, same mix), three times each, and prints
# customflow's peak RSS (smallest and largest of the three), with and
# without the input hash; the target is the same peak within 10 %.
#
#   bench/memory.sh [SIZE...]     (default 1G 4G)
set -euo pipefail
cd "$(dirname "$0")/.."
[ $# -gt 0 ] || set -- 1G 4G
W=$(mktemp -d /tmp/cf-mem.XXXXXX)
trap 'rm -rf "$W"' EXIT
make -s -j2 all >/dev/null
# peak OPTIONS...: "min-max" peak RSS MiB of three conversions of day.pcap.
peak() {
    local lo= hi= kib
    for _ in 1 2 3; do
        /usr/bin/time -f '%M' -o "$W/t" build/customflow -q "$@" -d "$W/dev.txt" -o "$W/out" "$W/day.pcap"
        kib=$(cat "$W/t")
        [ -z "$lo" ] || [ "$kib" -lt "$lo" ] && lo=$kib
        [ -z "$hi" ] || [ "$kib" -gt "$hi" ] && hi=$kib
    done
    echo "$((lo / 1024))-$((hi / 1024))"
}
echo "| capture | size | packets | records (both) | seconds | peak RSS MiB | peak RSS MiB, --no-input-hash |"
echo "| --- | --- | --- | --- | --- | --- | --- |"
for sz in "$@"; do
    # A simulated month: --max-bytes, not the day, ends the capture.
    build/cf-gencap --preset iot-day --duration 2592000 --max-bytes "$sz" -o "$W/day.pcap" --devices-out "$W/dev.txt" 2>/dev/null
    /usr/bin/time -f '%e' -o "$W/t" build/customflow -d "$W/dev.txt" -o "$W/out" "$W/day.pcap" 2>"$W/log"
    secs=$(cat "$W/t")
    pk=$(sed -nE 's/.*packets read ([0-9]+).*/\1/p' "$W/log")
    recs=$(sed -nE 's/.*records: bidirectional ([0-9]+), unidirectional ([0-9]+).*/\1 + \2/p' "$W/log")
    echo "| iot-day | $sz | $pk | $((recs)) | $secs | $(peak) | $(peak --no-input-hash) |"
    rm -rf "$W/day.pcap" "$W/out"
done
