#!/usr/bin/env bash
# --merge (issue 13, SPEC §7): several captures read as one in timestamp
# order (ties in input order, as mergecap), so records continue across file
# boundaries. A real capture split by time and by packet count with editcap,
# merged back (inputs given in any order, or as their directory), gives the
# same records as the whole capture; converted apart, a record is cut at
# every boundary.
. "$(dirname "$0")/common.sh"
DUMP=$B/tests/tools/cfdump
D1=02:00:00:00:00:01 GW=02:00:00:00:00:fe
# Crafted: one flow over three files, 10 s apart each, lifetime 60 s; a
# tie at t=20 between files b and c keeps input order (b's packet first).
echo "t=0 smac=$D1 dmac=$GW src=192.168.1.10 dst=8.8.8.8 proto=udp sport=1 dport=53 len=1" >"$TMP/a.txt"
printf '%s\n' "t=10 smac=$D1 dmac=$GW src=192.168.1.10 dst=8.8.8.8 proto=udp sport=1 dport=53 len=2" \
    "t=20 smac=$D1 dmac=$GW src=192.168.1.10 dst=8.8.8.8 proto=udp sport=1 dport=53 len=3" >"$TMP/b.txt"
echo "t=20 smac=$D1 dmac=$GW src=192.168.1.10 dst=8.8.8.8 proto=udp sport=1 dport=53 len=4" >"$TMP/c.txt"
for f in a b c; do "$CRAFT" "$TMP/$f.txt" "$TMP/$f.pcap"; done
"$CF" -q --merge -o "$TMP/m" "$TMP/c.pcap" "$TMP/b.pcap" "$TMP/a.pcap" 2>"$TMP/err"
check "merge: exit 0" test $? -eq 0
check "merge: files named after the first input" test -s "$TMP/m/bidirectional/c.parquet"
got=$("$DUMP" "$TMP/m/bidirectional/c.parquet")
check "merge: one record across three files" test "$(echo "$got" | wc -l)" -eq 1
# Sizes tell the packets apart: 43 (a), 44 (b), then at t=20 c's 46 before
# b's 45.
check "merge: 4 packets in timestamp order, the tie in input order (c before b)" \
    bash -c "echo '$got' | grep -qE ' 4: 0/43/1/[0-9a-f]* 10000000/44/1/[0-9a-f]* 20000000/46/1/[0-9a-f]* 20000000/45/1/[0-9a-f]*\$'"
"$CF" -q -o "$TMP/apart" "$TMP/a.pcap" "$TMP/b.pcap" "$TMP/c.pcap"
check "apart: three records" test "$("$DUMP" "$TMP"/apart/bidirectional/*.parquet | wc -l)" -eq 3

ST=${SHARED_DIR:-}/pcaps/iot/unsw/Two-IOT161012-node2_SmartThings.pcap
if [ -n "${SHARED_DIR:-}" ] && [ -f "$ST" ] && command -v editcap >/dev/null; then
    "$CF" -q -o "$TMP/whole" "$ST"
    W=$TMP/whole/bidirectional/Two-IOT161012-node2_SmartThings.parquet
    WU=$TMP/whole/unidirectional/Two-IOT161012-node2_SmartThings.parquet
    mkdir -p "$TMP/time" "$TMP/count"
    editcap -i 3600 "$ST" "$TMP/time/part.pcap" >/dev/null    # one file an hour
    editcap -c 1000 "$ST" "$TMP/count/part.pcap" >/dev/null   # 1000 packets a file
    check "split by time: several files" test "$(ls "$TMP/time" | wc -l)" -gt 5
    check "split by count: several files" test "$(ls "$TMP/count" | wc -l)" -gt 5
    # By time, inputs in reverse order.
    "$CF" -q --merge -o "$TMP/mt" $(ls -r "$TMP"/time/*.pcap)
    first=$(ls -r "$TMP"/time/*.pcap | head -1)
    first=$(basename "$first" .pcap)
    expect "split by time, merged: the same records (bidirectional)" \
        "$("$DUMP" "$TMP/mt/bidirectional/$first.parquet" | md5sum)" "$("$DUMP" "$W" | md5sum)"
    expect "split by time, merged: the same records (unidirectional)" \
        "$("$DUMP" "$TMP/mt/unidirectional/$first.parquet" | md5sum)" "$("$DUMP" "$WU" | md5sum)"
    # By count, the directory as the input.
    "$CF" -q --merge -o "$TMP/mc" "$TMP/count"
    first=$(basename "$(ls "$TMP"/count/*.pcap | head -1)" .pcap)
    expect "split by count, merged: the same records" \
        "$("$DUMP" "$TMP/mc/bidirectional/$first.parquet" | md5sum)" "$("$DUMP" "$W" | md5sum)"
    check "merged: records counted" test "$("$DUMP" "$W" | wc -l)" -gt 100
    # Apart, the hourly files cut records at each boundary: more of them.
    "$CF" -q -o "$TMP/hours" "$TMP/time"
    check "split by time, apart: records cut at boundaries" \
        test "$("$DUMP" "$TMP"/hours/bidirectional/*.parquet | wc -l)" -gt "$("$DUMP" "$W" | wc -l)"
    # With --rotate 1d: one file per UTC day from hourly pieces, the same
    # records as the whole capture rotated by day.
    "$CF" -q --merge --rotate 1d -o "$TMP/md" "$TMP/time"
    "$CF" -q --rotate 1d -o "$TMP/wd" "$ST"
    check "merge --rotate 1d: one file per day" test "$(ls "$TMP/md/bidirectional" | wc -l)" -eq "$(ls "$TMP/wd/bidirectional" | wc -l)"
    expect "merge --rotate 1d: the same records" \
        "$("$DUMP" "$TMP"/md/bidirectional/*.parquet | md5sum)" "$("$DUMP" "$TMP"/wd/bidirectional/*.parquet | md5sum)"
    # The merged file's identity is the set's: another order, another file.
    "$CF" summary --format csv "$TMP/mt" "$TMP/whole" >"$TMP/s.csv" 2>"$TMP/err"
    check "summary: merged and whole are two inputs" grep -q '^bidirectional,files,,2$' "$TMP/s.csv"
else
    skip "../shared/pcaps or editcap absent: split and merged real capture"
fi
# A damaged input: the others are merged to their end, exit 1, named.
head -c 100 "$TMP/b.pcap" >"$TMP/cut.pcap"
"$CF" -q --merge -o "$TMP/dm" "$TMP/a.pcap" "$TMP/cut.pcap" "$TMP/c.pcap" 2>"$TMP/err"
check "damaged input: exit 1" test $? -eq 1
check "damaged input: named" grep -q 'cut.pcap' "$TMP/err"
# cut.pcap keeps b's first packet whole (t=10), loses the second.
check "damaged input: the others merged" \
    bash -c "'$DUMP' '$TMP/dm/bidirectional/a.parquet' | grep -qE ' 3: 0/43/1/[0-9a-f]* 10000000/44/1/[0-9a-f]* 20000000/46/1/[0-9a-f]*\$'"
finish
