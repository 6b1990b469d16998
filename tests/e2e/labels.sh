#!/usr/bin/env bash
# Labels that mean something (issue 13): without a device list, broadcast,
# multicast and all-zero MACs never become devices; warnings, not errors,
# for an empty or unparsable list, a listed device with no traffic, a
# capture where nothing was attributed, and a MAC listed twice.
. "$(dirname "$0")/common.sh"
D1=02:00:00:00:00:01 D2=02:00:00:00:00:02 GW=02:00:00:00:00:fe
{
    echo "t=1 smac=$D1 dmac=$GW src=192.168.1.10 dst=8.8.8.8 proto=udp sport=1 dport=53 len=10"
    # A subnet broadcast and an mDNS multicast from D1; a frame whose MACs
    # were blanked (all zeros) between two local addresses.
    echo "t=2 smac=$D1 dmac=ff:ff:ff:ff:ff:ff src=192.168.1.10 dst=192.168.1.255 proto=udp sport=9 dport=9 len=4"
    echo "t=3 smac=$D1 dmac=01:00:5e:00:00:fb src=192.168.1.10 dst=192.168.1.251 proto=udp sport=5353 dport=5353 len=4"
    echo "t=4 smac=00:00:00:00:00:00 dmac=00:00:00:00:00:00 src=192.168.1.20 dst=192.168.1.21 proto=udp sport=7 dport=7 len=4"
} >"$TMP/k.txt"
"$CRAFT" "$TMP/k.txt" "$TMP/home.pcap"

# No list: D1 is a device; the broadcast, multicast and zero MACs are not.
"$CF" -q -o "$TMP/nolist" "$TMP/home.pcap" 2>"$TMP/err"
check "no list: exit 0" test $? -eq 0
"$CF" summary --format csv "$TMP/nolist" >"$TMP/n.csv" 2>/dev/null
expect "no list: only the station is a device" \
    "$(grep '^bidirectional,records,' "$TMP/n.csv")" "bidirectional,records,$D1,3"

# A MAC listed twice: a warning naming both lines; the first wins.
printf 'cam %s\nplug %s\ncamera again %s\n' $D1 $D2 $D1 >"$TMP/dup.txt"
"$CF" -q -d "$TMP/dup.txt" -o "$TMP/dup" "$TMP/home.pcap" 2>"$TMP/err"
check "MAC twice: exit 0" test $? -eq 0
check "MAC twice: warned" grep -q "warning: $TMP/dup.txt: line 3: $D1 is listed again (first on line 1, which wins)" "$TMP/err"
"$CF" summary --format csv "$TMP/dup" >"$TMP/d.csv" 2>/dev/null
check "MAC twice: the first name" grep -q '^bidirectional,records,cam,3$' "$TMP/d.csv"
# ... and plug sent nothing: a listed device with no traffic.
check "listed, no traffic: warned" grep -q "warning: $TMP/dup.txt: 1 listed device had no traffic: plug (line 2)" "$TMP/err"
check "the repeated line is not called silent" bash -c "! grep -q 'camera again (line 3)' '$TMP/err'"

# An empty list, and one whose lines all fail to parse: warnings, exit 0,
# and the capture where nothing was attributed is named.
: >"$TMP/empty.txt"
"$CF" -q -d "$TMP/empty.txt" -o "$TMP/empty" "$TMP/home.pcap" 2>"$TMP/err"
check "empty list: exit 0" test $? -eq 0
check "empty list: warned" grep -q "warning: $TMP/empty.txt: no device listed (0 lines," "$TMP/err"
check "nothing attributed: warned" grep -q "warning: $TMP/home.pcap: no packet was attributed to a device (4 IP packets)" "$TMP/err"
printf 'cam 02:00:00:00:00:zz\nplug 192.168.1.300\n' >"$TMP/bad.txt"
"$CF" -q -d "$TMP/bad.txt" -o "$TMP/bad" "$TMP/home.pcap" 2>"$TMP/err"
check "unparsable list: exit 0" test $? -eq 0
check "unparsable list: each line warned" test "$(grep -c 'is not a MAC, IP address or CIDR block' "$TMP/err")" -eq 2
check "unparsable list: no device listed" grep -q "$TMP/bad.txt: no device listed (2 lines," "$TMP/err"
# A list for another network.
printf 'elsewhere 02:00:00:00:00:99\n' >"$TMP/other.txt"
"$CF" -q -d "$TMP/other.txt" -o "$TMP/other" "$TMP/home.pcap" 2>"$TMP/err"
check "list for another network: nothing attributed, warned" grep -q 'no packet was attributed to a device (4 IP packets): is the device list for this capture?' "$TMP/err"
check "list for another network: its device is silent" grep -q 'elsewhere (line 1)' "$TMP/err"

# A real capture whose frames carry all-zero MACs (loopback ::1 made local
# here): without a list no endpoint becomes the device "00:00:00:00:00:00";
# the capture is named as one where nothing was attributed.
P=${SHARED_DIR:-}/pcaps/general/networkml_client-ip6_zero-mac.pcap
if [ -n "${SHARED_DIR:-}" ] && [ -f "$P" ]; then
    "$CF" -q --local ::1/128 -o "$TMP/zero" "$P" 2>"$TMP/err"
    check "zero-MAC capture: exit 0" test $? -eq 0
    "$CF" summary --format csv "$TMP/zero" >"$TMP/z.csv" 2>/dev/null
    check "zero-MAC capture: no all-zero device" bash -c "! grep -q '00:00:00:00:00:00' '$TMP/z.csv'"
    check "zero-MAC capture: no record" grep -q '^bidirectional,records_total,,0$' "$TMP/z.csv"
    check "zero-MAC capture: nothing attributed, warned" grep -q 'no packet was attributed to a device (168 IP packets)' "$TMP/err"
else
    skip "../shared/pcaps absent: zero-MAC capture"
fi
finish
