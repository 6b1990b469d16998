#!/usr/bin/env bash
# Peak memory against capture size: converts synthetic IoT days of 1 GB and
# 4 GB (same generator, same mix) and prints customflow's peak RSS for each;
# the target is the same peak within 10 %.
#
#   bench/memory.sh [SMALL_BYTES LARGE_BYTES]     (default 1G 4G)
set -euo pipefail
cd "$(dirname "$0")/.."
small=${1:-1G} large=${2:-4G}
W=$(mktemp -d /tmp/cf-mem.XXXXXX)
trap 'rm -rf "$W"' EXIT
make -s -j2 all >/dev/null
echo "| capture | size | packets | records (both) | seconds | peak RSS MiB |"
echo "| --- | --- | --- | --- | --- | --- |"
for sz in "$small" "$large"; do
    build/cf-gencap --preset iot-day --max-bytes "$sz" -o "$W/day.pcap" --devices-out "$W/dev.txt" 2>/dev/null
    /usr/bin/time -f '%e %M' -o "$W/t" build/customflow -d "$W/dev.txt" -o "$W/out" "$W/day.pcap" 2>"$W/log"
    read -r secs kib <"$W/t"
    pk=$(sed -nE 's/.*packets read ([0-9]+).*/\1/p' "$W/log")
    recs=$(sed -nE 's/.*records: bidirectional ([0-9]+), unidirectional ([0-9]+).*/\1 + \2/p' "$W/log")
    echo "| iot-day | $sz | $pk | $((recs)) | $secs | $((kib / 1024)) |"
    rm -rf "$W/day.pcap" "$W/out"
done
