#!/usr/bin/env bash
# Standard input and FIFOs as inputs: "-" reads a pcap or pcapng stream
# from stdin (stem "stdin"), a FIFO is read as it is written; both give the
# records of the file conversion, column for column, and the same input
# digest. Also a stream that comes in pieces with pauses (as from
# `tcpdump -w - | customflow -`), compressed streams, and bad streams.
. "$(dirname "$0")/common.sh"

if [ "$HAVE_READERS" != 1 ]; then
    skip "tests/readers/node_modules missing (run scripts/setup.sh): stdin not checked"
    finish
    exit
fi

GEN=$B/cf-gencap
"$GEN" --preset sample --duration 120 -o "$TMP/home.pcap" --devices-out "$TMP/devices.txt"
"$GEN" --preset sample --duration 120 --format pcapng -o "$TMP/homeng.pcapng"
OPTS=(-q -d "$TMP/devices.txt" -n 5 -b 64 --input-hash sha256)

# same NAME DIR_A STEM_A DIR_B STEM_B: both variants' files queued for one
# DuckDB run at the end (same_records.mjs: every column, row for row).
PAIRS=()
NAMES=()
same() {
    local v
    for v in bidirectional unidirectional; do
        NAMES+=("$1 ($v)")
        PAIRS+=("$2/$v/$3.parquet" "$4/$v/$5.parquet")
    done
}
# meta FILE: KEY<tab>VALUE lines of the digest and the input name.
meta() {
    q "SELECT decode(key), decode(value) FROM parquet_kv_metadata('$1') WHERE decode(key) IN ('customflow.input_sha256', 'customflow.input') ORDER BY 1"
}

for cap in home.pcap homeng.pcapng; do
    stem=${cap%.*}
    "$CF" "${OPTS[@]}" -o "$TMP/file-$stem" "$TMP/$cap"
    sha=$(sha256sum "$TMP/$cap" | cut -d' ' -f1)

    # cat FILE | customflow -
    cat "$TMP/$cap" | "$CF" "${OPTS[@]}" -o "$TMP/stdin-$stem" -
    check "$cap from stdin: exit 0" test "${PIPESTATUS[1]}" -eq 0
    same "$cap from stdin" "$TMP/file-$stem" "$stem" "$TMP/stdin-$stem" stdin
    expect "$cap from stdin: input name and digest" "$(meta "$TMP/stdin-$stem/bidirectional/stdin.parquet")" "$(printf 'customflow.input\t-\ncustomflow.input_sha256\t%s' "$sha")"

    # Through a FIFO.
    mkfifo "$TMP/fifo-$stem"
    cat "$TMP/$cap" >"$TMP/fifo-$stem" &
    "$CF" "${OPTS[@]}" -o "$TMP/fifo-out-$stem" "$TMP/fifo-$stem"
    check "$cap through a FIFO: exit 0" test $? -eq 0
    wait
    same "$cap through a FIFO" "$TMP/file-$stem" "$stem" "$TMP/fifo-out-$stem" "fifo-$stem"

    # Compressed on the way: gzip and zstd streams.
    gzip -c "$TMP/$cap" | "$CF" "${OPTS[@]}" -o "$TMP/gz-$stem" -
    same "$cap gzip-compressed on stdin" "$TMP/file-$stem" "$stem" "$TMP/gz-$stem" stdin
    zstd -q -c "$TMP/$cap" | "$CF" "${OPTS[@]}" -o "$TMP/zst-$stem" -
    same "$cap zstd-compressed on stdin" "$TMP/file-$stem" "$stem" "$TMP/zst-$stem" stdin
done

# A stream written in small pieces with pauses, as a capture program
# writes it while packets arrive: the same records.
/usr/bin/python3 - "$TMP/home.pcap" <<'EOF' | "$CF" "${OPTS[@]}" -o "$TMP/slow" -
import sys, time
data = open(sys.argv[1], 'rb').read()
out = sys.stdout.buffer
for k, at in enumerate(range(0, len(data), 20000)):
    out.write(data[at:at + 20000]); out.flush()
    if k < 5: time.sleep(0.1)
EOF
same "a stream in pieces" "$TMP/file-home" home "$TMP/slow" stdin

# Stdin named in messages; bad streams exit 1 without output.
printf 'not a capture at all' | "$CF" -q -o "$TMP/bad" - 2>"$TMP/err.txt"
check "text on stdin: exit 1" test $? -eq 1
check "text on stdin: message names stdin" grep -q '^customflow: stdin: not a pcap or pcapng file' "$TMP/err.txt"
check "text on stdin: no output file" test ! -e "$TMP/bad/bidirectional/stdin.parquet"
"$CF" -q -o "$TMP/empty" - </dev/null 2>"$TMP/err.txt"
check "empty stdin: exit 1" test $? -eq 1
check "empty stdin: message" grep -q 'stdin: empty' "$TMP/err.txt"
head -c 5000 "$TMP/home.pcap" | "$CF" -q -o "$TMP/cut" - 2>"$TMP/err.txt"
check "stream cut short: exit 1 (damaged)" test "${PIPESTATUS[1]}" -eq 1
check "stream cut short: records before the cut written" test -s "$TMP/cut/bidirectional/stdin.parquet"
"$CF" -q -o "$TMP/two" - - </dev/null 2>"$TMP/err.txt"
check "stdin twice: usage error" test $? -eq 2
check "stdin twice: message" grep -q 'would both write stdin.parquet' "$TMP/err.txt"

# Every queued pair, in one DuckDB run.
node tests/readers/same_records.mjs "${PAIRS[@]}" >"$TMP/same.txt"
for k in "${!NAMES[@]}"; do
    line=$(sed -n "$((k + 1))p" "$TMP/same.txt")
    case $line in
    "SAME 0 "*) fail "${NAMES[$k]}: no records at all" ;;
    SAME*) pass ;;
    *) fail "${NAMES[$k]}: $line" ;;
    esac
done

finish
