#!/usr/bin/env bash
# The wide layout (SPEC §6): exact payload cells for crafted payloads
# (empty, short, exactly j, longer than j, overflowing B), and agreement of
# every record with the nested layout of the same capture and options.
. "$(dirname "$0")/common.sh"
if [ "$HAVE_READERS" != 1 ]; then
    skip "tests/readers/node_modules missing: wide layout not checked"
    finish; exit
fi
D1=02:00:00:00:00:01
GW=02:00:00:00:00:fe
# Payloads: 0 bytes, 3 bytes, exactly j=4, 6 bytes (> j), then 4 more.
cat >"$TMP/w.txt" <<EOT
t=1 smac=$D1 dmac=$GW src=192.168.1.10 dst=8.8.8.8 proto=udp sport=1 dport=2 len=0
t=2 smac=$GW dmac=$D1 src=8.8.8.8 dst=192.168.1.10 proto=udp sport=2 dport=1 hex=aabbcc
t=3 smac=$D1 dmac=$GW src=192.168.1.10 dst=8.8.8.8 proto=udp sport=1 dport=2 hex=01020304
t=4 smac=$D1 dmac=$GW src=192.168.1.10 dst=8.8.8.8 proto=udp sport=1 dport=2 hex=0a0b0c0d0e0f
t=5 smac=$D1 dmac=$GW src=192.168.1.10 dst=8.8.8.8 proto=udp sport=1 dport=2 hex=ffffffff
EOT
"$CRAFT" "$TMP/w.txt" "$TMP/w.pcap"
# i=4, j=4, B=18: -4 -8 | -4 170 187 204 -8 | -4 1 2 3 4 -8 | -4 10 11 12 -8: the
# 4th packet's 6 bytes are cut to j=4 and then to the 3 that fit before -8.
"$CF" -q -n 4 -b 4 --payload-cells 18 --layout wide -o "$TMP/wide" "$TMP/w.pcap"
cells=$(for c in $(seq 0 17); do printf 'C_%03d,' "$c"; done)
expect "cells: empty, short, exactly j, longer than j, overflowing B" \
    "$(q "SELECT ${cells%,} FROM read_parquet('$TMP/wide/bidirectional/w.parquet')")" \
    "$(printf '%s\t' -4 -8 -4 170 187 204 -8 -4 1 2 3 4 -8 -4 10 11 12 -8 | sed 's/\t$//')"
"$CF" -q -n 5 -b 4 --payload-cells 20 --layout wide -o "$TMP/wide20" "$TMP/w.pcap"
expect "cells stop when fewer than two remain" \
    "$(q "SELECT C_013, C_014, C_017, C_018, C_019 FROM read_parquet('$TMP/wide20/bidirectional/w.parquet')")" \
    "-4	10	13	-8	-1"
expect "P columns and absent packets" \
    "$(q "SELECT P0_TO, P1_TO, P3_TO, P00_PS, P03_PS, P00_D, P01_D FROM (SELECT P00_TO AS P0_TO, P01_TO AS P1_TO, P03_TO AS P3_TO, * FROM read_parquet('$TMP/wide/bidirectional/w.parquet'))")" \
    "0	1000000	3000000	42	48	1	0"
"$CF" -q -n 12 -b 4 --payload-cells 8 --layout wide -o "$TMP/wide2" "$TMP/w.pcap"
expect "absent packets are -1; B of 8 holds two packets" \
    "$(q "SELECT P05_TO, P11_PS, P11_D, C_000, C_001, C_002, C_003, C_004, C_005, C_006, C_007 FROM read_parquet('$TMP/wide2/bidirectional/w.parquet')")" \
    "-1	-1	-1	-4	-8	-4	170	187	204	-8	-1"
expect "column names padded to 2 and 3 digits" \
    "$(q "SELECT string_agg(column_name, ',') FROM (DESCRIBE SELECT * FROM read_parquet('$TMP/wide2/bidirectional/w.parquet')) WHERE column_name IN ('P00_TO','P11_D','C_000','C_007')")" \
    "P00_TO,P11_D,C_000,C_007"

# Every record of the wide layout agrees with the nested one.
"$B/cf-gencap" --preset sample -o "$TMP/s.pcap" --devices-out "$TMP/dev.txt" 2>/dev/null
for opts in "" "-n 3 -b 20 --payload-cells 40" "-n 12 --payload-cells 5000"; do
    rm -rf "$TMP/n" "$TMP/v"
    "$CF" -q -d "$TMP/dev.txt" $opts -o "$TMP/n" "$TMP/s.pcap"
    "$CF" -q -d "$TMP/dev.txt" $opts --layout wide -o "$TMP/v" "$TMP/s.pcap"
    for var in bidirectional unidirectional; do
        check "wide = nested ($var, options '$opts')" \
            node tests/readers/wide_check.mjs "$TMP/n/$var/s.parquet" "$TMP/v/$var/s.parquet"
    done
done
ST=$SHARED_DIR/pcaps/iot/unsw/Two-IOT161012-node2_SmartThings.pcap
if [ -n "$SHARED_DIR" ] && [ -f "$ST" ]; then
    "$CF" -q -o "$TMP/rn" "$ST"
    "$CF" -q --layout wide -o "$TMP/rw" "$ST"
    check "wide = nested on a real UNSW capture" node tests/readers/wide_check.mjs \
        "$TMP/rn/bidirectional/Two-IOT161012-node2_SmartThings.parquet" \
        "$TMP/rw/bidirectional/Two-IOT161012-node2_SmartThings.parquet"
    check "wide layout read alike by all three readers" node tests/readers/agree.mjs \
        "$TMP/rw/unidirectional/Two-IOT161012-node2_SmartThings.parquet"
else
    skip "../shared absent: real capture not compared"
fi
finish
