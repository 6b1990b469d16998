#!/usr/bin/env bash
# The benchmark suite: on one machine, in one run, times every contender on
# the same captures with hyperfine (warm page cache, medians) and measures
# peak memory with /usr/bin/time -v. Prints a markdown table; ratios are
# against the bare libpcap loop measured in the same run.
#
#   bench/run.sh [--tiny] [--runs N] [--out FILE]
#
# --tiny: small captures and 2 runs, to prove the script works (CI).
set -euo pipefail
cd "$(dirname "$0")/.."
TINY=0 RUNS=5 OUT=
while [ $# -gt 0 ]; do
    case $1 in
    --tiny) TINY=1; RUNS=2 ;;
    --runs) RUNS=$2; shift ;;
    --out) OUT=$2; shift ;;
    *) echo "usage: bench/run.sh [--tiny] [--runs N] [--out FILE]" >&2; exit 2 ;;
    esac
    shift
done
B=build
W=$(mktemp -d /tmp/cf-bench.XXXXXX)
trap 'rm -rf "$W"' EXIT

# Nothing is installed here (CI runs this): the tools come from
# scripts/setup.sh (hyperfine, time) and `scripts/setup.sh --bench` (the
# peers); a missing peer is left out of the tables with a message.
for tool in hyperfine /usr/bin/time node; do
    command -v "$tool" >/dev/null || {
        echo "bench: $tool missing (scripts/setup.sh installs it)" >&2
        exit 1
    }
done
make -s -j2 all >/dev/null

# Captures
if [ "$TINY" = 1 ]; then
    "$B/cf-gencap" --preset iot-day --max-bytes 5000000 -o "$W/iot-day.pcap" --devices-out "$W/dev.txt"
    "$B/cf-gencap" --preset flood --max-packets 50000 -o "$W/flow-heavy.pcap"
else
    "$B/cf-gencap" --preset iot-day --max-bytes 1000000000 -o "$W/iot-day.pcap" --devices-out "$W/dev.txt"
    "$B/cf-gencap" --preset flood --max-packets 1000000 -o "$W/flow-heavy.pcap"
fi
caps=("$W/iot-day.pcap" "$W/flow-heavy.pcap")
SH=../shared/pcaps/iot
if [ -d "$SH" ] && command -v mergecap >/dev/null; then
    mergecap -F pcap -w "$W/real.pcap" "$SH"/unsw/*.pcap "$SH"/fit-iot-dataset/*.pcap \
        "$SH"/iot-lifecycle/*.pcap "$SH"/moniotr/*.pcap 2>/dev/null && caps+=("$W/real.pcap")
else
    echo "bench: ../shared absent, no real capture" >&2
fi

# Contenders: name and command (CAP is replaced by the capture path).
names=(floor-cat floor-libpcap customflow-both customflow-nohash customflow-bi customflow-wide nfpcapd argus ndpiReader)
cmds=(
    "cat CAP > /dev/null"
    "$B/bench/pcap_floor CAP"
    "$B/customflow -q -o $W/o1 CAP"
    "$B/customflow -q --no-input-hash -o $W/o4 CAP"
    "$B/customflow -q --variant bidirectional -o $W/o2 CAP"
    "$B/customflow -q --layout wide -o $W/o3 CAP"
    "rm -rf $W/nf && mkdir -p $W/nf && nfpcapd -r CAP -w $W/nf"
    "argus -r CAP -w $W/argus.out"
    "ndpiReader -i CAP -q"
)
# Peers that are not installed are left out (the command each needs).
declare -A peer_tool=([nfpcapd]=nfpcapd [argus]=argus [ndpiReader]=ndpiReader)
kept_names=() kept_cmds=()
for k in "${!names[@]}"; do
    tool=${peer_tool[${names[$k]}]:-}
    if [ -n "$tool" ] && ! command -v "$tool" >/dev/null; then
        echo "bench: $tool not installed (scripts/setup.sh --bench installs it); ${names[$k]} skipped" >&2
        continue
    fi
    kept_names+=("${names[$k]}") kept_cmds+=("${cmds[$k]}")
done
names=("${kept_names[@]}") cmds=("${kept_cmds[@]}")

row() { printf '| %s | %s | %s | %s | %s | %s | %s | %s |\n' "$@"; }
{
    echo "## Run of $(date -u +%Y-%m-%dT%H:%MZ)"
    echo
    echo "Machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(free -g | awk '/Mem:/{print $2}') GiB."
    echo "Command: \`bench/run.sh $([ "$TINY" = 1 ] && echo --tiny)\` ($RUNS runs after a warm-up, medians)."
} >"$W/report.md"
for cap in "${caps[@]}"; do
    cname=$(basename "$cap" .pcap)
    size=$(stat -c %s "$cap")
    pkts=$("$B/bench/pcap_floor" "$cap" | cut -d' ' -f1)
    "$B/customflow" -q -o "$W/rec" "$cap"
    recs=$(node tests/readers/query.mjs "SELECT count(*) FROM read_parquet('$W/rec/*/$cname.parquet')" 2>/dev/null || echo 0)
    {
        echo
        echo "### $cname: $((size / 1000000)) MB, $pkts packets, $recs records (both variants)"
        echo
        row contender "median s" "packets/s" "MB/s" "records/s" "peak RSS MB" "x floor-libpcap" "x customflow-both"
        row --- --- --- --- --- --- --- ---
    } >>"$W/report.md"
    declare -A med=()
    for k in "${!names[@]}"; do
        n=${names[$k]} c=${cmds[$k]//CAP/$cap}
        if ! bash -c "$c" >/dev/null 2>&1; then
            echo "bench: $n failed on $cname" >&2
            med[$n]=
            continue
        fi
        rm -f "$W/h.json"
        hyperfine --style none --warmup 1 --runs "$RUNS" --export-json "$W/h.json" \
            --shell=bash "$c" >/dev/null 2>&1 || true
        med[$n]=$(node -e "const j=require('$W/h.json');console.log(j.results[0].median.toFixed(4))" 2>/dev/null || echo)
        /usr/bin/time -v bash -c "$c" >/dev/null 2>"$W/time.txt" || true
        rss[$k]=$(awk -F: '/Maximum resident/{printf "%.1f", $2/1024}' "$W/time.txt")
    done
    for k in "${!names[@]}"; do
        n=${names[$k]} m=${med[${names[$k]}]:-}
        if [ -z "$m" ]; then row "$n" failed - - - - - - >>"$W/report.md"; continue; fi
        row "$n" "$m" \
            "$(awk -v p="$pkts" -v m="$m" 'BEGIN{printf "%.0f", p/m}')" \
            "$(awk -v s="$size" -v m="$m" 'BEGIN{printf "%.1f", s/1e6/m}')" \
            "$(awk -v r="$recs" -v m="$m" 'BEGIN{printf "%.0f", r/m}')" \
            "${rss[$k]:-?}" \
            "$(awk -v a="$m" -v b="${med[floor-libpcap]:-0}" 'BEGIN{if(b>0)printf "%.2f", a/b; else print "-"}')" \
            "$(awk -v a="$m" -v b="${med[customflow-both]:-0}" 'BEGIN{if(b>0)printf "%.2f", a/b; else print "-"}')" \
            >>"$W/report.md"
    done
    unset med
done

# Parallel jobs: two IoT days (the second a hard link, so both stay in the
# page cache) converted with --jobs 1 and --jobs 2, with and without the
# input hash; the ratio is the throughput gain of --jobs 2.
ln "$W/iot-day.pcap" "$W/iot-day-b.pcap"
jnames=(jobs1 jobs2 jobs1-nohash jobs2-nohash)
jcmds=(
    "$B/customflow -q -j 1 -o $W/j $W/iot-day.pcap $W/iot-day-b.pcap"
    "$B/customflow -q -j 2 -o $W/j $W/iot-day.pcap $W/iot-day-b.pcap"
    "$B/customflow -q -j 1 --no-input-hash -o $W/j $W/iot-day.pcap $W/iot-day-b.pcap"
    "$B/customflow -q -j 2 --no-input-hash -o $W/j $W/iot-day.pcap $W/iot-day-b.pcap"
)
declare -A jmed=()
for k in "${!jnames[@]}"; do
    rm -f "$W/h.json"
    hyperfine --style none --warmup 1 --runs "$RUNS" --export-json "$W/h.json" \
        --shell=bash "${jcmds[$k]}" >/dev/null 2>&1 || true
    jmed[${jnames[$k]}]=$(node -e "const j=require('$W/h.json');console.log(j.results[0].median.toFixed(4))" 2>/dev/null || echo)
done
{
    echo
    echo "### --jobs: two iot-day captures on $(nproc) cores"
    echo
    echo "| contender | median s | gain of --jobs 2 |"
    echo "| --- | --- | --- |"
    for k in "${!jnames[@]}"; do
        n=${jnames[$k]} m=${jmed[${jnames[$k]}]:-}
        base=${jmed[${n/jobs2/jobs1}]:-}
        g=-
        [ -n "$m" ] && [ -n "$base" ] && [ "$n" != "${n/jobs2/}" ] &&
            g=$(awk -v a="$base" -v b="$m" 'BEGIN{printf "%.2f", a/b}')
        echo "| $n | ${m:-failed} | $g |"
    done
} >>"$W/report.md"

cat "$W/report.md"
[ -n "$OUT" ] && cat "$W/report.md" >>"$OUT"
exit 0
