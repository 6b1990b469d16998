#!/usr/bin/env bash
# Text output and rotation (SPEC §7): --format jsonl|csv files and the -o -
# stream equal the Parquet output value for value (both variants, labels
# that need escaping); --rotate gives epoch-aligned, correctly named files
# whose union equals the unrotated output, each read alike by all three
# readers; bad uses fail in one line; a closed pipe is an error, not a
# SIGPIPE death.
. "$(dirname "$0")/common.sh"
if [ "$HAVE_READERS" != 1 ]; then
    skip "tests/readers/node_modules missing: text output and rotation not checked"
    finish; exit
fi

# A crafted capture from 2026-12-01T22:30:00Z over 5 h: three devices (one
# IPv6, one whose label holds a quote, a comma, a tab-free non-ASCII name),
# a request every 50 s and most of them answered, payloads of 0..40 bytes.
START=1796164200
GW=02:00:00:00:00:fe
awk -v start=$START -v gw=$GW 'BEGIN {
    for (k = 0; k < 360; k++) {
        t = start + k * 50 + (k % 7) * 0.001
        d = k % 3
        mac = "02:00:00:00:00:0" (d + 1)
        if (d == 2) { src = "fd00::2"; dst = "2001:db8::" (k % 5 + 1) } else { src = "192.168.1." (d + 10); dst = "203.0.113." (k % 4 + 1) }
        proto = (k % 4 == 3) ? "tcp" : "udp"
        printf "t=%.3f smac=%s dmac=%s src=%s dst=%s proto=%s sport=%d dport=%d len=%d\n", t, mac, gw, src, dst, proto, 40000 + k % 9, 443 + k % 2, k % 41
        if (k % 5 != 4)
            printf "t=%.3f smac=%s dmac=%s src=%s dst=%s proto=%s sport=%d dport=%d len=%d\n", t + 0.2, gw, mac, dst, src, proto, 443 + k % 2, 40000 + k % 9, (k * 7) % 33
    }
}' >"$TMP/c.txt"
"$CRAFT" "$TMP/c.txt" "$TMP/c5h.pcap" || fail "craftcap"
printf 'Cam "Front", B\303\274ro\t02:00:00:00:00:01\nplug;1\t02:00:00:00:00:02\n' >"$TMP/dev.txt"
printf 'hub \\ six\tfd00::2\n' >>"$TMP/dev.txt"
"$B/cf-gencap" --preset sample -o "$TMP/sample.pcap" --devices-out "$TMP/sdev.txt" 2>/dev/null

conv() { # conv NAME CAPTURE DEVICES OPTIONS...
    local name=$1 cap=$2 dev=$3
    shift 3
    "$CF" -q -d "$dev" -o "$TMP/$name" "$@" "$cap" 2>"$TMP/$name.err" ||
        { fail "$name: customflow $*: $(cat "$TMP/$name.err")"; return 1; }
}
# Text-to-Parquet comparisons are collected and run by one node process at
# the end (each start of node and DuckDB costs about a second).
CMP_ARGS=() CMP_NAMES=()
textcmp() { # textcmp DESCRIPTION textcmp.mjs COMPARISON...
    CMP_NAMES+=("$1")
    shift
    [ ${#CMP_ARGS[@]} -gt 0 ] && CMP_ARGS+=(++)
    CMP_ARGS+=("$@")
}
run_textcmp() {
    local out k line
    out=$(node tests/readers/textcmp.mjs "${CMP_ARGS[@]}" 2>&1)
    for k in "${!CMP_NAMES[@]}"; do
        line=$(printf '%s\n' "$out" | grep "^$((k + 1)) " | head -1)
        if [[ $line == "$((k + 1)) OK "* ]] && [[ $line != "$((k + 1)) OK 0" ]]; then
            pass
        else
            fail "${CMP_NAMES[$k]}: ${line:-$out}"
        fi
    done
}

# ---- Text files and the stream equal the Parquet output
for c in c5h:dev sample:sdev; do
    cap=${c%%:*} dev=$TMP/${c##*:}.txt
    conv "$cap-pq" "$TMP/$cap.pcap" "$dev"
    q "SELECT count(*) FROM read_parquet('$TMP/$cap-pq/*/*.parquet')" >"$TMP/$cap.records"
    conv "$cap-jsonl" "$TMP/$cap.pcap" "$dev" --format jsonl
    conv "$cap-csv" "$TMP/$cap.pcap" "$dev" --format csv
    "$CF" -q -d "$dev" -o - --format jsonl "$TMP/$cap.pcap" >"$TMP/$cap-stream.jsonl" ||
        fail "$cap: -o - --format jsonl"
    "$CF" -q -d "$dev" -o - --format csv "$TMP/$cap.pcap" >"$TMP/$cap-stream.csv" ||
        fail "$cap: -o - --format csv"
    for v in bidirectional unidirectional; do
        pq=$TMP/$cap-pq/$v/$cap.parquet
        textcmp "$cap $v: jsonl file = parquet" jsonl "$TMP/$cap-jsonl/$v/$cap.jsonl" -- "$pq"
        textcmp "$cap $v: csv file = parquet" csv "$TMP/$cap-csv/$v/$cap.csv" -- "$pq"
        textcmp "$cap $v: jsonl stream = parquet" jsonl --variant $v "$TMP/$cap-stream.jsonl" -- "$pq"
        textcmp "$cap $v: csv stream = parquet" csv --variant $v "$TMP/$cap-stream.csv" -- "$pq"
    done
done
# The comparison can fail: one variant's text against the other's rows.
if node tests/readers/textcmp.mjs jsonl "$TMP/c5h-jsonl/bidirectional/c5h.jsonl" -- \
    "$TMP/c5h-pq/unidirectional/c5h.parquet" >/dev/null 2>&1; then
    fail "textcmp accepts the wrong variant"
else
    pass
fi
expect "labels escaped in JSON" \
    "$(grep -o '"device":"[^,]*,[^,]*,' "$TMP/c5h-jsonl/bidirectional/c5h.jsonl" | sort -u | head -1)" \
    "$(printf '"device":"Cam \\"Front\\", B\303\274ro",')"
expect "labels quoted in CSV" \
    "$(grep -c '^"Cam ""Front"", B'$'\303\274''ro",' "$TMP/c5h-csv/bidirectional/c5h.csv")" \
    "$(q "SELECT count(*) FROM read_parquet('$TMP/c5h-pq/bidirectional/c5h.parquet') WHERE device LIKE 'Cam%'")"
expect "one variant alone: no variant column in the stream" \
    "$("$CF" -q -d "$TMP/dev.txt" --variant unidirectional -o - --format csv "$TMP/c5h.pcap" 2>/dev/null | head -1)" \
    "device,first_seen,remote_ip,protocol,device_port,remote_port,total_bytes,total_packets,pkt_offset_us,pkt_size,pkt_direction,pkt_payload"

# Several inputs on one stream: one after the other, one CSV header.
"$CF" -q -d "$TMP/dev.txt" -o - --format csv "$TMP/c5h.pcap" "$TMP/sample.pcap" >"$TMP/two.csv" ||
    fail "two inputs to -o -"
expect "two inputs on one stream: the first's records, then the second's, one header" \
    "$(cat "$TMP/two.csv")" \
    "$(cat "$TMP/c5h-stream.csv"; "$CF" -q -d "$TMP/dev.txt" -o - --format csv "$TMP/sample.pcap" | tail -n +2)"

# ---- Rotation
# spans_ok DIR STEM SECONDS: every file's first_seen lies in the interval
# its name gives (STEM_YYYY-MM-DD[THH-MM-SS]), SECONDS long.
spans_ok() {
    local f lo hi label start ok=0
    while IFS=$'\t' read -r f lo hi; do
        label=${f##*/"$2"_}
        label=${label%.*}
        if [[ $label == *T* ]]; then
            start=$(date -u -d "${label%%T*} $(echo "${label#*T}" | tr - :)" +%s) || return 1
        else
            start=$(date -u -d "$label" +%s) || return 1
        fi
        if [ "$lo" -lt "${start}000000" ] || [ "$hi" -ge "$(((start + $3) * 1000000))" ]; then
            echo "$f: first_seen $lo..$hi outside its interval" >&2
            ok=1
        fi
    done < <(q "SELECT filename, min(epoch_us(first_seen)), max(epoch_us(first_seen))
                FROM read_parquet('$1/*/*.parquet', filename=true) GROUP BY filename")
    return $ok
}
# same_rows A B N: the files under A and under B hold the same N rows, each
# in the same variant directory.
same_rows() {
    local cols="regexp_extract(filename, '(bi|uni)directional') AS variant, device,
                epoch_us(first_seen), remote_ip, protocol, device_port, remote_port,
                total_bytes, total_packets, pkt_offset_us, pkt_size, pkt_direction, pkt_payload"
    local a="SELECT $cols FROM read_parquet('$1/*/*.parquet', filename=true)"
    local b="SELECT $cols FROM read_parquet('$2/*/*.parquet', filename=true)"
    [ "$(q "SELECT (SELECT count(*) FROM ($a EXCEPT ALL $b)) + (SELECT count(*) FROM ($b EXCEPT ALL $a)), (SELECT count(*) FROM ($a))")" = "0	$3" ]
}
ROTATED=()
check_rotation() { # check_rotation NAME CAPTURE DEVICES INTERVAL SECONDS EXPECTED_NAMES
    local name=$1 cap=$2 dev=$3 iv=$4 secs=$5 want=$6 stem v
    stem=$(basename "$cap" .pcap)
    conv "$name" "$cap" "$dev" --rotate "$iv" || return
    conv "$name-jsonl" "$cap" "$dev" --rotate "$iv" --format jsonl || return
    for v in bidirectional unidirectional; do
        expect "--rotate $iv $v: file names" "$(cd "$TMP/$name/$v" && ls)" "$want"
        expect "--rotate $iv --format jsonl $v: names" "$(cd "$TMP/$name-jsonl/$v" && ls)" \
            "${want//.parquet/.jsonl}"
        # The text files in name order hold the same records as the rotated
        # Parquet files, in the same order.
        textcmp "--rotate $iv jsonl $v: records in file order = parquet" jsonl \
            "$TMP/$name-jsonl/$v"/*.jsonl -- "$TMP/$name/$v"/*.parquet
    done
    check "--rotate $iv: union of the files = unrotated output" \
        same_rows "$TMP/$name" "$TMP/$stem-pq" "$(cat "$TMP/$stem.records")"
    check "--rotate $iv: every file holds its interval" spans_ok "$TMP/$name" "$stem" "$secs"
    ROTATED+=("$TMP/$name"/*/*.parquet)
}
H=3600
check_rotation rot1h "$TMP/c5h.pcap" "$TMP/dev.txt" 1h $H "$(printf 'c5h_2026-12-%s.parquet\n' \
    01T22-00-00 01T23-00-00 02T00-00-00 02T01-00-00 02T02-00-00 02T03-00-00)"
check_rotation rot1d "$TMP/c5h.pcap" "$TMP/dev.txt" 1d 86400 \
    "$(printf 'c5h_2026-12-%s.parquet\n' 01 02)"
check_rotation rot90m "$TMP/c5h.pcap" "$TMP/dev.txt" 90m 5400 "$(printf 'c5h_2026-12-%s.parquet\n' \
    01T22-30-00 02T00-00-00 02T01-30-00 02T03-00-00)"
# 5 s over the 5-minute sample capture: many files, named by the interval.
conv rot5s "$TMP/sample.pcap" "$TMP/sdev.txt" --rotate 5s
n5=$(ls "$TMP/rot5s/bidirectional" | wc -l)
check "--rotate 5s gives several files ($n5)" test "$n5" -gt 10
check "--rotate 5s names" test -z "$(ls "$TMP/rot5s/bidirectional" "$TMP/rot5s/unidirectional" |
    grep -v -E '^(sample_[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}-[0-9]{2}-[0-9][05]\.parquet|.*:|)$')"
check "--rotate 5s: union of the files = unrotated output" \
    same_rows "$TMP/rot5s" "$TMP/sample-pq" "$(cat "$TMP/sample.records")"
check "--rotate 5s: every file holds its interval" spans_ok "$TMP/rot5s" sample 5
ROTATED+=("$TMP"/rot5s/*/*.parquet)
if node tests/readers/agree.mjs "${ROTATED[@]}" >"$TMP/agree.txt" 2>&1; then
    pass
else
    fail "rotated files not read alike by the three readers: $(grep -v '^OK' "$TMP/agree.txt" | head -3)"
fi
check "agree.mjs read every rotated file" test "$(grep -c '^OK' "$TMP/agree.txt")" -eq ${#ROTATED[@]}
expect "rotated files carry customflow.rotate_s" \
    "$(q "SELECT DISTINCT decode(value) FROM parquet_kv_metadata('$TMP/rot5s/bidirectional/*.parquet') WHERE decode(key) = 'customflow.rotate_s'")" \
    "5"
# The clock steps back 2 h after the 22:00 file was closed (more than 4096
# frames later, when the pipeline advances the sinks): the late record
# goes to a second file of that hour, nothing is lost.
awk -v s=$START 'BEGIN {
    fmt = "t=%.1f smac=02:00:00:00:00:01 dmac=02:00:00:00:00:fe src=192.168.1.10 dst=%s proto=udp sport=%d dport=53 len=10\n"
    for (k = 0; k < 5000; k++) printf fmt, s + k * 1.5, "203.0.113." (k % 200 + 1), 1000 + k % 50
    printf fmt, s + 60, "198.51.100.7", 7
    for (k = 0; k < 5000; k++) printf fmt, s + 7500 + k * 1.5, "203.0.113." (k % 200 + 1), 1000 + k % 50
}' >"$TMP/back.txt"
"$CRAFT" "$TMP/back.txt" "$TMP/back.pcap" || fail "craftcap back"
conv back-pq "$TMP/back.pcap" "$TMP/dev.txt"
conv back-rot "$TMP/back.pcap" "$TMP/dev.txt" --rotate 1h
expect "a record late for a closed hour: a -1 file beside it" \
    "$(cd "$TMP/back-rot/bidirectional" && ls | head -2)" \
    "$(printf 'back_2026-12-01T22-00-00-1.parquet\nback_2026-12-01T22-00-00.parquet')"
expect "the -1 file holds the late record" \
    "$(q "SELECT epoch_us(first_seen), remote_ip FROM read_parquet('$TMP/back-rot/unidirectional/back_2026-12-01T22-00-00-1.parquet')")" \
    "$(((START + 60) * 1000000))	198.51.100.7"
check "late records: union of the files = unrotated output" \
    same_rows "$TMP/back-rot" "$TMP/back-pq" 20002
check "no temporary file left" test -z "$(find "$TMP"/rot* -name '*.tmp-*')"

run_textcmp

# ---- Bad uses: one line, non-zero, nothing written
bad() { # bad DESCRIPTION PATTERN ARGS...
    local d=$1 pat=$2 err st
    shift 2
    err=$("$CF" -q "$@" 2>&1 >/dev/null)
    st=$?
    if [ $st -ne 0 ] && [ "$(printf '%s\n' "$err" | wc -l)" -eq 1 ] && [[ $err == *"$pat"* ]]; then
        pass
    else
        fail "$d: exit $st, '$err'"
    fi
}
bad "-o - with parquet" "jsonl or csv" -o - "$TMP/c5h.pcap"
for junk in 0s 1.5h -1h 1w 10 h 1hh ""; do
    bad "--rotate '$junk'" "--rotate" --rotate "$junk" -o "$TMP/junk" "$TMP/c5h.pcap"
done
bad "--format xml" "--format" --format xml -o "$TMP/junk" "$TMP/c5h.pcap"
bad "--rotate with -o -" "--rotate" --rotate 1h --format jsonl -o - "$TMP/c5h.pcap"
check "nothing written by refused runs" test ! -e "$TMP/junk/bidirectional/c5h.parquet"

# ---- A reader that goes away: an error line and exit 1, not SIGPIPE death
for sigpipe in default ignored; do
    if [ $sigpipe = ignored ]; then trap '' PIPE; fi
    "$CF" -q -d "$TMP/sdev.txt" -o - --format jsonl "$TMP/sample.pcap" 2>"$TMP/pipe.err" | head -1 >/dev/null
    st=${PIPESTATUS[0]}
    trap - PIPE
    if [ "$st" -eq 1 ] && [ "$(wc -l <"$TMP/pipe.err")" -eq 1 ] && grep -q "broken pipe" "$TMP/pipe.err"; then
        pass
    else
        fail "closed pipe (SIGPIPE $sigpipe): exit $st, $(cat "$TMP/pipe.err")"
    fi
done
finish
