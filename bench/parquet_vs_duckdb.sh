#!/usr/bin/env bash
# Parquet writer throughput: ours (bench/pq_bench) against DuckDB's COPY ...
# (FORMAT parquet) on the same rows and the same codec.
#
# Usage: bench/parquet_vs_duckdb.sh [ROWS] [REPS]     (default 2000000 3)
# Env:   CF_BUILD (default build), PQ_BENCH (default $CF_BUILD/bench/pq_bench),
#        CODEC (default zstd), LEVEL (zstd level for both writers, default 3,
#        DuckDB's default; 0 = each writer's own default), ROW_GROUP (DuckDB
#        ROW_GROUP_SIZE: "match" = our rows per row group (default), 0 =
#        DuckDB's default of 122880 rows), TMPDIR.
# Needs: node + `npm ci --prefix tests/readers` (DuckDB), /usr/bin/time
# (Debian package `time`) for the peak RSS.
#
# Method: pq_bench generates ROWS deterministic custom-flow-like rows and
# writes them (generation included in its time; `pq_bench -n` reports the
# generator alone). DuckDB then loads OUR file into an in-memory table and
# only `COPY t TO x.parquet (FORMAT parquet, COMPRESSION zstd)` is timed,
# with 1 thread and with all cores. Median of REPS runs each. A checksum
# over both files shows they hold the same rows.
set -eu
cd "$(dirname "$0")/.."
ROWS=${1:-2000000}
REPS=${2:-3}
CODEC=${CODEC:-zstd}
LEVEL=${LEVEL:-3}
ROW_GROUP=${ROW_GROUP:-match}
BUILD=${CF_BUILD:-build}
PQ_BENCH=${PQ_BENCH:-$BUILD/bench/pq_bench}
[ -x "$PQ_BENCH" ] || { echo "no $PQ_BENCH: run make first" >&2; exit 1; }
[ -d tests/readers/node_modules/@duckdb/node-api ] ||
    { echo "no DuckDB: run npm ci --prefix tests/readers" >&2; exit 1; }
TIME=/usr/bin/time
[ -x "$TIME" ] || { echo "no /usr/bin/time: apt-get install time" >&2; exit 1; }

tmp=$(mktemp -d "${TMPDIR:-/tmp}/pqbench.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
median() { sort -g | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }
field() { sed -nE "s/.*$1=([^ ]+).*/\1/p"; }

echo "# machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | sed 's/.*: //')"
echo "# rows=$ROWS reps=$REPS codec=$CODEC level=$LEVEL duckdb_row_group=$ROW_GROUP"
echo "# load average before: $(cut -d" " -f1-3 /proc/loadavg) (other work on the machine skews the times)"

gen=$("$PQ_BENCH" -n "$ROWS" /dev/null | field elapsed_s)
echo "generator alone: ${gen}s"

# Ours: one thread, pages compressed inline (as customflow writes them).
: >"$tmp/ours"
for i in $(seq "$REPS"); do
    line=$("$PQ_BENCH" -c "$CODEC" -l "$LEVEL" "$ROWS" "$tmp/ours.parquet")
    echo "ours rep=$i $line"
    echo "$line" | field elapsed_s >>"$tmp/ours"
done
ours=$(median <"$tmp/ours")
bytes_ours=$(stat -c %s "$tmp/ours.parquet")
"$TIME" -v "$PQ_BENCH" -c "$CODEC" -l "$LEVEL" "$ROWS" "$tmp/rss.parquet" >/dev/null 2>"$tmp/time"
rss_kb=$(sed -nE 's/.*Maximum resident set size \(kbytes\): ([0-9]+).*/\1/p' "$tmp/time")

declare -A duck
for th in 1 "$(nproc)"; do
    node bench/duckdb_copy.mjs "$tmp/ours.parquet" "$tmp/duck.parquet" "$REPS" "$th" "$CODEC" "$LEVEL" "$ROW_GROUP" \
        >"$tmp/duck$th.log"
    cat "$tmp/duck$th.log"
    duck[$th]=$(grep '^duckdb_copy' "$tmp/duck$th.log" | field elapsed_s | median)
done
bytes_duck=$(stat -c %s "$tmp/duck.parquet")
c_ours=$(sed -nE 's/.*checksum_ours=([^ ]+).*/\1/p' "$tmp/duck1.log")
c_duck=$(sed -nE 's/.*checksum_duckdb=([^ ]+).*/\1/p' "$tmp/duck1.log")
[ "$c_ours" = "$c_duck" ] || { echo "ROWS DIFFER: ours $c_ours duckdb $c_duck" >&2; exit 1; }

rate() { awk -v n="$ROWS" -v s="$1" 'BEGIN {printf "%.0f", n / s}'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.2f", b / a}'; }
nc=$(nproc)
echo
echo "| writer | median s | rows/s | ours/duckdb (rows/s) | file bytes |"
echo "|---|---|---|---|---|"
echo "| customflow pq_writer (1 thread, incl. row generation ${gen}s) | $ours | $(rate "$ours") | - | $bytes_ours |"
echo "| DuckDB COPY, threads=1 | ${duck[1]} | $(rate "${duck[1]}") | $(ratio "$ours" "${duck[1]}") | $bytes_duck |"
echo "| DuckDB COPY, threads=$nc | ${duck[$nc]} | $(rate "${duck[$nc]}") | $(ratio "$ours" "${duck[$nc]}") | $bytes_duck |"
echo
echo "peak RSS of pq_bench: $rss_kb KiB"
echo "# load average after: $(cut -d" " -f1-3 /proc/loadavg)"
grep -h 'row_groups' "$tmp/duck1.log"
echo "same rows in both files (checksum $c_ours)"
