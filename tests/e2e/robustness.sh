#!/usr/bin/env bash
# No partial output, ever: a full disk, a read-only output directory,
# SIGINT/SIGTERM mid-conversion each give a clear message, a non-zero exit,
# and neither a .parquet file nor a temporary file left behind. Plus bounded
# memory under a flood, device-list warnings, and a leak check.
. "$(dirname "$0")/common.sh"
GEN=$B/cf-gencap

# leftovers DIR: lists any file under DIR (parquet or temporary).
leftovers() { find "$1" -type f 2>/dev/null; }

"$GEN" --preset sample -o "$TMP/sample.pcap" --devices-out "$TMP/dev.txt" 2>/dev/null

# --- full disk: a 64 KiB tmpfs (or, where mounting is not allowed, a 64 KiB
# file-size limit).
mkdir -p "$TMP/full"
if mount -t tmpfs -o size=64k tmpfs "$TMP/full" 2>/dev/null; then
    MOUNTED=1
    "$CF" -q -o "$TMP/full/out" "$TMP/sample.pcap" 2>"$TMP/err"; st=$?
else
    MOUNTED=0
    (ulimit -f 64; "$CF" -q -o "$TMP/full/out" "$TMP/sample.pcap" 2>"$TMP/err"); st=$?
fi
check "full disk: non-zero exit" test "$st" -ne 0
check "full disk: no signal" test "$st" -lt 128
check "full disk: message names the file" grep -qE 'sample.parquet.*(No space|too large)' "$TMP/err"
check "full disk: one line" test "$(wc -l <"$TMP/err")" -eq 1
check "full disk: nothing left behind" test -z "$(leftovers "$TMP/full/out")"
[ $MOUNTED = 1 ] && umount "$TMP/full"

# --- read-only output directory (root ignores permissions: a read-only mount)
mkdir -p "$TMP/ro"
if mount -t tmpfs -o ro,size=64k tmpfs "$TMP/ro" 2>/dev/null; then
    "$CF" -q -o "$TMP/ro" "$TMP/sample.pcap" 2>"$TMP/err"; st=$?
    check "read-only output: usage exit 2" test "$st" -eq 2
    check "read-only output: message" grep -q 'not writable\|Read-only' "$TMP/err"
    umount "$TMP/ro"
elif [ "$(id -u)" -ne 0 ]; then
    chmod 555 "$TMP/ro"
    "$CF" -q -o "$TMP/ro" "$TMP/sample.pcap" 2>"$TMP/err"; st=$?
    check "read-only output: usage exit 2" test "$st" -eq 2
else
    skip "cannot make a read-only directory here (root without mount)"
fi

# --- SIGINT / SIGTERM in the middle of a conversion: the capture comes
# through a pipe that delivers 3 MB and then stalls, so the signal always
# arrives mid-conversion, with both output files open.
"$GEN" --preset iot-day --max-bytes 20M -o "$TMP/big.pcap" 2>/dev/null
for sig in INT TERM; do
    rm -rf "$TMP/sig" "$TMP/slow.pcap"
    mkfifo "$TMP/slow.pcap"
    (head -c 3000000 "$TMP/big.pcap"; sleep 20) >"$TMP/slow.pcap" &
    feeder=$!
    "$CF" -q -o "$TMP/sig" "$TMP/slow.pcap" 2>"$TMP/err" &
    pid=$!
    sleep 1
    check "SIG$sig: temporary files exist mid-run" test -n "$(leftovers "$TMP/sig")"
    kill -s $sig $pid
    reap $pid 5; st=$REAPED
    check "SIG$sig: exits promptly" test "$st" -ne 999
    kill $feeder 2>/dev/null; wait $feeder 2>/dev/null
    check "SIG$sig: non-zero exit ($st)" test "$st" -ne 0
    check "SIG$sig: message" grep -q 'interrupted' "$TMP/err"
    check "SIG$sig: no file left" test -z "$(leftovers "$TMP/sig")"
done

SANITIZED=0
nm "$CF" 2>/dev/null | grep -q __asan_init && SANITIZED=1

# --- bounded memory under a flood of new flows: --max-flows closes the
# oldest records early, counts them, and peak memory stays bounded.
"$GEN" --preset flood --max-packets 400000 -o "$TMP/flood.pcap" 2>/dev/null
if [ -x /usr/bin/time ]; then
    /usr/bin/time -v "$CF" --max-flows 5000 -o "$TMP/fl" "$TMP/flood.pcap" 2>"$TMP/err"
    st=$?
    rss=$(awk -F: '/Maximum resident/{print $2+0}' "$TMP/err")
    check "flood: exit 0" test "$st" -eq 0
    check "flood: records closed early are reported" grep -qE 'closed early by --max-flows or --max-memory: [1-9]' "$TMP/err"
    echo "flood with --max-flows 5000: peak RSS ${rss} KiB"
    if [ $SANITIZED = 1 ]; then
        skip "sanitizer build: peak RSS not comparable (${rss} KiB)"
    else
        check "flood: peak RSS under 120 MiB (${rss} KiB)" test "${rss:-999999}" -lt 122880
    fi
    if [ "$HAVE_READERS" = 1 ]; then
        got=$(q "SELECT decode(value)::BIGINT > 0 FROM parquet_kv_metadata('$TMP/fl/bidirectional/flood.parquet') WHERE decode(key) = 'customflow.early_closed'")
        expect "flood: early closes in the metadata" "$got" "true"
    fi
else
    skip "/usr/bin/time missing: flood memory not measured"
fi

# --- bounded memory under a payload-heavy burst: --max-memory bounds the
# bytes of open and waiting records (payloads included), whatever their
# number; every packet still ends up in a record.
"$B/bench/burst_gen" "$TMP/burst.pcap" 4 20000 1000
"$CF" --max-memory 1x -o "$TMP/bm" "$TMP/burst.pcap" 2>"$TMP/err"; st=$?
check "--max-memory 1x: usage error" test "$st" -eq 2
check "--max-memory 1x: says why" grep -q "max-memory: '1x' is not a size" "$TMP/err"
if [ -x /usr/bin/time ]; then
    # At one and at two threads (the decode stage copies the payloads it
    # hands over, so the mapped capture's dropped pages stay dropped).
    for threads in 1 2; do
    /usr/bin/time -v "$CF" --threads $threads --max-memory 16M --no-input-hash -o "$TMP/bm" "$TMP/burst.pcap" 2>"$TMP/err"
    st=$?
    rss=$(awk -F: '/Maximum resident/{print $2+0}' "$TMP/err")
    check "burst, $threads threads: exit 0" test "$st" -eq 0
    check "burst, $threads threads: records closed early are reported" grep -qE 'closed early by --max-flows or --max-memory: [1-9]' "$TMP/err"
    check "burst, $threads threads: every packet in a record" grep -qE 'records: bidirectional 80000, unidirectional 80000' "$TMP/err"
    echo "burst (80,000 one-packet flows of 1000 bytes) with --max-memory 16M, $threads threads: peak RSS ${rss} KiB"
    if [ $SANITIZED = 1 ]; then
        skip "sanitizer build: peak RSS not comparable (${rss} KiB)"
    else
        check "burst, $threads threads: peak RSS under 16 MiB + 64 MiB (${rss} KiB)" test "${rss:-999999}" -lt 81920
    fi
    done
    /usr/bin/time -v "$CF" --no-input-hash -o "$TMP/bm2" "$TMP/burst.pcap" 2>"$TMP/err"
    rss2=$(awk -F: '/Maximum resident/{print $2+0}' "$TMP/err")
    check "burst: the default budget keeps it whole" grep -qE 'records: bidirectional 80000, unidirectional 80000$' "$TMP/err"
    check "burst: nothing closed early under the default budget" test "$(grep -c 'closed early' "$TMP/err")" -eq 0
    echo "burst with the default budget: peak RSS ${rss2} KiB"
else
    skip "/usr/bin/time missing: burst memory not measured"
fi

# --- device list with bad lines: warnings with line numbers, good lines kept
printf 'cam 02:00:00:00:00:01\nbroken 02:00:00:00:00:zz\nplug 02:00:00:00:00:02\n' >"$TMP/bad-dev.txt"
"$CF" -o "$TMP/bd" -d "$TMP/bad-dev.txt" "$TMP/sample.pcap" 2>"$TMP/err"; st=$?
check "bad device line: still runs" test "$st" -eq 0
check "bad device line: warning with line number" grep -q 'bad-dev.txt: line 2:' "$TMP/err"

# --- captures that are not captures
head -c 5000 /dev/urandom | gzip >"$TMP/random.pcap.gz"
"$CF" -q -o "$TMP/nc" "$TMP/random.pcap.gz" 2>"$TMP/err"; st=$?
check "gzip of random bytes: exit 1" test "$st" -eq 1
check "gzip of random bytes: one line naming it" grep -q 'random.pcap.gz' "$TMP/err"
check "gzip of random bytes: no output" test -z "$(leftovers "$TMP/nc")"

# --- leaks: valgrind memcheck on the sample conversion (not under ASan)
if command -v valgrind >/dev/null && [ $SANITIZED = 0 ]; then
    valgrind --leak-check=full --errors-for-leak-kinds=definite,indirect --error-exitcode=99 \
        "$CF" -q -d "$TMP/dev.txt" -o "$TMP/vg" "$TMP/sample.pcap" 2>"$TMP/vg.txt"
    st=$?
    check "valgrind: no errors, no leaks (exit $st)" test "$st" -eq 0
    grep -E 'definitely lost|ERROR SUMMARY' "$TMP/vg.txt" | sed 's/^==[0-9]*== /valgrind: /'
else
    skip "valgrind missing or sanitizer build: leak check not run"
fi
finish
