#!/usr/bin/env bash
# One capture over several threads (--threads): the output is byte-identical
# to the single-threaded conversion at 1, 2 and 4 threads, for a mapped
# file (frames read in place), a compressed one and a pipe (payloads
# copied between the threads), on generated and real captures, and with
# the options whose writers do more than append rows.
. "$(dirname "$0")/common.sh"

"$B/cf-gencap" --preset flood --max-packets 60000 -o "$TMP/flood.pcap" 2>/dev/null
"$B/cf-gencap" --preset iot-day --max-bytes 20000000 -o "$TMP/day.pcap" --devices-out "$TMP/dev.txt" 2>/dev/null
gzip -c "$TMP/day.pcap" >"$TMP/daygz.pcap.gz"
inputs=("$TMP/flood.pcap" "$TMP/day.pcap" "$TMP/daygz.pcap.gz")
if [ -n "$SHARED_DIR" ]; then
    for f in "$SHARED_DIR"/pcaps/iot/unsw/*.pcap* "$SHARED_DIR"/pcaps/iot/madea/*; do
        [ -f "$f" ] && inputs+=("$f")
    done
else
    skip "../shared absent: real captures not converted with threads"
fi
for f in "${inputs[@]}"; do
    stem=$(basename "$f"); stem=${stem%.gz}; stem=${stem%.pcapng}; stem=${stem%.pcap}
    for t in 1 2 4; do
        "$CF" -q --threads "$t" -d "$TMP/dev.txt" -n 3 -b 200 -o "$TMP/t$t" "$f" 2>/dev/null
    done
    for v in bidirectional unidirectional; do
        check "$stem $v: output exists" test -s "$TMP/t1/$v/$stem.parquet"
        for t in 2 4; do
            check "$stem $v: --threads $t identical to --threads 1" \
                cmp -s "$TMP/t1/$v/$stem.parquet" "$TMP/t$t/$v/$stem.parquet"
        done
    done
done
# The writers run on threads of their own with a spare core (one per
# variant): files that close mid-run (rotation, partitions: their metadata
# asked for on the writer's thread), the option columns (--names,
# --context), the wide layout, text formats, one variant and records closed
# early give the same bytes too.
for opts in "--rotate 10m" "--context 2 --rotate 30m" "--names" "--layout wide --payload-cells 64" \
    "--layout wide --context 2 --rotate 30m" "--format jsonl" "--format csv --rotate 1h" \
    "--partition" "--context 3 --partition" "--max-flows 50" "--variant unidirectional"; do
    for t in 1 2; do
        rm -rf "$TMP/o$t"
        # shellcheck disable=SC2086 # the options are words
        "$CF" -q --threads "$t" -d "$TMP/dev.txt" -n 3 -b 200 $opts -o "$TMP/o$t" "$TMP/day.pcap" 2>/dev/null
    done
    check "$opts: files written" test "$(find "$TMP/o1" -type f | wc -l)" -ge 1
    check "$opts: --threads 2 identical to --threads 1" diff -r "$TMP/o1" "$TMP/o2"
done

# A pipe is read on the caller's thread (a blocked read must stay
# interruptible): same output again.
mkfifo "$TMP/fifo.pcap"
cat "$TMP/day.pcap" >"$TMP/fifo.pcap" &
"$CF" -q --threads 4 -d "$TMP/dev.txt" -n 3 -b 200 -o "$TMP/fifo" "$TMP/fifo.pcap"
wait
if [ "$HAVE_READERS" = 1 ]; then
    expect "pipe with --threads 4 gives the file's records" \
        "$(rows "$TMP/fifo/bidirectional/fifo.parquet")" "$(rows "$TMP/t1/bidirectional/day.parquet")"
else
    skip "readers missing: pipe records not compared"
fi
finish
