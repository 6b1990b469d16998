#!/usr/bin/env bash
# `customflow plan` and `customflow task` without a cluster: the plan's
# options and inputs (directories expanded, paths absolute, largest first),
# tasks run by xargs -P 2 as `parallel` would, outputs byte-identical to
# one `customflow --jobs 2` run, with captures packed into shared tasks
# too (--task-bytes), statuses and logs, and the errors.
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
# 143, status "interrupted", no output file left. The capture comes through
# a FIFO over about 2.5 s, so the task is surely mid-conversion.
"$B/cf-gencap" --preset iot-day --max-bytes 8M -o big.pcap 2>/dev/null
mkfifo slow.pcap
mkdir -p sig
printf 'customflow-plan\t1\nmode\tper-capture\noption\toutput=%s/sig\ntask\t0\t1\t-\t-\t%s/slow.pcap\n' \
    "$TMP" "$TMP" >sig/plan.tsv
/usr/bin/python3 -c '
import sys, time
d = open("big.pcap", "rb").read()
with open("slow.pcap", "wb") as o:
    for i in range(0, len(d), 65536):
        o.write(d[i:i + 65536]); o.flush(); time.sleep(0.02)
' 2>/dev/null &
writer=$!
"$CF" task sig 0 2>/dev/null &
task=$!
sleep 0.7
kill -TERM $task
(sleep 10; kill -KILL $task 2>/dev/null) &
watchdog=$!
t0=$SECONDS
wait $task
tst=$?
took=$((SECONDS - t0))
kill $watchdog $writer 2>/dev/null; wait $watchdog $writer 2>/dev/null
check "SIGTERM: task ended within 5 s" test $took -le 5
check "SIGTERM: exit 143" test $tst = 143
check "SIGTERM: status interrupted" bash -c "cut -f1,2 sig/tasks/0.status | grep -q '^143	interrupted\$'"
check "SIGTERM: no output file left" test -z "$(find sig -name '*.parquet*')"

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
