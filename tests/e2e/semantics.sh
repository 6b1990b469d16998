#!/usr/bin/env bash
# Record semantics (SPEC §1-§6) on crafted packets: each case writes its
# packets as text, converts them and compares the records DuckDB reads back.
. "$(dirname "$0")/common.sh"
if [ "$HAVE_READERS" != 1 ]; then
    skip "tests/readers/node_modules missing (run scripts/setup.sh): semantics not checked"
    finish; exit
fi
D1=02:00:00:00:00:01
GW=02:00:00:00:00:fe
cat >"$TMP/devices.txt" <<EOT
# name, then address
cam	$D1
plug	02:00:00:00:00:02
EOT

# convert NAME [OPTIONS]: $TMP/NAME.txt -> $TMP/NAME.pcap -> $TMP/out-NAME/
convert() {
    local name=$1; shift
    local fmt=()
    case " $* " in *" --pcapng "*) fmt=(-f pcapng) ;; *" --ns "*) fmt=(-f pcap-ns) ;; esac
    local args=()
    for a in "$@"; do [ "$a" = --pcapng ] || [ "$a" = --ns ] || args+=("$a"); done
    "$CRAFT" "${fmt[@]}" "$TMP/$name.txt" "$TMP/$name.pcap" || { fail "$name: craftcap"; return 1; }
    "$CF" -q -o "$TMP/out-$name" "${args[@]}" "$TMP/$name.pcap" || { fail "$name: customflow exit $?"; return 1; }
}
BI() { echo "$TMP/out-$1/bidirectional/$1.parquet"; }
UNI() { echo "$TMP/out-$1/unidirectional/$1.parquet"; }

# --- lifetime boundary: at first_seen + L a new record starts, 1 us before not
cat >"$TMP/life.txt" <<EOT
t=100.000000 smac=$D1 dmac=$GW src=192.168.1.10 dst=8.8.8.8 proto=udp sport=5000 dport=53 len=10
t=159.999999 smac=$GW dmac=$D1 src=8.8.8.8 dst=192.168.1.10 proto=udp sport=53 dport=5000 len=20
t=160.000000 smac=$D1 dmac=$GW src=192.168.1.10 dst=8.8.8.8 proto=udp sport=5000 dport=53 len=30
EOT
convert life -d "$TMP/devices.txt"
expect "lifetime boundary" "$(rows "$(BI life)")" "$(printf '%s\n' \
"cam	100000000	8.8.8.8	17	5000	53	114	2	[0, 59999999]	[52, 62]	[1, 0]	[00010203040506070809, 0102030405060708090A0B0C0D0E0F1011121314]" \
"cam	160000000	8.8.8.8	17	5000	53	72	1	[0]	[72]	[1]	[02030405060708090A0B0C0D0E0F101112131415161718191A1B1C1D1E1F]")"
expect "lifetime boundary, unidirectional" "$(rows "$(UNI life)")" "$(printf '%s\n' \
"cam	100000000	8.8.8.8	17	5000	53	52	1	[0]	[52]	[1]	[00010203040506070809]" \
"cam	160000000	8.8.8.8	17	5000	53	72	1	[0]	[72]	[1]	[02030405060708090A0B0C0D0E0F101112131415161718191A1B1C1D1E1F]")"

# --- a long session becomes consecutive records of one key; -t changes L
: >"$TMP/long.txt"
for s in $(seq 0 10 250); do
    echo "t=$((1000 + s)).5 smac=$D1 dmac=$GW src=192.168.1.10 dst=52.1.2.3 proto=tcp sport=40000 dport=443 len=0" >>"$TMP/long.txt"
done
convert long -d "$TMP/devices.txt"
expect "long session split" "$(q "SELECT epoch_us(first_seen), total_packets, remote_port FROM read_parquet('$(BI long)')")" "$(printf '%s\n' \
"1000500000	6	443" "1060500000	6	443" "1120500000	6	443" "1180500000	6	443" "1240500000	2	443")"
convert long -d "$TMP/devices.txt" -t 100.5
expect "lifetime option" "$(q "SELECT epoch_us(first_seen), total_packets FROM read_parquet('$(BI long)')")" "$(printf '%s\n' \
"1000500000	11" "1110500000	11" "1220500000	4")"

# --- device to device: two mirrored records, opposite directions
cat >"$TMP/d2d.txt" <<EOT
t=10 smac=$D1 dmac=02:00:00:00:00:02 src=192.168.1.10 dst=192.168.1.11 proto=tcp sport=1234 dport=80 len=3
t=11 smac=02:00:00:00:00:02 dmac=$D1 src=192.168.1.11 dst=192.168.1.10 proto=tcp sport=80 dport=1234 len=4
EOT
convert d2d -d "$TMP/devices.txt" --no-anonymize
expect "device-to-device mirrored" "$(rows "$(BI d2d)" "ORDER BY first_seen, device")" "$(printf '%s\n' \
"cam	10000000	192.168.1.11	6	1234	80	115	2	[0, 1000000]	[57, 58]	[1, 0]	[000102, 01020304]" \
"plug	10000000	192.168.1.10	6	80	1234	115	2	[0, 1000000]	[57, 58]	[0, 1]	[000102, 01020304]")"
expect "device-to-device unidirectional" "$(q "SELECT device, total_packets, pkt_direction FROM read_parquet('$(UNI d2d)') ORDER BY first_seen, device")" "$(printf '%s\n' \
"cam	1	[1]" "plug	1	[1]")"

# --- a key with only downstream packets gives no unidirectional record
cat >"$TMP/down.txt" <<EOT
t=5 smac=$GW dmac=$D1 src=1.1.1.1 dst=192.168.1.10 proto=udp sport=123 dport=123 len=48
t=6 smac=$D1 dmac=$GW src=192.168.1.10 dst=9.9.9.9 proto=udp sport=999 dport=53 len=1
EOT
convert down -d "$TMP/devices.txt"
expect "downstream only: bidirectional" "$(q "SELECT remote_ip, pkt_direction FROM read_parquet('$(BI down)')")" "$(printf '%s\n' \
"1.1.1.1	[0]" "9.9.9.9	[1]")"
expect "downstream only: no unidirectional record" "$(q "SELECT remote_ip FROM read_parquet('$(UNI down)')")" "9.9.9.9"

# --- anonymisation of every local range, user prefixes, and its off switch
: >"$TMP/anon.txt"
n=0
for r in 10.1.2.3 172.16.0.1 172.31.255.255 192.168.7.7 169.254.1.1 203.0.113.9 172.32.0.1 fc00::1 fe80::1 2001:db8::1; do
    n=$((n + 1))
    case $r in *:*) me=fe80::10 ;; *) me=192.168.1.10 ;; esac
    echo "t=$n smac=$D1 dmac=$GW src=$me dst=$r proto=udp sport=$n dport=7" >>"$TMP/anon.txt"
done
convert anon -d "$TMP/devices.txt" --local 203.0.113.0/24
expect "anonymised remotes" "$(q "SELECT remote_ip FROM read_parquet('$(BI anon)')")" "$(printf '%s\n' \
0.0.0.0 0.0.0.0 0.0.0.0 0.0.0.0 0.0.0.0 0.0.0.0 172.32.0.1 :: :: 2001:db8::1)"
convert anon -d "$TMP/devices.txt" --local 203.0.113.0/24 --no-anonymize
expect "anonymisation off" "$(q "SELECT remote_ip FROM read_parquet('$(BI anon)')")" "$(printf '%s\n' \
10.1.2.3 172.16.0.1 172.31.255.255 192.168.7.7 169.254.1.1 203.0.113.9 172.32.0.1 fc00::1 fe80::1 2001:db8::1)"

# --- Ethernet padding is not payload; payload cut at j and at the snap length
cat >"$TMP/pad.txt" <<EOT
t=1 smac=$D1 dmac=$GW src=192.168.1.10 dst=8.8.4.4 proto=udp sport=1 dport=2 hex=aabbccdd pad=1
t=2 smac=$D1 dmac=$GW src=192.168.1.10 dst=8.8.4.4 proto=udp sport=1 dport=2 len=200
EOT
convert pad -d "$TMP/devices.txt" -b 8
expect "padding and j" "$(q "SELECT pkt_size, list_transform(pkt_payload, x -> hex(x)) FROM read_parquet('$(BI pad)')")" \
    "[60, 242]	[AABBCCDD, 0102030405060708]"
"$CRAFT" -s 50 "$TMP/pad.txt" "$TMP/snap.pcap" && "$CF" -q -o "$TMP/out-snap" -d "$TMP/devices.txt" "$TMP/snap.pcap"
expect "payload cut at snap length" "$(q "SELECT pkt_size, list_transform(pkt_payload, x -> hex(x)) FROM read_parquet('$TMP/out-snap/bidirectional/snap.parquet')")" \
    "[60, 242]	[AABBCCDD, 0102030405060708]"
: # the second packet was cut to 50 bytes: 50 - 42 header bytes = 8 payload bytes

# --- protocols without ports; size modes
cat >"$TMP/icmp.txt" <<EOT
t=1 smac=$D1 dmac=$GW src=192.168.1.10 dst=8.8.8.8 proto=icmp len=12
t=2 smac=$D1 dmac=$GW src=192.168.1.10 dst=8.8.8.8 proto=tcp sport=5 dport=6 len=7
EOT
for m in wire:46,61 ip:32,47 transport:12,27 payload:12,7; do
    convert icmp -d "$TMP/devices.txt" --size "${m%%:*}"
    expect "size mode ${m%%:*} and portless ICMP" "$(q "SELECT protocol, device_port, remote_port, pkt_size[1] FROM read_parquet('$(BI icmp)') ORDER BY protocol")" \
        "$(printf '1\t0\t0\t%s\n6\t5\t6\t%s' "$(echo "${m#*:}" | cut -d, -f1)" "$(echo "${m#*:}" | cut -d, -f2)")"
done

# --- link types: VLAN, QinQ, 0x9100, SLL, SLL2, raw, null, loop (no-list mode:
# without a MAC the label is the IP address)
: >"$TMP/links.txt"
n=0
for l in eth vlan:100 qinq:10,20 tag9100:7; do
    n=$((n + 1)); echo "t=$n link=$l smac=$D1 dmac=$GW src=192.168.1.10 dst=8.8.8.$n proto=udp sport=$n dport=53 len=1" >>"$TMP/links.txt"
done
convert links -d "$TMP/devices.txt"
expect "ethernet tags" "$(q "SELECT device, remote_ip, device_port FROM read_parquet('$(BI links)')")" "$(printf '%s\n' \
"cam	8.8.8.1	1" "cam	8.8.8.2	2" "cam	8.8.8.3	3" "cam	8.8.8.4	4")"
for l in sll sll2 raw raw4 null loop; do
    echo "t=1 link=$l src=10.0.0.5 dst=1.2.3.4 proto=udp sport=7 dport=8 len=2" >"$TMP/l-$l.txt"
    convert "l-$l"
    expect "link type $l" "$(q "SELECT device, remote_ip, device_port, remote_port, pkt_size FROM read_parquet('$(BI "l-$l")')")" \
        "$(printf '10.0.0.5\t1.2.3.4\t7\t8\t[%s]' "$(case $l in sll) echo 46 ;; sll2) echo 50 ;; null|loop) echo 34 ;; *) echo 30 ;; esac)")"
done
echo "t=1 link=raw6 src=fe80::5 dst=2001:db8::9 proto=udp sport=7 dport=8 len=2" >"$TMP/l-raw6.txt"
convert l-raw6
expect "link type raw6" "$(q "SELECT device, remote_ip, pkt_size FROM read_parquet('$(BI l-raw6)')")" "fe80::5	2001:db8::9	[50]"

# --- pcapng with mixed link types; nanosecond timestamps truncated to us
cat >"$TMP/mixed.txt" <<EOT
t=1.0000019 smac=$D1 dmac=$GW src=192.168.1.10 dst=8.8.8.8 proto=udp sport=1 dport=53 len=1
t=2.0000029 link=raw src=192.168.1.10 dst=8.8.8.8 proto=udp sport=1 dport=53 len=1
EOT
convert mixed --pcapng
expect "pcapng mixed link types, ns -> us" "$(q "SELECT device, epoch_us(first_seen), pkt_offset_us FROM read_parquet('$(BI mixed)') ORDER BY device")" "$(printf '%s\n' \
"02:00:00:00:00:01	1000001	[0]" "192.168.1.10	2000002	[0]")"
cp "$TMP/mixed.txt" "$TMP/mixedns.txt"; sed -i 's/ link=raw//; s/^t=2.0000029/t=2.0000029/' "$TMP/mixedns.txt"
convert mixedns --ns
expect "pcap nanosecond" "$(q "SELECT epoch_us(first_seen), pkt_offset_us FROM read_parquet('$(BI mixedns)')")" "1000001	[0, 1000001]"

# --- timestamps going backwards: negative offsets, rows still by first_seen
cat >"$TMP/back.txt" <<EOT
t=50 smac=$D1 dmac=$GW src=192.168.1.10 dst=8.8.8.8 proto=udp sport=1 dport=53 len=1
t=49 smac=$D1 dmac=$GW src=192.168.1.10 dst=8.8.8.8 proto=udp sport=1 dport=53 len=1
t=48 smac=$D1 dmac=$GW src=192.168.1.10 dst=9.9.9.9 proto=udp sport=1 dport=53 len=1
EOT
convert back -d "$TMP/devices.txt"
expect "backwards timestamps" "$(q "SELECT remote_ip, epoch_us(first_seen), pkt_offset_us FROM read_parquet('$(BI back)')")" "$(printf '%s\n' \
"9.9.9.9	48000000	[0]" "8.8.8.8	50000000	[0, -1000000]")"

# --- no device list: local endpoints are devices labelled by MAC
cat >"$TMP/nolist.txt" <<EOT
t=1 smac=$D1 dmac=$GW src=192.168.1.10 dst=8.8.8.8 proto=udp sport=1 dport=53 len=1
t=2 smac=02:00:00:00:00:aa dmac=ff:ff:ff:ff:ff:ff src=0.0.0.0 dst=255.255.255.255 proto=udp sport=68 dport=67 len=1
t=3 smac=02:00:00:00:00:bb dmac=ff:ff:ff:ff:ff:ff src=0.0.0.0 dst=255.255.255.255 proto=udp sport=68 dport=67 len=1
t=4 smac=$GW dmac=$D1 src=8.8.4.4 dst=1.1.1.1 proto=udp sport=1 dport=53 len=1
EOT
convert nolist
expect "no device list; two devices behind 0.0.0.0" "$(q "SELECT device, remote_ip, device_port FROM read_parquet('$(BI nolist)')")" "$(printf '%s\n' \
"02:00:00:00:00:01	8.8.8.8	1" "02:00:00:00:00:aa	255.255.255.255	68" "02:00:00:00:00:bb	255.255.255.255	68")"

# --- identical input and options give byte-identical files
"$CF" -q -o "$TMP/again" -d "$TMP/devices.txt" "$TMP/life.pcap"
check "byte-identical output" cmp -s "$(BI life)" "$TMP/again/bidirectional/life.parquet"

finish
