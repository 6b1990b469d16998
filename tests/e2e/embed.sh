#!/usr/bin/env bash
# The embedding example of customflow.h (tests/examples/embed.c), built by
# make against the public header alone, run on the sample capture: its
# callback sees every bidirectional record, in the order and with the
# values the Parquet output holds.
. "$(dirname "$0")/common.sh"
EMBED=$B/tests/examples/embed
check "the example is built" test -x "$EMBED"
check "the example includes nothing but customflow.h" \
    test "$(grep -c '#include "' tests/examples/embed.c)" = "$(grep -c '#include "customflow.h"' tests/examples/embed.c)"
"$B/cf-gencap" --preset sample -o "$TMP/sample.pcap" --devices-out "$TMP/dev.txt" 2>/dev/null
"$EMBED" "$TMP/sample.pcap" "$TMP/dev.txt" >"$TMP/embed.txt" 2>"$TMP/embed.err"
st=$?
check "the example runs (exit $st: $(cat "$TMP/embed.err"))" test $st -eq 0
n=$(wc -l <"$TMP/embed.txt")
check "the example prints records ($n)" test "$n" -gt 100
expect "the example counts what it printed" "$(cat "$TMP/embed.err")" "embed: $n records"
if [ "$HAVE_READERS" = 1 ]; then
    "$CF" -q -d "$TMP/dev.txt" --variant bidirectional -o "$TMP/out" "$TMP/sample.pcap"
    expect "callback records = Parquet rows, in order" "$(cat "$TMP/embed.txt")" \
        "$(q "SELECT device || ' ' || remote_ip || ' ' || remote_port FROM read_parquet('$TMP/out/bidirectional/sample.parquet')")"
else
    skip "tests/readers/node_modules missing: callback records not compared with Parquet"
fi
"$EMBED" "$TMP/missing.pcap" >/dev/null 2>"$TMP/missing.err"
st=$?
check "a missing capture: exit 1, one line naming it" \
    test $st -eq 1 -a "$(wc -l <"$TMP/missing.err")" -eq 1 -a -n "$(grep -F missing.pcap "$TMP/missing.err")"
finish
