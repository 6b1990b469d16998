#!/usr/bin/env bash
# `customflow summary`: Table I, shares and percentiles on crafted records
# with known answers, the same from both layouts, over many files; inputs
# counted once, settings not mixed, the files named; --cdf and --plot; a
# real capture converted twice; and its errors.
. "$(dirname "$0")/common.sh"
D1=02:00:00:00:00:01 D2=02:00:00:00:00:02 GW=02:00:00:00:00:fe
printf 'cam %s\nplug %s\n' $D1 $D2 >"$TMP/dev.txt"
# cam: a 1-packet record (10 payload bytes) and a 3-packet one (0, 1000,
# 1001 bytes); plug: one 12-packet record of 5-byte payloads.
{
    echo "t=1 smac=$D1 dmac=$GW src=192.168.1.10 dst=8.8.8.8 proto=udp sport=1 dport=53 len=10"
    echo "t=2 smac=$D1 dmac=$GW src=192.168.1.10 dst=1.1.1.1 proto=udp sport=2 dport=53 len=0"
    echo "t=3 smac=$D1 dmac=$GW src=192.168.1.10 dst=1.1.1.1 proto=udp sport=2 dport=53 len=1000"
    echo "t=4 smac=$D1 dmac=$GW src=192.168.1.10 dst=1.1.1.1 proto=udp sport=2 dport=53 len=1001"
    for k in $(seq 10 21); do
        echo "t=$k smac=$D2 dmac=$GW src=192.168.1.11 dst=9.9.9.9 proto=tcp sport=7 dport=443 len=5"
    done
} >"$TMP/k.txt"
"$CRAFT" "$TMP/k.txt" "$TMP/day1.pcap"
# Days 2-4: the same traffic a day later each (other captures, other bytes).
for d in 2 3 4; do
    awk -v d=$d '{ sub(/^t=/, ""); $1 = "t=" ($1 + 86400 * (d - 1)); print }' "$TMP/k.txt" >"$TMP/k$d.txt"
    "$CRAFT" "$TMP/k$d.txt" "$TMP/day$d.pcap"
done
# The summary is part of the program, not of the library (issue 14).
if command -v nm >/dev/null; then
    check "the library holds no summary code" bash -c "! nm '$B/libcustomflow.a' | grep -qi 'summary_main'"
fi
"$CF" -q -d "$TMP/dev.txt" -o "$TMP/nested" "$TMP/day1.pcap"
"$CF" -q -d "$TMP/dev.txt" --layout wide -o "$TMP/wide" "$TMP/day1.pcap"

"$CF" summary --format csv "$TMP/nested" >"$TMP/n.csv" 2>"$TMP/err"
check "summary exit 0" test $? -eq 0
want=$(cat <<EOT
bidirectional,files,,1
bidirectional,records,cam,2
bidirectional,records,plug,1
bidirectional,records_total,,3
bidirectional,packets_limit,,10
bidirectional,records_within_packets_limit,,2
bidirectional,records_within_packets_limit_pct,,66.67
bidirectional,packets_per_record_p50,,3
bidirectional,packets_per_record_p90,,12
bidirectional,payload_limit,,1000
bidirectional,payload_packets,,16
EOT
)
got=$(grep -E '^bidirectional,(files|records|records_total|packets_limit|records_within_packets_limit|records_within_packets_limit_pct|packets_per_record_p50|packets_per_record_p90|payload_limit|payload_packets),' "$TMP/n.csv")
expect "Table I, share of records within i, packet percentiles" "$got" "$want"
expect "payload share and percentiles" \
    "$(grep -E '^bidirectional,(packets_within_payload_limit|packets_within_payload_limit_pct|payload_bytes_p[0-9]+),' "$TMP/n.csv")" \
    "$(printf '%s\n' bidirectional,packets_within_payload_limit,,15 bidirectional,packets_within_payload_limit_pct,,93.75 \
        bidirectional,payload_bytes_p50,,5 bidirectional,payload_bytes_p90,,1000 bidirectional,payload_bytes_p95,,1001 \
        bidirectional,payload_bytes_p99,,1001)"
json=$("$CF" summary --format json "$TMP/nested")
check "json payload: 15 of 16 packets within 1000 bytes" \
    bash -c "echo '$json' | grep -q '\"payload\":{\"limit\":1000,\"packets\":16,\"packets_within\":15,\"pct_within\":93.75,\"percentiles\":{\"p50\":5,\"p90\":1000,\"p95\":1001,\"p99\":1001}'"
check "json: time span" bash -c "echo '$json' | grep -q '\"first_seen\":{\"min\":\"1970-01-01T00:00:01.000000Z\",\"max\":\"1970-01-01T00:00:10.000000Z\"}'"
"$CF" summary --format csv "$TMP/wide" >"$TMP/w.csv"
check "both layouts give the same summary" \
    cmp -s <(grep -v ',file,' "$TMP/n.csv") <(grep -v ',file,' "$TMP/w.csv")
check "the files read are listed" grep -q "^bidirectional,file,$TMP/nested/bidirectional/day1.parquet,counted$" "$TMP/n.csv"
"$CF" summary --packets 12 --payload-bytes 1001 --format csv "$TMP/nested" >"$TMP/o.csv"
check "--packets overrides i" grep -q '^bidirectional,records_within_packets_limit,,3$' "$TMP/o.csv"
check "--payload-bytes overrides j" grep -q '^bidirectional,packets_within_payload_limit,,16$' "$TMP/o.csv"
"$CF" summary --sort name "$TMP/nested" >"$TMP/t.txt"
check "text table, sorted by name" bash -c "grep -A3 'Table I' '$TMP/t.txt' | grep -qE '^ +cam +2'"
"$CF" summary --format markdown "$TMP/nested" >"$TMP/m.md"
check "markdown table" grep -q '^| cam | 2 |' "$TMP/m.md"

# A folder of many daily files: counts add up.
"$CF" -q -d "$TMP/dev.txt" -o "$TMP/days" "$TMP"/day[1-4].pcap
"$CF" summary --format csv "$TMP/days" >"$TMP/d.csv"
check "four files" grep -q '^unidirectional,files,,4$' "$TMP/d.csv"
check "records add up over files" grep -q '^bidirectional,records,cam,8$' "$TMP/d.csv"

# Errors: a file that is not Parquet is named, the rest still summarised.
echo "not parquet" >"$TMP/days/bidirectional/junk.parquet"
"$CF" summary --format csv "$TMP/days" >"$TMP/d2.csv" 2>"$TMP/err"
check "unreadable file: exit 1" test $? -eq 1
check "unreadable file named" grep -q 'junk.parquet' "$TMP/err"
check "the rest still summarised" grep -q '^bidirectional,records,cam,8$' "$TMP/d2.csv"
"$CF" summary --format yaml "$TMP/days" 2>/dev/null
check "bad --format: exit 2" test $? -eq 2
rm "$TMP/days/bidirectional/junk.parquet"

# The same capture converted twice, under another name and with another
# device list (the labels differ): counted once, both files named.
cp "$TMP/day1.pcap" "$TMP/again.pcap"
: >"$TMP/nodev.txt"
"$CF" -q -d "$TMP/dev.txt" -o "$TMP/twice" "$TMP/day1.pcap" "$TMP/day2.pcap"
"$CF" -q -o "$TMP/twice" "$TMP/again.pcap"
"$CF" summary --format csv "$TMP/twice" >"$TMP/tw.csv" 2>"$TMP/err"
check "same input twice: exit 0" test $? -eq 0
# The first file in name order (again.parquet) is the one counted.
check "same input twice: counted once" grep -q '^bidirectional,records_total,,6$' "$TMP/tw.csv"
check "same input twice: each copy keeps its own labels" \
    bash -c "grep -q '^bidirectional,records,02:00:00:00:00:01,2$' '$TMP/tw.csv' && grep -q '^bidirectional,records,cam,2$' '$TMP/tw.csv'"
check "same input twice: two files counted" grep -q '^bidirectional,files,,2$' "$TMP/tw.csv"
check "same input twice: the warning names both files" \
    grep -q "bidirectional/again.parquet and .*bidirectional/day1.parquet hold the same input\|bidirectional/day1.parquet and .*bidirectional/again.parquet hold the same input" "$TMP/err"
check "same input twice: listed as not counted" \
    grep -q "^bidirectional,file_same_input,$TMP/twice/bidirectional/day1.parquet,$TMP/twice/bidirectional/again.parquet$" "$TMP/tw.csv"
"$CF" summary "$TMP/twice" >"$TMP/tw.txt" 2>/dev/null
check "text output says which files it read" grep -q 'day1.parquet  (same input as .*again.parquet: not counted)' "$TMP/tw.txt"
check "text output: the counted files too" grep -qx "  $TMP/twice/bidirectional/day2.parquet" "$TMP/tw.txt"
# A file named twice (its folder and itself) is read once.
"$CF" summary --format csv "$TMP/days" "$TMP/days/bidirectional/day1.parquet" >"$TMP/d3.csv" 2>"$TMP/err"
check "a file named twice is read once" grep -q '^bidirectional,records,cam,8$' "$TMP/d3.csv"
check "a file named twice: warned" grep -q 'named twice' "$TMP/err"

# Rotated files of one input (one per interval) are not copies of each
# other: all counted.
cat "$TMP/k.txt" "$TMP/k2.txt" >"$TMP/k12.txt"
"$CRAFT" "$TMP/k12.txt" "$TMP/days12.pcap"
"$CF" -q -d "$TMP/dev.txt" --rotate 1d -o "$TMP/rot2" "$TMP/days12.pcap"
"$CF" summary --format csv "$TMP/rot2" >"$TMP/r.csv" 2>"$TMP/err"
check "rotated: two files of one input, both counted" grep -q '^bidirectional,files,,2$' "$TMP/r.csv"
check "rotated: all records" grep -q '^bidirectional,records_total,,6$' "$TMP/r.csv"
check "rotated: no copy warning" bash -c "! grep -q 'same input' '$TMP/err'"

# Different settings are not mixed in one table unless --force.
"$CF" -q -d "$TMP/dev.txt" -t 0.5 -o "$TMP/short" "$TMP/day2.pcap"
"$CF" summary --format csv "$TMP/nested" "$TMP/short" >"$TMP/mix.csv" 2>"$TMP/err"
check "lifetimes differ: exit 1" test $? -eq 1
check "lifetimes differ: no table" test ! -s "$TMP/mix.csv"
check "lifetimes differ: said, with both files" \
    grep -q 'short/bidirectional/day2.parquet has lifetime (-t) "0.500000", .*nested/bidirectional/day1.parquet has "60.000000"' "$TMP/err"
"$CF" summary --force --format csv "$TMP/nested" "$TMP/short" >"$TMP/mix.csv" 2>"$TMP/err"
check "--force mixes them" grep -q '^bidirectional,files,,2$' "$TMP/mix.csv"
check "--force still warns" grep -q 'warning: .*lifetime' "$TMP/err"
"$CF" -q -d "$TMP/dev.txt" -n 5 -o "$TMP/n5" "$TMP/day3.pcap"
"$CF" summary "$TMP/nested" "$TMP/n5" >/dev/null 2>"$TMP/err"
check "-n differs: exit 1" test $? -eq 1
check "-n differs: said" grep -q 'packets listed (-n) "5"' "$TMP/err"
"$CF" -q -d "$TMP/dev.txt" -b 7 -o "$TMP/b7" "$TMP/day3.pcap"
"$CF" summary "$TMP/nested" "$TMP/b7" >/dev/null 2>"$TMP/err"
check "-b differs: said" grep -q 'payload bytes (-b) "7"' "$TMP/err"
"$CF" -q -d "$TMP/dev.txt" --layout wide -o "$TMP/wide2" "$TMP/day2.pcap"
"$CF" summary "$TMP/nested" "$TMP/wide2" >/dev/null 2>"$TMP/err"
check "layouts differ: said" grep -q 'layout "wide"' "$TMP/err"

# --cdf: the distributions as CSV, known answers.
"$CF" summary --cdf "$TMP/cdf" "$TMP/nested" >/dev/null 2>"$TMP/err"
check "--cdf exit 0" test $? -eq 0
expect "packets per record CDF" "$(cat "$TMP/cdf/bidirectional_packets_per_record.csv")" \
    "$(printf '%s\n' packets,records,cumulative_share 1,1,0.333333 3,1,0.666667 12,1,1.000000)"
expect "records per device" "$(cat "$TMP/cdf/bidirectional_records_per_device.csv")" \
    "$(printf '%s\n' device,records,share cam,2,0.666667 plug,1,0.333333)"
expect "payload bytes per packet CDF" "$(cat "$TMP/cdf/bidirectional_payload_bytes_per_packet.csv")" \
    "$(printf '%s\n' payload_bytes,packets,cumulative_share 0,1,0.062500 5,12,0.812500 10,1,0.875000 1000,1,0.937500 1001,1,1.000000)"
check "unidirectional CSVs too" test -s "$TMP/cdf/unidirectional_packets_per_record.csv"

# --plot: SVG and PNG figures with gnuplot, or a clear message without it.
if command -v gnuplot >/dev/null; then
    "$CF" summary --plot "$TMP/plot" "$TMP/days" >/dev/null 2>"$TMP/err"
    check "--plot exit 0" test $? -eq 0
    for f in records_per_device packets_per_record payload_bytes_per_packet; do
        check "$f.svg drawn" grep -q '<svg' "$TMP/plot/bidirectional_$f.svg"
        check "$f.png drawn" bash -c "head -c 8 '$TMP/plot/bidirectional_$f.png' | od -An -tx1 | grep -q '89 50 4e 47'"
    done
    check "the 66.7 % mark at i = 10" grep -q '66.7 % of records have at most 10 packets' "$TMP/plot/bidirectional.gp"
    check "the 93.8 % mark at j = 1000" grep -q '93.8 % of packets carry at most 1000 bytes' "$TMP/plot/bidirectional.gp"
else
    skip "gnuplot not installed: figures not drawn"
fi
mkdir -p "$TMP/nognuplot"
ln -s "$(command -v mkdir)" "$TMP/nognuplot/mkdir"
PATH="$TMP/nognuplot" "$CF" summary --plot "$TMP/plot2" "$TMP/days" >/dev/null 2>"$TMP/err"
check "--plot without gnuplot: exit 2" test $? -eq 2
check "--plot without gnuplot: says what to install" grep -q 'gnuplot-nox' "$TMP/err"

# A real capture converted twice, with the UNSW device list and without:
# the second conversion labels Smart Things by its MAC; counted once.
P=${SHARED_DIR:-}/pcaps
if [ -n "${SHARED_DIR:-}" ] && [ -f "$P/iot/unsw/Two-IOT161012-node2_SmartThings.pcap" ]; then
    cp "$P/iot/unsw/Two-IOT161012-node2_SmartThings.pcap" "$TMP/16-10-12.pcap"
    "$CF" -q -d "$P/docs/UNSW_List_Of_Devices.txt" -o "$TMP/unsw" "$P/iot/unsw/Two-IOT161012-node2_SmartThings.pcap"
    "$CF" -q -o "$TMP/unsw" "$TMP/16-10-12.pcap"
    "$CF" summary --format csv "$TMP/unsw" >"$TMP/u.csv" 2>"$TMP/err"
    check "UNSW twice: exit 0" test $? -eq 0
    # One of the two labellings, never both (the issue's "d0:52:a8:00:67:5e
    # 953 beside Smart Things 953").
    n=$(grep -cE '^bidirectional,records,(Smart Things|d0:52:a8:00:67:5e),' "$TMP/u.csv")
    check "UNSW twice: Smart Things counted once (got $n rows)" test "$n" -eq 1
    check "UNSW twice: one file counted" grep -q '^bidirectional,files,,1$' "$TMP/u.csv"
    check "UNSW twice: warned" grep -q 'hold the same input' "$TMP/err"
else
    skip "../shared/pcaps absent: real capture converted twice"
fi
finish
