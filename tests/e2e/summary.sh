#!/usr/bin/env bash
# `customflow summary`: Table I, shares and percentiles on crafted records
# with known answers, the same from both layouts, over many files, and its
# errors.
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
check "both layouts give the same summary" cmp -s "$TMP/n.csv" "$TMP/w.csv"
"$CF" summary --packets 12 --payload-bytes 1001 --format csv "$TMP/nested" >"$TMP/o.csv"
check "--packets overrides i" grep -q '^bidirectional,records_within_packets_limit,,3$' "$TMP/o.csv"
check "--payload-bytes overrides j" grep -q '^bidirectional,packets_within_payload_limit,,16$' "$TMP/o.csv"
"$CF" summary --sort name "$TMP/nested" >"$TMP/t.txt"
check "text table, sorted by name" bash -c "grep -A3 'Table I' '$TMP/t.txt' | grep -qE '^ +cam +2'"
"$CF" summary --format markdown "$TMP/nested" >"$TMP/m.md"
check "markdown table" grep -q '^| cam | 2 |' "$TMP/m.md"

# A folder of many daily files: counts add up.
for d in 2 3 4; do cp "$TMP/day1.pcap" "$TMP/day$d.pcap"; done
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
finish
