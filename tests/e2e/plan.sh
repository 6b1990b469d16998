#!/usr/bin/env bash
# `customflow plan` and `customflow task` without a cluster: the plan's
# options and inputs (directories expanded, paths absolute, largest first),
# tasks run by xargs -P 2 as `parallel` would, outputs byte-identical to
# one `customflow --jobs 2` run, with captures packed into shared tasks
# too (--task-bytes), statuses and logs, and the errors. Per-day plans
# (--merge --rotate 1d) on a generated multi-day set and on real captures
# split with editcap: the day tasks' files byte-identical to one
# `customflow --merge --rotate 1d` run, names, records and metadata.
. "$(dirname "$0")/common.sh"
mkdir -p "$TMP/caps/sub"
for s in 1 2 3; do
    "$B/cf-gencap" --preset sample --seed $s --duration $((30 * s)) -o "$TMP/caps/g$s.pcap" \
        --devices-out "$TMP/dev.txt" 2>/dev/null
done
mv "$TMP/caps/g2.pcap" "$TMP/caps/sub/g2.pcap"
echo "not a capture" >"$TMP/caps/notes.txt"
cd "$TMP"
OPTS=(-d dev.txt -n 4 --variant bidirectional --no-anonymize)
N=$("$CF" plan -o out "${OPTS[@]}" caps 2>warn)
check "plan: exit 0" test $? = 0
check "the skipped file is counted in a warning" grep -q 'caps: 1 file that is not captures skipped' warn
check "three tasks (the .txt is not a capture)" test "$N" = 3
check "header and mode" bash -c "head -5 out/plan.tsv | grep -q '^customflow-plan	1\$' && grep -q '^mode	per-capture\$' out/plan.tsv"
check "options carried, paths absolute" grep -q "^option	devices=$TMP/dev.txt\$" out/plan.tsv
check "output absolute" grep -q "^option	output=$TMP/out\$" out/plan.tsv
check "hidden option carried (anonymize=false)" grep -q '^option	anonymize=false$' out/plan.tsv
check "defaults not written" bash -c "! grep -q '^option	payload-bytes' out/plan.tsv"
check "inputs absolute, subdirectory walked" grep -q "	$TMP/caps/sub/g2.pcap\$" out/plan.tsv
sizes=$(awk -F'\t' '$1 == "task" {print $3}' out/plan.tsv)
check "largest first" test "$sizes" = "$(echo "$sizes" | sort -rn)"
check "sizes are the files'" test "$(echo "$sizes" | head -1)" = "$(stat -c %s caps/g3.pcap)"

# Tasks in parallel, from another directory (paths in the plan are absolute).
(cd / && seq 0 $((N - 1)) | xargs -P 2 -I{} "$CF" task "$TMP/out" {})
check "tasks: exit 0" test $? = 0
"$CF" -q --jobs 2 -o local "${OPTS[@]}" caps/g1.pcap caps/sub/g2.pcap caps/g3.pcap
for f in g1 g2 g3; do
    check "$f byte-identical to the local run" cmp -s "local/bidirectional/$f.parquet" "out/bidirectional/$f.parquet"
done
check "only the variant asked for" test ! -e out/unidirectional
check "statuses: exit 0, done" test "$(cut -f1,2 out/tasks/*.status | sort -u)" = "0	done"
check "log names the input and the end" bash -c "grep -q 'input .*g3.pcap: done' out/tasks/0.log && grep -q 'task 0 end: exit 0' out/tasks/0.log"

# Packed: the small captures share tasks; same bytes.
N2=$("$CF" plan --task-bytes 1G -o packed "${OPTS[@]}" caps)
check "--task-bytes 1G: one task" test "$N2" = 1
check "its three inputs in one line" test "$(awk -F'\t' '$1 == "task" {print NF - 5}' packed/plan.tsv)" = 3
"$CF" task packed 0
for f in g1 g2 g3; do
    check "packed $f byte-identical" cmp -s "local/bidirectional/$f.parquet" "packed/bidirectional/$f.parquet"
done
N3=$("$CF" plan --task-bytes=100K -o packed "${OPTS[@]}" caps)
check "re-plan: statuses of the old plan removed" test ! -e packed/tasks/0.status
check "--task-bytes 100K: more than one task" test "$N3" -gt 1

# Options the sinks added (--rotate) travel through the plan too.
N4=$("$CF" plan -o rot --rotate 1h "${OPTS[@]}" caps 2>/dev/null)
check "--rotate carried" grep -q '^option	rotate=1h$' rot/plan.tsv
for ((k = 0; k < N4; k++)); do "$CF" task rot $k; done
"$CF" -q --jobs 2 --rotate 1h -o rotlocal "${OPTS[@]}" caps/g1.pcap caps/sub/g2.pcap caps/g3.pcap
(cd rotlocal && find . -name '*.parquet' | sort) >rot.want
(cd rot && find . -name '*.parquet' | sort) >rot.got
check "--rotate: the local run's file names" bash -c "cmp -s rot.want rot.got && grep -q _ rot.got"
differ=0
while read -r f; do cmp -s "rotlocal/$f" "rot/$f" || differ=1; done <rot.want
check "--rotate: byte-identical" test $differ = 0

# A failing task: its status says so, exit 1; a rerun after the fix is done.
mv caps/g1.pcap g1.away
k=$(awk -F'\t' '$1 == "task" && $6 ~ /g1.pcap$/ {print $2}' out/plan.tsv)
"$CF" task out "$k" 2>err
check "missing capture: exit 1" test $? = 1
check "status: exit 1, failed, the file named" bash -c "cut -f1,2 out/tasks/$k.status | grep -q '^1	failed' && grep -q 'g1.pcap' out/tasks/$k.status"
mv g1.away caps/g1.pcap
"$CF" task out "$k"
check "rerun: done" test "$(cut -f1 out/tasks/$k.status)" = 0
check "log keeps every attempt (three)" test "$(grep -c ' start ' out/tasks/$k.log)" = 3

# A task stopped by SIGTERM (scancel's first signal) while it converts: exit
# 143, status "interrupted", no output file left, within a second. The
# capture comes through a FIFO, so the task is surely mid-conversion: fed
# steadily (a chunk every 20 ms), and stalled (5 s between chunks, the task
# waiting in read()); the same for a per-day plan (the merged source).
"$B/cf-gencap" --preset iot-day --max-bytes 8M -o big.pcap 2>/dev/null
mkfifo slow.pcap
mkdir -p sig sigday
printf 'customflow-plan\t1\nmode\tper-capture\noption\toutput=%s/sig\ntask\t0\t1\t-\t-\t%s/slow.pcap\n' \
    "$TMP" "$TMP" >sig/plan.tsv
printf 'customflow-plan\t1\nmode\tper-day\noption\toutput=%s/sigday\noption\trotate=1d\noption\tmerge=true\ncapture\t1700000000000000\t1700090000000000\t1700090000000000\t999999\t8000000\t-\t%s/slow.pcap\ntask\t0\t1\t1699920000000000\t1700006400000000\t%s/slow.pcap\n' \
    "$TMP" "$TMP" "$TMP" >sigday/plan.tsv
now_ms() { echo $(($(date +%s%N) / 1000000)); }
for plan in sig sigday; do
    for pause in 0.02 5; do
        /usr/bin/python3 -c '
import sys, time
d = open("big.pcap", "rb").read()
with open("slow.pcap", "wb") as o:
    for i in range(0, len(d), 65536):
        o.write(d[i:i + 65536]); o.flush(); time.sleep(float(sys.argv[1]))
' $pause 2>/dev/null &
        writer=$!
        "$CF" task $plan 0 2>/dev/null &
        task=$!
        sleep 0.7
        t0=$(now_ms)
        kill -TERM $task
        (sleep 10; kill -KILL $task 2>/dev/null) &
        watchdog=$!
        wait $task
        tst=$?
        took=$(($(now_ms) - t0))
        kill $watchdog $writer 2>/dev/null; wait $watchdog $writer 2>/dev/null
        check "SIGTERM ($plan, pause $pause s): task ended within a second (${took} ms)" test $took -lt 1000
        check "SIGTERM ($plan, pause $pause s): exit 143" test $tst = 143
        check "SIGTERM ($plan, pause $pause s): status interrupted" bash -c "cut -f1,2 $plan/tasks/0.status | grep -q '^143	interrupted\$'"
        check "SIGTERM ($plan, pause $pause s): no output file left" test -z "$(find $plan -name '*.parquet*')"
    done
done

# ---- Per-day plans: --merge --rotate 1d, one task per UTC day.
# same_files A B: the same file names under A and B (plans and task files
# aside), each byte-identical; the number of files on stdout.
same_files() {
    (cd "$1" && find . -type f -not -path './tasks/*' -not -name plan.tsv | sort) >"$TMP/sf.a"
    (cd "$2" && find . -type f -not -path './tasks/*' -not -name plan.tsv | sort) >"$TMP/sf.b"
    cmp -s "$TMP/sf.a" "$TMP/sf.b" || { echo "file names differ: $(diff "$TMP/sf.a" "$TMP/sf.b" | head -4)" >&2; return 1; }
    while read -r f; do cmp -s "$1/$f" "$2/$f" || { echo "$f differs" >&2; return 1; }; done <"$TMP/sf.a"
    test -s "$TMP/sf.a"
}
# A generated set over five UTC days (2023-11-14 .. 18): a capture across
# the first midnight split by editcap into pieces (flows continue from
# piece to piece), one across the second midnight, one at noon of the
# third day, one on the fifth day. Camera streams and keepalives cross
# both midnights at gaps far below L: their records chain back to the
# set's start, which a day's task must find.
M=1700006400 D=86400
mkdir -p days/caps
"$B/cf-gencap" --preset sample --devices 2 --start $((M - 150)) --duration 300 -o days/a.pcap \
    --devices-out days/dev.txt 2>/dev/null
"$B/cf-gencap" --preset sample --devices 2 --start $((M + D - 150)) --duration 300 -o days/caps/b.pcap 2>/dev/null
"$B/cf-gencap" --preset sample --devices 2 --seed 2 --start $((M + D + 43200)) --duration 60 -o days/caps/c.pcap 2>/dev/null
"$B/cf-gencap" --preset sample --devices 2 --seed 3 --start $((M + 3 * D + 36000)) --duration 120 -o days/caps/d.pcap 2>/dev/null
if command -v editcap >/dev/null; then
    editcap -c 4000 days/a.pcap days/caps/a.pcap
else
    skip "editcap absent: the first capture is not split"
    cp days/a.pcap days/caps/a.pcap
fi
DOPTS=(-d days/dev.txt --merge --rotate 1d)
ND=$("$CF" plan -o dayout "${DOPTS[@]}" days/caps)
check "per-day plan: exit 0" test $? = 0
check "per-day plan: four days, four tasks" test "$ND" = 4
check "per-day plan: mode per-day" grep -q '^mode	per-day$' dayout/plan.tsv
check "per-day plan: every capture, in name order" test "$(awk -F'\t' '$1 == "capture" {print $NF}' dayout/plan.tsv)" = "$(ls -d "$TMP"/days/caps/*)"
dsizes=$(awk -F'\t' '$1 == "task" {print $3}' dayout/plan.tsv)
check "per-day plan: largest first" test "$dsizes" = "$(echo "$dsizes" | sort -rn)"
check "per-day plan: windows are UTC days" test "$(awk -F'\t' '$1 == "task" && ($5 - $4 != 86400000000 || $4 % 86400000000) {print}' dayout/plan.tsv)" = ""
(cd / && seq 0 $((ND - 1)) | xargs -P 2 -I{} "$CF" task "$TMP/dayout" {} 2>/dev/null)
check "per-day tasks: exit 0" test $? = 0
"$CF" -q -o daylocal "${DOPTS[@]}" days/caps
check "per-day: byte-identical to one --merge --rotate 1d run" same_files daylocal dayout
check "per-day: a file per day and variant (4 x 2)" test "$(find dayout -name '*.parquet' | wc -l)" = 8
first=$(ls days/caps | head -1)
check "per-day: named after the first capture" test -e "dayout/bidirectional/${first%.pcap}_2023-11-14.parquet"
# Both kinds of file: closed on the way (no run-final keys) and at the end.
check "per-day: the last day's file carries the set's identity" grep -qa customflow.input_xxh3_128 "$(ls dayout/bidirectional/*_2023-11-18.parquet)"
check "per-day: an earlier day's file does not (closed on the way)" bash -c "! grep -qa customflow.input_xxh3_128 $(ls dayout/bidirectional/*_2023-11-15.parquet)"
check "per-day: a day read from L before it" grep -q 'read from .* (0.001 days before the day)' dayout/tasks/*.log
check "per-day: a day read back further (records chained across midnight)" \
    bash -c "grep -qE 'read from the first frame|\(1\.000 days before' dayout/tasks/*.log"
"$CF" summary dayout | sed 's|dayout/||' >sum.got
"$CF" summary daylocal | sed 's|daylocal/||' >sum.want
check "per-day: the dataset summary equals the single run's" cmp -s sum.want sum.got
"$CF" task dayout 0 2>/dev/null
check "per-day: a task run again leaves the same files" same_files daylocal dayout
ND2=$("$CF" plan -o daypart -d days/dev.txt --merge --partition --format jsonl -t 30 days/caps)
for ((k = 0; k < ND2; k++)); do "$CF" task daypart $k 2>/dev/null; done
"$CF" -q -o daypartlocal -d days/dev.txt --merge --partition --format jsonl -t 30 days/caps
check "per-day --partition --format jsonl -t 30: byte-identical" same_files daypartlocal daypart

# Real captures: a week of a camera split by editcap into pieces, a hub
# split by day, and a baby monitor across a midnight (its sessions chain
# back to its start).
if [ -n "${SHARED_DIR:-}" ] && [ -d "$SHARED_DIR/pcaps/iot" ] && command -v editcap >/dev/null; then
    P=$SHARED_DIR/pcaps/iot
    mkdir -p realdays
    editcap -c 5000 "$P/fit-iot-dataset/blink-cam-01.pcap" realdays/blink.pcap
    editcap -i 86400 "$P/fit-iot-dataset/sifely-hub-01.pcap" realdays/sifely.pcap
    cp "$P/unsw/CamerasWithingsSmartBabyMonitor_16-10-07.pcap" realdays/
    NR=$("$CF" plan -o realout --merge --rotate 1d realdays)
    (cd / && seq 0 $((NR - 1)) | xargs -P 2 -I{} "$CF" task "$TMP/realout" {} 2>/dev/null)
    check "real per-day: tasks exit 0" test $? = 0
    "$CF" -q -o reallocal --merge --rotate 1d realdays
    check "real per-day ($NR days): byte-identical to one --merge --rotate 1d run" same_files reallocal realout
    check "real per-day: the baby monitor's second day read back to the start" \
        bash -c "grep -l 'day 2016-10-07' realout/tasks/*.log | xargs grep -q 'read from the first frame'"
else
    skip "../shared/pcaps or editcap absent: per-day plans of real captures not checked"
fi

# Per-day errors.
"$CF" plan -o bad -d days/dev.txt --merge days/caps >/dev/null 2>err
st=$?
check "--merge without --rotate 1d: exit 2, says what it needs" bash -c "test $st = 2 && grep -q 'a file per day' err"
"$CF" plan -o bad -d days/dev.txt --merge --rotate 1h days/caps >/dev/null 2>err
check "--merge --rotate 1h refused" grep -q 'not --rotate 1h' err
"$CF" plan -o bad -d days/dev.txt --merge --rotate 1d --names days/caps >/dev/null 2>err
check "--merge --names refused" grep -q -- '--names' err
"$CF" plan -o bad -d days/dev.txt --merge --rotate 1d --context 2 days/caps >/dev/null 2>err
check "--merge --context refused" grep -q -- '--context' err
"$CF" plan -o bad -d days/dev.txt --merge --rotate 1d --task-bytes 1G days/caps >/dev/null 2>err
check "--merge --task-bytes refused" grep -q -- '--task-bytes' err
if command -v mergecap >/dev/null; then
    mkdir -p backwards
    mergecap -a -F pcap -w backwards/x.pcap days/caps/b.pcap days/caps/c.pcap days/a.pcap
    "$CF" plan -o bad --merge --rotate 1d backwards >/dev/null 2>err
    st=$?
    check "a capture going back in time: exit 2, named" bash -c "test $st = 2 && grep -q 'x.pcap: timestamps go back' err"
fi

# Errors.
"$CF" plan "${OPTS[@]}" caps >/dev/null 2>err
check "no -o: exit 2" test $? = 2
check "no -o: says so" grep -q -- '-o OUT is required' err
cp caps/g1.pcap caps/sub/g1.pcap
"$CF" plan -o bad "${OPTS[@]}" caps >/dev/null 2>err
check "same stem twice: exit 2" test $? = 2
check "same stem twice: both named" bash -c "grep -q 'caps/g1.pcap' err && grep -q 'sub/g1.pcap' err"
rm caps/sub/g1.pcap
"$CF" plan -o bad -d nowhere.txt caps >/dev/null 2>err
check "missing device list: exit 2" test $? = 2
"$CF" plan -o bad --packets 0 caps >/dev/null 2>err
check "bad option value: the option's message" grep -q -- '--packets' err
"$CF" plan -o bad - >/dev/null 2>err
check "stdin refused" grep -q 'standard input' err
mkdir empty
"$CF" plan -o bad empty >/dev/null 2>err
check "directory without captures refused" grep -q 'no capture' err
"$CF" task out x 2>err
check "task x: exit 2" test $? = 2
printf 'customflow-plan\t2\n' >bad/plan.tsv
"$CF" task bad 0 2>err
check "another plan version refused" grep -q 'another version' err
printf 'customflow-plan\t1\nmode\tper-capture\ntask\t0\t1\t-\t-\n' >bad/plan.tsv
"$CF" task bad 0 2>err
check "task line without inputs refused" grep -q 'line 3: bad task line' err
finish
