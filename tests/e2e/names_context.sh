#!/usr/bin/env bash
# --names and --context (issue 15) end to end: off by default (same schema
# and metadata as before); on, the context_rows of every record checked with
# DuckDB window functions against the file itself, in both variants; the
# remote_name of every record checked against tshark's view of real
# captures by the README's rule (tests/e2e/names_tshark.py --records), with
# hand-checked examples and a control that a wrong name is caught; the wide
# layout's RemoteName equal to the nested remote_name. The real-capture
# parts skip when ../shared or tshark is absent.
. "$(dirname "$0")/common.sh"
PY=/usr/bin/python3
if [ "$HAVE_READERS" != 1 ]; then
    skip "tests/readers/node_modules missing: --names/--context not checked"
    finish; exit
fi
K=3
meta() { q "SELECT decode(value) FROM parquet_kv_metadata('$1') WHERE decode(key) = '$2'"; }
cols() { q "SELECT string_agg(name, ',') FROM (SELECT name FROM parquet_schema('$1') WHERE num_children IS NULL OR num_children = 0)"; }

# context_check FILE K: every record's context_rows are the rows of the K
# records of its device just before it in the file, whose first_seen is not
# later; the file is in first_seen order.
context_check() {
    local f=$1 k=$2 got
    got=$(q "WITH t AS (SELECT file_row_number AS row, device, first_seen, context_rows
                        FROM read_parquet('$f', file_row_number = true)),
                  w AS (SELECT row, device, first_seen, context_rows,
                               coalesce(list(row) OVER (PARTITION BY device ORDER BY row
                                   ROWS BETWEEN $k PRECEDING AND 1 PRECEDING), []) AS expect,
                               lag(first_seen) OVER (ORDER BY row) AS prev_seen
                        FROM t)
             SELECT count(*) FILTER (WHERE context_rows <> expect),
                    count(*) FILTER (WHERE prev_seen > first_seen),
                    count(*) FILTER (WHERE len(context_rows) > 0),
                    count(*)
             FROM w")
    local wrong order nonempty total
    read -r wrong order nonempty total <<<"$got"
    check "$f: context_rows are the device's previous $k rows ($wrong wrong of $total)" test "$wrong" = 0
    check "$f: rows in first_seen order" test "$order" = 0
    check "$f: some records have context ($nonempty of $total)" test "${nonempty:-0}" -gt 0
    # each referenced row: same device, first_seen not later
    got=$(q "WITH t AS (SELECT file_row_number AS row, device, first_seen, context_rows
                        FROM read_parquet('$f', file_row_number = true)),
                  x AS (SELECT row, unnest(context_rows) AS c FROM t)
             SELECT count(*) FROM x JOIN t me ON me.row = x.row JOIN t p ON p.row = x.c
             WHERE p.device <> me.device OR p.first_seen > me.first_seen OR x.c >= x.row")
    check "$f: context rows point at earlier records of the same device ($got bad)" test "$got" = 0
}

# --- off by default: the dataset's schema and no new metadata
"$B/cf-gencap" --preset sample -o "$TMP/sample.pcap" --devices-out "$TMP/devices.txt" >/dev/null
"$CF" -q -d "$TMP/devices.txt" -o "$TMP/def" "$TMP/sample.pcap"
F=$TMP/def/bidirectional/sample.parquet
expect "default schema unchanged" "$(cols "$F")" \
    "device,first_seen,remote_ip,protocol,device_port,remote_port,total_bytes,total_packets,element,element,element,element"
expect "default metadata has no names/context keys" \
    "$(q "SELECT count(*) FROM parquet_kv_metadata('$F') WHERE decode(key) IN ('customflow.names','customflow.context','customflow.names_evicted')")" "0"

# --- on, synthetic sample: both variants, and K = 1
"$CF" -q -d "$TMP/devices.txt" --names --context $K -o "$TMP/on" "$TMP/sample.pcap"
check "--names --context converts the sample" test $? -eq 0
for v in bidirectional unidirectional; do
    context_check "$TMP/on/$v/sample.parquet" $K
done
expect "metadata records the options" \
    "$(meta "$TMP/on/bidirectional/sample.parquet" customflow.names) $(meta "$TMP/on/bidirectional/sample.parquet" customflow.context) $(meta "$TMP/on/bidirectional/sample.parquet" customflow.names_evicted)" \
    "true $K 0"
expect "the new columns follow the dataset's" "$(cols "$TMP/on/bidirectional/sample.parquet" | cut -d, -f13-)" \
    "remote_name,element,element"
"$CF" -q -d "$TMP/devices.txt" --context 1 -o "$TMP/k1" "$TMP/sample.pcap"
context_check "$TMP/k1/bidirectional/sample.parquet" 1
expect "--context alone adds context_rows and context_files only" "$(cols "$TMP/k1/bidirectional/sample.parquet" | cut -d, -f13-)" "element,element"
# wide layout: H1_/H2_ hold the device's previous records' own columns
# (checked with lag() over the device's rows), -1 / "" where there is none
wide_check() {
    local f=$1 bad=""
    for h in 1 2; do
        bad+=$(q "WITH t AS (SELECT *, file_row_number AS row FROM read_parquet('$f', file_row_number = true)),
                       w AS (SELECT *, lag(epoch_us(FirstSeen), $h, -1) OVER d AS e_fs,
                                    lag(RemIP, $h, '') OVER d AS e_ip, lag(Proto::INT, $h, -1) OVER d AS e_pr,
                                    lag(DevPort::INT, $h, -1) OVER d AS e_dp, lag(RemPort::INT, $h, -1) OVER d AS e_rp,
                                    lag(TotalFlowSize, $h, -1) OVER d AS e_tb, lag(PacketCount, $h, -1) OVER d AS e_pc,
                                    lag(P00_TO, $h, -1) OVER d AS e_to, lag(P02_PS, $h, -1) OVER d AS e_ps,
                                    lag(P01_D, $h, -1) OVER d AS e_d, lag(C_000, $h, -1) OVER d AS e_c0,
                                    lag(C_007, $h, -1) OVER d AS e_c7
                             FROM t WINDOW d AS (PARTITION BY Device ORDER BY row))
                  SELECT count(*) FROM w WHERE H${h}_FirstSeen <> e_fs OR H${h}_RemIP <> e_ip
                      OR H${h}_Proto <> e_pr OR H${h}_DevPort <> e_dp OR H${h}_RemPort <> e_rp
                      OR H${h}_TotalFlowSize <> e_tb OR H${h}_PacketCount <> e_pc OR H${h}_P00_TO <> e_to
                      OR H${h}_P02_PS <> e_ps OR H${h}_P01_D <> e_d OR H${h}_C_000 <> e_c0
                      OR H${h}_C_007 <> e_c7")" "
    done
    check "$f: H1_/H2_ columns are the device's previous rows (wrong: $bad)" test "$bad" = "0 0 "
}
"$CF" -q -d "$TMP/devices.txt" --context 2 --layout wide -n 3 --payload-cells 8 -o "$TMP/wide2" "$TMP/sample.pcap"
check "wide layout with --context converts" test $? -eq 0
wide_check "$TMP/wide2/bidirectional/sample.parquet"
wide_check "$TMP/wide2/unidirectional/sample.parquet"
expect "wide --context: 2 x (7 + 3 x 3 + 8) history columns" \
    "$(q "SELECT count(*) FROM parquet_schema('$TMP/wide2/bidirectional/sample.parquet') WHERE name LIKE 'H_\\_%' ESCAPE '\\'")" "48"

# customflow summary counts the named records of the wide layout too
# (RemoteName), as many as the nested file's of the same options
"$CF" -q -d "$TMP/devices.txt" --names --layout wide -n 3 --payload-cells 8 -o "$TMP/widen" "$TMP/sample.pcap"
"$CF" -q -d "$TMP/devices.txt" --names -n 3 -o "$TMP/nestn" "$TMP/sample.pcap"
W=$TMP/widen/bidirectional/sample.parquet
n=$(q "SELECT count(*) FILTER (WHERE RemoteName <> '') || ' of ' || count(*) FROM read_parquet('$W')")
named() { "$CF" summary "$1" | sed -n 's/^records with a remote name: \(.*\) (.*/\1/p'; }
expect "summary of a wide --names file: records with a remote name" "$(named "$W")" "$n"
check "wide sample: some records named ($n)" test "${n%% *}" -gt 0
expect "summary: wide and nested count the same named records" "$(named "$W")" \
    "$(named "$TMP/nestn/bidirectional/sample.parquet")"

# --- the preference order on a crafted capture (no device list: every
# local endpoint is a device, labelled by its MAC). A resolves x.example to
# 1.2.3.4, then B resolves y.example to it; A's record takes A's own answer
# (x), C's (no answer of its own) the most recent one of any host (y), B's
# the server_name of its own ClientHello (z, over its DNS answer), D's
# remote was never resolved (""). A's second record, to the same remote,
# was opened before any answer: "" too.
dns_a() { # NAME-LABEL-HEX: response "x.example A 1.2.3.4"
    echo "123481800001000100000000 01${1}076578616d706c6500 00010001 c00c000100010000003c000401020304" | tr -d ' '
}
hello=$(echo "160301003b010000370303 $(printf '0%.0s' $(seq 64)) 00 0002 1301 0100 000c 0000 0008 0006 00 0003 7a2e65" | tr -d ' ')
R="smac=02:00:00:00:00:01 src=192.168.1.1"
cat >"$TMP/pref.txt" <<CAP
t=0.5 smac=02:00:00:00:00:0a dmac=02:00:00:00:00:09 src=192.168.1.10 dst=1.2.3.4 proto=tcp sport=49999 dport=80 len=0
t=1 $R dmac=02:00:00:00:00:0a dst=192.168.1.10 proto=udp sport=53 dport=40000 hex=$(dns_a 78)
t=2 $R dmac=02:00:00:00:00:0b dst=192.168.1.11 proto=udp sport=53 dport=40001 hex=$(dns_a 79)
t=3 smac=02:00:00:00:00:0a dmac=02:00:00:00:00:09 src=192.168.1.10 dst=1.2.3.4 proto=tcp sport=50000 dport=443 len=0
t=4 smac=02:00:00:00:00:0c dmac=02:00:00:00:00:09 src=192.168.1.12 dst=1.2.3.4 proto=tcp sport=50001 dport=443 len=0
t=5 smac=02:00:00:00:00:0b dmac=02:00:00:00:00:09 src=192.168.1.11 dst=1.2.3.4 proto=tcp sport=50002 dport=443 hex=$hello
t=6 smac=02:00:00:00:00:0d dmac=02:00:00:00:00:09 src=192.168.1.13 dst=5.6.7.8 proto=udp sport=123 dport=123 len=48
CAP
"$CRAFT" "$TMP/pref.txt" "$TMP/pref.pcap" && "$CF" -q --names -o "$TMP/pref" "$TMP/pref.pcap"
check "crafted preference capture converts" test $? -eq 0
expect "remote_name by the preference order" \
    "$(q "SELECT device, device_port, remote_name FROM read_parquet('$TMP/pref/bidirectional/pref.parquet')
          WHERE remote_ip IN ('1.2.3.4', '5.6.7.8') ORDER BY first_seen")" \
    "$(printf '%s\t%s\t%s\n' 02:00:00:00:00:0a 49999 '' 02:00:00:00:00:0a 50000 x.example \
        02:00:00:00:00:0c 50001 y.example 02:00:00:00:00:0b 50002 z.e 02:00:00:00:00:0d 123 '')"

# text formats carry the columns too (with --rotate, --partition and
# --merge: tests/e2e/context_files.sh)
"$CF" -q -d "$TMP/devices.txt" --names --context $K --format jsonl -o "$TMP/txt" "$TMP/sample.pcap"
expect "jsonl: remote_name and context_rows as in Parquet" \
    "$(q "SELECT remote_name, context_rows FROM read_json('$TMP/txt/bidirectional/sample.jsonl')" | md5sum)" \
    "$(q "SELECT remote_name, context_rows FROM read_parquet('$TMP/on/bidirectional/sample.parquet')" | md5sum)"
expect "one file: every context_files entry is \"\" (this file)" \
    "$(q "SELECT DISTINCT unnest(context_files) FROM read_parquet('$TMP/on/bidirectional/sample.parquet')")" ""

# the same records as without the options
expect "records unchanged by the options" \
    "$(rows "$TMP/on/bidirectional/sample.parquet" | md5sum)" "$(rows "$F" | md5sum)"

P=$SHARED_DIR/pcaps
if [ -z "$SHARED_DIR" ] || [ ! -d "$P" ] || ! command -v tshark >/dev/null; then
    skip "../shared/pcaps or tshark absent: names not checked on real captures"
    finish; exit
fi

# --- real captures: names by the rule, context in both variants
for c in iot/iot-sentinel/HueBridge_Setup-A-2-STA.pcap iot/protocols/alexa-app.pcapng \
    general/android.pcap; do
    s=$(basename "$c"); s=${s%.*}
    "$CF" -q --names --context $K --no-anonymize -o "$TMP/real" "$P/$c"
    check "$c converts with --names" test $? -eq 0
    f=$TMP/real/bidirectional/$s.parquet
    context_check "$f" $K
    context_check "$TMP/real/unidirectional/$s.parquet" $K
    q "SELECT epoch_us(first_seen), remote_ip, protocol, device_port, remote_port, remote_name
       FROM read_parquet('$f')" >"$TMP/$s.tsv"
    out=$("$PY" tests/e2e/names_tshark.py --records "$P/$c" "$TMP/$s.tsv" 60)
    st=$?
    echo "$out"
    check "$c: remote_name by the rule, against tshark" test $st -eq 0
done
# customflow summary counts the named records
H=$TMP/real/bidirectional/HueBridge_Setup-A-2-STA.parquet
n=$(q "SELECT count(*) FILTER (WHERE remote_name <> '') || ' of ' || count(*) FROM read_parquet('$H')")
got=$("$CF" summary "$H" | sed -n 's/^records with a remote name: \(.*\) (.*/\1/p')
expect "summary: records with a remote name" "$got" "$n"
expect "summary: no remote-name line without --names" "$("$CF" summary "$F" | grep -c 'remote name')" "0"

# names do not depend on j or on the decode thread: -b 0 with two threads
# gives the same remote_name column
A=$P/iot/protocols/alexa-app.pcapng
"$CF" -q --names --no-anonymize -b 0 --threads 2 -o "$TMP/b0" "$A"
expect "remote_name the same with -b 0 --threads 2" \
    "$(q "SELECT remote_name FROM read_parquet('$TMP/b0/bidirectional/alexa-app.parquet')" | md5sum)" \
    "$(q "SELECT remote_name FROM read_parquet('$TMP/real/bidirectional/alexa-app.parquet')" | md5sum)"
"$CF" -q --names --context $K --no-anonymize --threads 1 -o "$TMP/t1" "$A"
"$CF" -q --names --context $K --no-anonymize --threads 2 -o "$TMP/t2" "$A"
check "--names --context output byte-identical at 1 and 2 threads" \
    cmp -s "$TMP/t1/bidirectional/alexa-app.parquet" "$TMP/t2/bidirectional/alexa-app.parquet"

# --merge: two captures read as one, one file: context rows still right
"$CF" -q --context $K --merge -o "$TMP/merged" "$P/general/android.pcap" "$P/general/iphone.pcap"
check "--merge with --context converts" test $? -eq 0
context_check "$TMP/merged/bidirectional/android.parquet" $K

# a wrong name must be caught: the first named record gets another name
awk -F'\t' 'BEGIN{OFS="\t"} !done && $6 != "" {$6 = "wrong.example"; done = 1} {print}' \
    "$TMP/alexa-app.tsv" >"$TMP/wrong.tsv"
"$PY" tests/e2e/names_tshark.py --records "$P/iot/protocols/alexa-app.pcapng" "$TMP/wrong.tsv" 60 >/dev/null
check "the record check catches a wrong name" test $? -ne 0

# hand-checked (tshark -V of the frames named):
H=$TMP/real/bidirectional/HueBridge_Setup-A-2-STA.parquet
# frame 28 answers 3.openwrt.pool.ntp.org with 46.4.88.180; the NTP record after it
expect "HueBridge NTP record named by DNS" \
    "$(q "SELECT DISTINCT remote_name FROM read_parquet('$H') WHERE remote_ip = '46.4.88.180' AND remote_port = 123")" \
    "3.openwrt.pool.ntp.org"
# frames 266 (bridge.meethue.com CNAME ghs-svc-... A 74.125.34.157) and
# 270/272 ("POST " then "/... HTTP/1.1 ... Host: bridge.meethue.com:80"):
# the Host of the record's own packets wins over the DNS name
expect "HueBridge HTTP record named by its Host" \
    "$(q "SELECT remote_name FROM read_parquet('$H') WHERE remote_ip = '74.125.34.157' AND remote_port = 80 ORDER BY first_seen LIMIT 1")" \
    "bridge.meethue.com:80"
# alexa-app frame 603: ClientHello server_name pitangui.amazon.com
expect "alexa-app TLS record named by its SNI" \
    "$(q "SELECT remote_name FROM read_parquet('$TMP/real/bidirectional/alexa-app.parquet') WHERE remote_ip = '52.94.232.134' AND remote_port = 443 AND device_port = 45680")" \
    "pitangui.amazon.com"

# --- wide layout: RemoteName equals the nested remote_name
"$CF" -q --names --no-anonymize --layout wide --payload-cells 16 -o "$TMP/wide" "$P/iot/protocols/alexa-app.pcapng"
check "wide layout with --names converts" test $? -eq 0
expect "wide RemoteName equals nested remote_name" \
    "$(q "SELECT RemoteName FROM read_parquet('$TMP/wide/bidirectional/alexa-app.parquet')" | md5sum)" \
    "$(q "SELECT remote_name FROM read_parquet('$TMP/real/bidirectional/alexa-app.parquet')" | md5sum)"
finish
