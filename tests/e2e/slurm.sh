#!/usr/bin/env bash
# A dataset converted on a real two-node Slurm cluster brought up on this
# machine (tests/cluster/slurm-up.sh): `customflow plan`, the job array of
# scripts/slurm/submit.sh, a task that fails once (its capture is away) and
# one cancelled while running (scancel), both resubmitted alone by
# resubmit-failed.sh, the summary job that runs only once every task is done. The outputs must equal, byte for byte, a
# local `customflow --jobs 2` run of the same captures, and the tasks must
# have run on both nodes. Then a per-day plan (--merge --rotate 1d) of a
# generated multi-day set and real captures split by editcap: its files
# byte-identical to one local `customflow --merge --rotate 1d` run, its
# summary job's equal to the local summary. Needs root and Debian's slurm packages; skips
# otherwise. Every wait is bounded.
. "$(dirname "$0")/common.sh"
PATH=$PATH:/usr/sbin
if [ "$(id -u)" -ne 0 ]; then
    skip "slurm: needs root (slurmd runs the jobs)"; finish; exit
fi
for cmd in munged slurmctld slurmd sbatch squeue sinfo; do
    if ! command -v $cmd >/dev/null; then
        skip "slurm: $cmd not installed (scripts/setup.sh installs slurm)"; finish; exit
    fi
done
CL=$TMP/cluster
trap 'tests/cluster/slurm-down.sh "$CL"; rm -rf "$TMP"' EXIT
if ! tests/cluster/slurm-up.sh "$CL" >"$TMP/up.log" 2>&1; then
    cat "$TMP/up.log" >&2
    fail "two-node cluster did not come up"; finish; exit
fi
pass
. "$CL/env"

# wait_jobs SECONDS ID...: until none of the jobs is queued or running.
wait_jobs() {
    local limit=$1 ids
    shift
    ids=$(echo "$@" | tr ' ' ',')
    local deadline=$((SECONDS + limit))
    while [ $SECONDS -lt $deadline ]; do
        [ -z "$(squeue -h -j "$ids" 2>/dev/null)" ] && return 0
        sleep 0.5
    done
    echo "jobs $ids still queued after ${limit}s:" >&2
    squeue >&2
    return 1
}

# The dataset: generated captures of different sizes (one in a
# subdirectory) and, when present, the real IoT captures.
mkdir -p "$TMP/caps/home2"
for s in 1 2 3 4; do
    "$B/cf-gencap" --preset sample --seed $s --duration $((40 * s)) -o "$TMP/caps/gen$s.pcap" \
        --devices-out "$TMP/dev$s.txt" 2>/dev/null
done
mv "$TMP/caps/gen4.pcap" "$TMP/caps/home2/"
inputs=("$TMP/caps")
if [ -d "$SHARED_DIR/pcaps/iot" ]; then
    inputs+=("$SHARED_DIR/pcaps/iot")
else
    skip "real captures: $SHARED_DIR/pcaps/iot absent; generated captures only"
fi
# No device list: every local address is a device (labelled by its MAC), so
# the real captures, whose devices the generated list does not name, give
# records too.
OPTS=(-n 12 --local 10.200.0.0/16)

OUT=$TMP/out
N=$("$CF" plan -o "$OUT" "${OPTS[@]}" "${inputs[@]}")
check "plan printed the number of tasks" test "$N" -gt 4
check "plan.tsv has N tasks" test "$(grep -c '^task	' "$OUT/plan.tsv")" = "$N"
sizes=$(awk -F'\t' '$1 == "task" {print $3}' "$OUT/plan.tsv")
check "tasks largest first" test "$sizes" = "$(echo "$sizes" | sort -rn)"
mapfile -t files < <(awk -F'\t' '$1 == "task" {print $6}' "$OUT/plan.tsv" | sort)

# The local reference: one machine, two jobs, the same captures.
"$CF" -q --jobs 2 -o "$TMP/local" "${OPTS[@]}" "${files[@]}"

# Round 1: gen2's capture is away, so its task fails; gen3's task is
# cancelled (scancel) while it runs: a wrapper holds it once before
# customflow starts.
K2=$(awk -F'\t' '$1 == "task" && $6 ~ /\/gen2.pcap$/ {print $2}' "$OUT/plan.tsv")
K3=$(awk -F'\t' '$1 == "task" && $6 ~ /\/gen3.pcap$/ {print $2}' "$OUT/plan.tsv")
cat >"$TMP/slowcf" <<SH
#!/bin/sh
if [ "\$3" = "$K3" ] && mkdir "$TMP/held" 2>/dev/null; then sleep 30; fi
exec "$CF" "\$@"
SH
chmod +x "$TMP/slowcf"
export CUSTOMFLOW=$TMP/slowcf
mv "$TMP/caps/gen2.pcap" "$TMP/gen2.away"
read -r array summary < <(scripts/slurm/submit.sh "$OUT")
check "array submitted" test -n "$array"
held=0
for _ in $(seq 200); do
    [ -d "$TMP/held" ] && [ -n "$(squeue -h -j "${array}_$K3" -t R)" ] && { held=1; break; }
    sleep 0.1
done
check "task $K3 running (held)" test $held = 1
scancel "${array}_$K3"
check "round 1 ends" wait_jobs 150 "$array" "$summary"
ok=0 bad=()
for ((k = 0; k < N; k++)); do
    if [ "$(cut -f1 "$OUT/tasks/$k.status" 2>/dev/null)" = 0 ]; then ok=$((ok + 1)); else bad+=("$k"); fi
done
want_bad=$(printf '%s\n' "$K2" "$K3" | sort -n | tr '\n' ' ')
check "round 1: all tasks but two done" test "$ok" = $((N - 2))
check "round 1: the failed and the cancelled task are left" test "${bad[*]} " = "$want_bad"
check "failed task's status names the capture" grep -q 'gen2.pcap' "$OUT/tasks/$K2.status"
check "cancelled task has no status" test ! -e "$OUT/tasks/$K3.status"
check "no summary while tasks are missing" test ! -e "$OUT/summary.txt"

# Round 2: the capture is back; only the two indices are resubmitted.
mv "$TMP/gen2.away" "$TMP/caps/gen2.pcap"
scripts/slurm/resubmit-failed.sh "$OUT" >"$TMP/resub.txt"
check "resubmitted only the failed and the cancelled index" \
    grep -q "resubmitting 2 of $N tasks: $(echo $want_bad | tr ' ' ',')\$" "$TMP/resub.txt"
read -r array2 summary2 < <(tail -1 "$TMP/resub.txt")
check "round 2 ends" wait_jobs 90 "$array2" "$summary2"
check "task $K2 ran twice (two attempts in its log)" test "$(grep -c '^task .* start ' "$OUT/tasks/$K2.log")" = 2
for ((k = 0; k < N; k++)); do
    [ "$(cut -f1 "$OUT/tasks/$k.status" 2>/dev/null)" = 0 ] || fail "task $k not done after resubmission"
done
check "resubmit now finds nothing to do" bash -c "scripts/slurm/resubmit-failed.sh '$OUT' | grep -q '^all $N tasks done'"

# Tasks ran on both nodes (no accounting here: the logs say where).
check "tasks ran on n1" grep -q ' node n1 ' "$OUT"/tasks/*.log
check "tasks ran on n2" grep -q ' node n2 ' "$OUT"/tasks/*.log

# Byte for byte the local run's files, no more, no fewer.
(cd "$TMP/local" && find . -name '*.parquet' | sort) >"$TMP/want.list"
(cd "$OUT" && find . -name '*.parquet' | sort) >"$TMP/got.list"
check "same output files as the local run" cmp -s "$TMP/want.list" "$TMP/got.list"
check "outputs cover every capture" test "$(grep -c '^./bidirectional/' "$TMP/want.list")" = "$N"
differ=0
while read -r f; do cmp -s "$TMP/local/$f" "$OUT/$f" || { differ=1; echo "differs: $f" >&2; }; done <"$TMP/want.list"
check "every output byte-identical to the local run" test $differ = 0
total=$("$CF" summary --format csv "$OUT" 2>/dev/null | awk -F, '$1 == "bidirectional" && $2 == "records_total" {print $4}')
check "the dataset has records ($total)" test "${total:-0}" -gt 0

# The summary job ran after the last task, over the whole dataset.
check "summary job wrote summary.txt" test -s "$OUT/summary.txt"
"$CF" summary "$TMP/local" >"$TMP/local-summary.txt" 2>/dev/null
check "summary equals the local run's" cmp -s <(sed "s#$TMP/local#DIR#g" "$TMP/local-summary.txt") \
    <(sed "s#$OUT#DIR#g" "$OUT/summary.txt")

# A task run again, twice at once, leaves the same bytes.
"$CF" task "$OUT" 0 2>/dev/null &
"$CF" task "$OUT" 0 2>/dev/null
wait $!
check "task rerun concurrently: done" test "$(cut -f1 "$OUT/tasks/0.status")" = 0
differ=0
while read -r f; do cmp -s "$TMP/local/$f" "$OUT/$f" || differ=1; done <"$TMP/want.list"
check "outputs unchanged by the reruns" test $differ = 0
check "no temporary files left" test -z "$(find "$OUT" -name '*.tmp-*')"

# Per-day mode: --merge --rotate 1d, one task per UTC day, on the cluster.
export CUSTOMFLOW=$CF
M=1700006400 D=86400
mkdir -p "$TMP/days"
"$B/cf-gencap" --preset sample --devices 2 --start $((M - 120)) --duration 240 \
    -o "$TMP/days/a.pcap" --devices-out "$TMP/daydev.txt" 2>/dev/null
"$B/cf-gencap" --preset sample --devices 2 --start $((M + D - 120)) --duration 240 \
    -o "$TMP/days/b.pcap" 2>/dev/null
"$B/cf-gencap" --preset sample --devices 2 --seed 3 --start $((M + 3 * D)) --duration 60 \
    -o "$TMP/days/c.pcap" 2>/dev/null
if [ -d "$SHARED_DIR/pcaps/iot" ] && command -v editcap >/dev/null; then
    editcap -c 5000 "$SHARED_DIR/pcaps/iot/fit-iot-dataset/blink-cam-01.pcap" "$TMP/days/blink.pcap"
else
    skip "per-day: real captures or editcap absent; generated captures only"
fi
DOUT=$TMP/dayout
ND=$("$CF" plan -o "$DOUT" --merge --rotate 1d -d "$TMP/daydev.txt" "$TMP/days")
check "per-day plan: tasks ($ND)" test "${ND:-0}" -ge 4
"$CF" -q -o "$TMP/daylocal" --merge --rotate 1d -d "$TMP/daydev.txt" "$TMP/days"
read -r darray dsummary < <(scripts/slurm/submit.sh "$DOUT")
check "per-day array and summary end" wait_jobs 150 "$darray" "$dsummary"
check "per-day: every task done" test "$(cat "$DOUT"/tasks/*.status 2>/dev/null | cut -f1 | grep -c '^0$')" = "$ND"
(cd "$TMP/daylocal" && find . -type f | sort) >"$TMP/dwant.list"
(cd "$DOUT" && find . -name '*.parquet' | sort) >"$TMP/dgot.list"
check "per-day: the single run's file names" cmp -s "$TMP/dwant.list" "$TMP/dgot.list"
differ=0
while read -r f; do cmp -s "$TMP/daylocal/$f" "$DOUT/$f" || { differ=1; echo "differs: $f" >&2; }; done <"$TMP/dwant.list"
check "per-day: every file byte-identical to one --merge --rotate 1d run" test $differ = 0
check "per-day: some day read back past L" grep -qE 'read from the first frame|\([1-9][0-9.]* days before' "$DOUT"/tasks/*.log
"$CF" summary "$TMP/daylocal" >"$TMP/daylocal-summary.txt" 2>/dev/null
check "per-day: summary job equals the local summary" cmp -s <(sed "s#$TMP/daylocal#DIR#g" "$TMP/daylocal-summary.txt") \
    <(sed "s#$DOUT#DIR#g" "$DOUT/summary.txt" 2>/dev/null)

# Errors: a task number past the plan, a missing plan.
"$CF" task "$OUT" "$N" 2>"$TMP/err"
check "task N: exit 2" test $? = 2
check "task N: names the range" grep -q "tasks 0 to $((N - 1))" "$TMP/err"
"$CF" task "$TMP/nowhere" 0 2>"$TMP/err"
check "no plan: exit 2 and a hint" bash -c "grep -q 'customflow plan' '$TMP/err'"
finish
