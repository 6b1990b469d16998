#!/usr/bin/env bash
# Makespan of a customflow job array on the two-node test cluster
# (tests/cluster/slurm-up.sh: nodes n1 and n2 of one CPU each, on this
# machine) against `customflow --jobs 2` on the same machine for the same
# dataset, and a projection of the makespan on more nodes from the tasks'
# own times. Needs root and the slurm packages. Prints Markdown.
#
#   bench/slurm_makespan.sh [--files N] [--mb MB] [--runs R] [--task-bytes S] [BUILD]
#   bench/slurm_makespan.sh --per-day [--days D] [--mb MB] [--runs R] [BUILD]
#
# Dataset: N generated captures (cf-gencap iot-day, seeds 1..N) of MB*k/N
# megabytes for k = 1..N (uneven, as real collections are), plus the real
# IoT captures of ../shared/pcaps/iot when present. Each measurement is
# the median of R runs; --task-bytes is passed to customflow plan (small
# captures packed into shared tasks); the array's makespan runs from sbatch to the last
# element leaving the queue (what a user waits for).
#
# --per-day: a per-day plan (`customflow plan --merge --rotate 1d`, one
# task per UTC day) against one `customflow --merge --rotate 1d` run.
# Dataset: D generated captures (iot-day, seeds 1..D) of MB*k/D megabytes
# for k = 1..D, capture k starting 120 s before the midnight
# that opens day k (so each crosses midnight), plus the real UNSW captures
# of ../shared/pcaps/iot/unsw when present (2016; one of them a whole day
# across midnight UTC). The array's files are checked byte-identical to
# the single run's; each task's read-back (OUT/tasks/K.log: how far before
# its day it read, and the frames and bytes it read) is reported.
set -eu
cd "$(dirname "$0")/.."
FILES=12 MB=240 RUNS=3 BUILD=build PACK=() PERDAY=0 DAYS=4
while [ $# -gt 0 ]; do
    case $1 in
    --files) FILES=$2; shift 2 ;;
    --mb) MB=$2; shift 2 ;;
    --runs) RUNS=$2; shift 2 ;;
    --task-bytes) PACK=(--task-bytes "$2"); shift 2 ;;
    --per-day) PERDAY=1; shift ;;
    --days) DAYS=$2; shift 2 ;;
    *) BUILD=$1; shift ;;
    esac
done
[ $PERDAY = 0 ] || [ ${#PACK[@]} = 0 ] || { echo "slurm_makespan: --per-day plans refuse --task-bytes" >&2; exit 2; }
PATH=$PATH:/usr/sbin
[ "$(id -u)" -eq 0 ] || { echo "slurm_makespan: needs root" >&2; exit 1; }
CF=$(cd "$BUILD" && pwd)/customflow
GEN=$(cd "$BUILD" && pwd)/cf-gencap
TMP=$(mktemp -d)
CL=$TMP/cluster
trap 'tests/cluster/slurm-down.sh "$CL"; rm -rf "$TMP"' EXIT

now() { date +%s.%N; }
median() { sort -n | awk '{v[NR] = $1} END {print v[int((NR + 1) / 2)]}'; }

mkdir -p "$TMP/caps"
if [ $PERDAY = 0 ]; then
    for ((k = 1; k <= FILES; k++)); do
        "$GEN" --preset iot-day --seed "$k" --max-bytes "$((MB * k / FILES))M" \
            -o "$TMP/caps/gen$k.pcap" --devices-out "$TMP/dev.txt" 2>/dev/null
    done
    inputs=("$TMP/caps")
    SHARED=$(cd ../shared/pcaps/iot 2>/dev/null && pwd || true)
    [ -n "$SHARED" ] && inputs+=("$SHARED")
else
    M=1700006400 D=86400 # 2023-11-15T00:00:00Z
    for ((k = 1; k <= DAYS; k++)); do
        "$GEN" --preset iot-day --seed "$k" --start $((M + k * D - 120)) \
            --max-bytes "$((MB * k / DAYS))M" \
            -o "$TMP/caps/gen$k.pcap" --devices-out "$TMP/dev.txt" 2>/dev/null
    done
    inputs=("$TMP/caps")
    SHARED=$(cd ../shared/pcaps/iot/unsw 2>/dev/null && pwd || true)
    [ -n "$SHARED" ] && inputs+=("$SHARED")
fi

tests/cluster/slurm-up.sh "$CL" >/dev/null
. "$CL/env"
export CUSTOMFLOW=$CF
OUT=$TMP/out
if [ $PERDAY = 0 ]; then
    N=$("$CF" plan -o "$OUT" "${PACK[@]}" -d "$TMP/dev.txt" "${inputs[@]}")
    mapfile -t files < <(awk -F'\t' '$1 == "task" {for (f = 6; f <= NF; f++) print $f}' "$OUT/plan.tsv")
    bytes=$(awk -F'\t' '$1 == "task" {s += $3} END {print s}' "$OUT/plan.tsv")
    # Local: one machine, --jobs 2 (its two cores), the same captures.
    local_run=("$CF" -q --jobs 2 -d "$TMP/dev.txt" -o "$TMP/local" "${files[@]}")
    local_name='`customflow --jobs 2`, one machine'
else
    N=$("$CF" plan -o "$OUT" --merge --rotate 1d -d "$TMP/dev.txt" "${inputs[@]}")
    mapfile -t files < <(awk -F'\t' '$1 == "capture" {print $NF}' "$OUT/plan.tsv")
    bytes=$(awk -F'\t' '$1 == "capture" {s += $6} END {print s}' "$OUT/plan.tsv")
    # Local: one machine, one --merge run (one record stream), the same captures.
    local_run=("$CF" -q --merge --rotate 1d -d "$TMP/dev.txt" -o "$TMP/local" "${inputs[@]}")
    local_name='one `customflow --merge --rotate 1d`, one machine'
fi

for ((r = 0; r < RUNS; r++)); do
    rm -rf "$TMP/local"
    t0=$(now)
    "${local_run[@]}"
    awk -v a="$(now)" -v b="$t0" 'BEGIN {print a - b}'
done | median >"$TMP/local.s"

# The array on the two nodes.
for ((r = 0; r < RUNS; r++)); do
    t0=$(now)
    job=$(sbatch --parsable --array=0-$((N - 1)) --output=/dev/null \
        scripts/slurm/customflow.sbatch "$OUT")
    deadline=$((SECONDS + 600))
    while [ -n "$(squeue -h -j "${job%%;*}")" ] && [ $SECONDS -lt $deadline ]; do sleep 0.05; done
    awk -v a="$(now)" -v b="$t0" 'BEGIN {print a - b}'
done | median >"$TMP/array.s"
for ((k = 0; k < N; k++)); do
    [ "$(cut -f1 "$OUT/tasks/$k.status")" = 0 ] || { echo "task $k failed" >&2; exit 1; }
done
if [ $PERDAY = 1 ]; then
    # The days' files together are the single run's, byte for byte.
    (cd "$TMP/local" && find . -type f | sort) >"$TMP/want.list"
    (cd "$OUT" && find . -type f ! -path './tasks/*' ! -name plan.tsv | sort) >"$TMP/got.list"
    cmp -s "$TMP/want.list" "$TMP/got.list" || { echo "per-day: file names differ" >&2; exit 1; }
    while read -r f; do
        cmp -s "$TMP/local/$f" "$OUT/$f" || { echo "per-day: $f differs" >&2; exit 1; }
    done <"$TMP/want.list"
fi

# Per-task times of the last run, in plan order (largest first).
for ((k = 0; k < N; k++)); do cut -f4 "$OUT/tasks/$k.status"; done >"$TMP/task.s"
LOCAL=$(cat "$TMP/local.s") ARRAY=$(cat "$TMP/array.s")
awk -v n="$N" -v captures="${#files[@]}" -v bytes="$bytes" -v local_s="$LOCAL" -v array_s="$ARRAY" -v runs="$RUNS" \
    -v local_name="$local_name" -v perday="$PERDAY" '
# Makespan of list scheduling in plan order on m nodes: each task to the
# node that frees first (what Slurm does with an array and idle nodes).
function lpt(m, extra,   k, j, best, free, span) {
    for (j = 0; j < m; j++) free[j] = 0
    for (k = 1; k <= n; k++) {
        best = 0
        for (j = 1; j < m; j++) if (free[j] < free[best]) best = j
        free[best] += t[k] + extra
    }
    span = 0
    for (j = 0; j < m; j++) if (free[j] > span) span = free[j]
    return span
}
{ t[NR] = $1; sum += $1; if ($1 > max) max = $1 }
END {
    ideal2 = lpt(2, 0)
    # What the array cost beyond its tasks, per task and node.
    over = (array_s - ideal2) * 2 / n; if (over < 0) over = 0
    printf "Dataset: %d captures in %d tasks, %.1f MB; %d runs, medians.\n\n", captures, n, bytes / 1e6, runs
    printf "| run | makespan (s) | MB/s |\n| --- | ---: | ---: |\n"
    printf "| %s | %.2f | %.0f |\n", local_name, local_s, bytes / 1e6 / local_s
    printf "| Slurm array, 2 nodes x 1 CPU (same machine) | %.2f | %.0f |\n\n", array_s, bytes / 1e6 / array_s
    printf "Array makespan / one-machine run: %.2f.%s\n\n", array_s / local_s, perday ? " The files of the days are byte-identical to those of the single run." : ""
    printf "Tasks: %.2f s of conversion in all (largest %.2f s); list scheduling on 2 nodes\n", sum, max
    printf "would take %.2f s, so the array spent %.2f s per task on scheduling and start-up.\n\n", ideal2, over
    printf "Projection (tasks in plan order to the first free node, each task its measured\n"
    printf "time plus that overhead; bound: max(largest task, total / nodes)):\n\n"
    printf "| nodes | projected makespan (s) | bound without overhead (s) |\n| ---: | ---: | ---: |\n"
    for (m = 1; m <= 64; m *= 2) {
        b = sum / m; if (max > b) b = max
        printf "| %d | %.2f | %.2f |\n", m, lpt(m, over), b
    }
}' "$TMP/task.s"

[ $PERDAY = 1 ] || exit 0
# Read-back of each task in its last run (the logs are appended to): how
# far before its day it read, and what it read against the whole set.
printf '\nRead-back per task (last run; plan order, largest first; set: %s frames, %.1f MB):\n\n' \
    "$(awk -F'\t' '$1 == "capture" {s += $5} END {print s}' "$OUT/plan.tsv")" \
    "$(awk -v b="$bytes" 'BEGIN {print b / 1e6}')"
printf '| task | day | read from | frames read | MB read | time (s) |\n| ---: | --- | --- | ---: | ---: | ---: |\n'
for ((k = 0; k < N; k++)); do
    awk -v k="$k" '
    $1 == "task" && $3 == "start" {day = ""; from = ""; frames = 0; mb = 0; secs = ""}
    $1 == "day" {day = $2}
    /^read from the first frame/ {from = "the first frame of the set"}
    /^read from [0-9-]+ \(/ {from = $4; sub(/^\(/, "", from); from = from " days before"}
    $1 == "input" {for (f = 1; f < NF; f++) {if ($(f + 1) ~ /^bytes/) mb += $f / 1e6; if ($(f + 1) ~ /^frames/) frames += $f}}
    $1 == "task" && $3 == "end:" {secs = $(NF - 1)}
    END {printf "| %d | %s | %s | %d | %.1f | %s |\n", k, day, from, frames, mb, secs}' "$OUT/tasks/$k.log"
done | tee "$TMP/readback.md"
awk -F'|' -v b="$bytes" '{s += $6} END {printf "\nThe tasks read %.1f MB in all, %.2f times the set.\n", s, s / (b / 1e6)}' "$TMP/readback.md"
