#!/usr/bin/env bash
# Datasets (issue 13): a directory as an input means every capture under it
# (recursively, by content, in name order, other files skipped with a
# count); --skip-existing skips an input whose files hold the same input
# and options, and converts again when either changed.
. "$(dirname "$0")/common.sh"
D1=02:00:00:00:00:01 GW=02:00:00:00:00:fe
printf 'cam %s\n' $D1 >"$TMP/dev.txt"
mkdir -p "$TMP/caps/2024-01" "$TMP/caps/2024-02/deeper"
for d in 1 2 3; do
    echo "t=$((d * 86400)) smac=$D1 dmac=$GW src=192.168.1.10 dst=8.8.8.8 proto=udp sport=$d dport=53 len=10" >"$TMP/k$d.txt"
done
"$CRAFT" "$TMP/k1.txt" "$TMP/caps/2024-01/day1.pcap"
"$CRAFT" "$TMP/k2.txt" "$TMP/caps/2024-02/day2.pcap"
# A capture with an unusual name is still a capture; a gzipped one too.
"$CRAFT" "$TMP/k3.txt" "$TMP/caps/2024-02/deeper/day3.dump"
gzip -c "$TMP/caps/2024-01/day1.pcap" >"$TMP/caps/2024-02/deeper/old.pcap.gz"
echo "notes" >"$TMP/caps/README.txt"
: >"$TMP/caps/2024-01/empty.pcap"

"$CF" -d "$TMP/dev.txt" -o "$TMP/out" "$TMP/caps" 2>"$TMP/err"
check "directory input: exit 0" test $? -eq 0
check "directory input: other files counted" grep -q "$TMP/caps: 2 files that are not captures skipped" "$TMP/err"
expect "directory input: every capture converted, by content" \
    "$(ls "$TMP/out/bidirectional" | sort)" \
    "$(printf '%s\n' day1.parquet day2.parquet day3.dump.parquet old.parquet)"
expect "directory input: in name order" \
    "$(grep -E '^/.*:$' "$TMP/err" | sed "s|$TMP/caps/||")" \
    "$(printf '%s\n' 2024-01/day1.pcap: 2024-02/day2.pcap: 2024-02/deeper/day3.dump: 2024-02/deeper/old.pcap.gz:)"
mkdir -p "$TMP/nothing"
echo x >"$TMP/nothing/a.txt"
"$CF" -q -o "$TMP/out2" "$TMP/nothing" 2>"$TMP/err"
check "a directory with no capture: an error" test $? -ne 0
check "a directory with no capture: named" grep -q "$TMP/nothing: no capture in this directory" "$TMP/err"

# --skip-existing: a rerun converts nothing.
"$CF" --skip-existing -d "$TMP/dev.txt" -o "$TMP/out" "$TMP/caps" 2>"$TMP/err"
check "rerun: exit 0" test $? -eq 0
check "rerun: all four skipped" test "$(grep -c 'outputs exist with the same input and options: skipped' "$TMP/err")" -eq 4
check "rerun: no listed-device warning when nothing ran" bash -c "! grep -q 'had no traffic' '$TMP/err'"
# Day 4 added: one capture converted.
echo "t=$((4 * 86400)) smac=$D1 dmac=$GW src=192.168.1.10 dst=8.8.8.8 proto=udp sport=4 dport=53 len=10" >"$TMP/k4.txt"
"$CRAFT" "$TMP/k4.txt" "$TMP/caps/2024-02/day4.pcap"
"$CF" --skip-existing -d "$TMP/dev.txt" -o "$TMP/out" "$TMP/caps" 2>"$TMP/err"
check "a day added: four skipped" test "$(grep -c 'skipped (--skip-existing)' "$TMP/err")" -eq 4
check "a day added: it is converted" grep -q "^$TMP/caps/2024-02/day4.pcap:$" "$TMP/err"
check "a day added: its files" test -s "$TMP/out/unidirectional/day4.parquet"
# A changed input (same name) converts again.
"$CRAFT" "$TMP/k3.txt" "$TMP/caps/2024-02/day2.pcap"
"$CF" --skip-existing -d "$TMP/dev.txt" -o "$TMP/out" "$TMP/caps/2024-02/day2.pcap" 2>"$TMP/err"
check "changed input: converted again" grep -q "^$TMP/caps/2024-02/day2.pcap:$" "$TMP/err"
expect "changed input: the new records" \
    "$("$CF" summary --format csv "$TMP/out/bidirectional/day2.parquet" | grep first_seen_min)" \
    "bidirectional,first_seen_min,,1970-01-04T00:00:00.000000Z"
# A changed option converts again.
"$CF" --skip-existing -t 30 -d "$TMP/dev.txt" -o "$TMP/out" "$TMP/caps/2024-01/day1.pcap" 2>"$TMP/err"
check "changed option: converted again" grep -q "^$TMP/caps/2024-01/day1.pcap:$" "$TMP/err"
check "changed option: the file has it" bash -c "'$CF' summary --force --format json '$TMP/out/bidirectional/day1.parquet' >/dev/null"
"$CF" --skip-existing -t 30 -d "$TMP/dev.txt" -o "$TMP/out" "$TMP/caps/2024-01/day1.pcap" 2>"$TMP/err"
check "same option again: skipped" grep -q 'skipped (--skip-existing)' "$TMP/err"
# Only one variant's file present: converted again.
rm "$TMP/out/unidirectional/day4.parquet"
"$CF" --skip-existing -d "$TMP/dev.txt" -o "$TMP/out" "$TMP/caps/2024-02/day4.pcap" 2>"$TMP/err"
check "a file missing: converted again" grep -q "^$TMP/caps/2024-02/day4.pcap:$" "$TMP/err"

# Real captures: a folder of them, converted, then skipped.
P=${SHARED_DIR:-}/pcaps/iot/iot-sentinel
if [ -n "${SHARED_DIR:-}" ] && [ -d "$P" ]; then
    n=$(ls "$P" | wc -l)
    "$CF" -q -o "$TMP/sentinel" "$P" 2>/dev/null
    check "real folder: every capture converted" test "$(ls "$TMP/sentinel/bidirectional" | wc -l)" -eq "$n"
    "$CF" --skip-existing -o "$TMP/sentinel" "$P" 2>"$TMP/err"
    check "real folder: rerun skips all $n" test "$(grep -c 'skipped (--skip-existing)' "$TMP/err")" -eq "$n"
else
    skip "../shared/pcaps absent: real folder"
fi
finish
