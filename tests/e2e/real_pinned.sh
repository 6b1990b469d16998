#!/usr/bin/env bash
# Hand-checked records of real IoT captures. Each expected row was checked
# against Wireshark's view of the same packets (the tshark command is in the
# comment), and where tshark is installed the test re-derives the numbers
# with it. Skips when ../shared is absent.
. "$(dirname "$0")/common.sh"
P=$SHARED_DIR/pcaps
if [ -z "$SHARED_DIR" ] || [ ! -d "$P" ]; then
    skip "../shared/pcaps absent: pinned records not checked"
    finish; exit
fi
if [ "$HAVE_READERS" != 1 ]; then
    skip "tests/readers/node_modules missing: pinned records not checked"
    finish; exit
fi
HAVE_TSHARK=0
command -v tshark >/dev/null && HAVE_TSHARK=1
# tsum FILE FILTER: "packets bytes" of the frames matching a display filter.
tsum() { tshark -r "$1" -Y "$2" -T fields -e frame.len 2>/dev/null | awk '{n++; s+=$1} END {print n+0, s+0}'; }

# --- UNSW Smart Things, with the published device list (tabs, CRLF, header,
# gateway on the last line).
ST=$P/iot/unsw/Two-IOT161012-node2_SmartThings.pcap
"$CF" -q -d "$P/docs/UNSW_List_Of_Devices.txt" -o "$TMP/st" "$ST"
check "UNSW Smart Things converts" test $? -eq 0
F=$TMP/st/bidirectional/Two-IOT161012-node2_SmartThings.parquet
# tshark -r ST -Y 'ip.addr==52.1.40.122 && tcp.port==2181 && frame.time_epoch < 1476190870.737972'
# gives 16 frames, 1044 bytes; the first at 1476190810.737972 from 192.168.1.196.
expect "UNSW Smart Things: first records" "$(q "SELECT device, epoch_us(first_seen), remote_ip, protocol, device_port, remote_port, total_bytes, total_packets, pkt_size, pkt_direction FROM read_parquet('$F') LIMIT 6")" "$(printf '%s\n' \
"Smart Things	1476190810737972	52.1.40.122	6	2181	443	1044	16	[60, 54, 60, 54, 60, 54, 60, 54, 123, 54]	[1, 0, 1, 0, 1, 0, 1, 0, 1, 0]" \
"Smart Things	1476190879842702	52.1.40.122	6	2181	443	1444	18	[60, 54, 123, 54, 123, 60, 139, 123, 60, 123]	[1, 0, 1, 0, 0, 1, 1, 0, 1, 1]" \
"Smart Things	1476190942326076	52.1.40.122	6	2181	443	1044	16	[60, 54, 60, 54, 123, 54, 123, 60, 60, 54]	[1, 0, 1, 0, 1, 0, 0, 1, 1, 0]" \
"Smart Things	1476190967879555	0.0.0.0	17	5298	53	598	2	[72, 526]	[1, 0]" \
"TPLink Router Bridge LAN (Gateway)	1476190967879555	0.0.0.0	17	53	5298	598	2	[72, 526]	[0, 1]" \
"Smart Things	1476190967884469	121.0.0.42	17	5297	123	180	2	[90, 90]	[1, 0]")"
if [ $HAVE_TSHARK = 1 ]; then
    expect "UNSW Smart Things: first record per tshark" \
        "$(tsum "$ST" 'ip.addr==52.1.40.122 && tcp.port==2181 && frame.time_epoch < 1476190870.737972')" "16 1044"
    expect "UNSW Smart Things: DNS record per tshark" "$(tsum "$ST" 'udp.port==5298')" "2 598"
fi
# The gateway's MAC carries every remote host's traffic, but only its own
# LAN traffic is attributed to it: all its records have a local remote.
expect "UNSW gateway only its own LAN traffic" "$(q "SELECT count(*) FILTER (WHERE remote_ip <> '0.0.0.0'), count(*) > 0 FROM read_parquet('$F') WHERE device LIKE 'TPLink Router%'")" "0	true"
expect "UNSW labels" "$(q "SELECT DISTINCT device FROM read_parquet('$F') ORDER BY 1")" "$(printf '%s\n' "Smart Things" "TPLink Router Bridge LAN (Gateway)")"

# --- IoT Sentinel Aria setup, no device list: devices labelled by MAC.
AR=$P/iot/iot-sentinel/Aria_Setup-C-1-STA.pcap
"$CF" -q -o "$TMP/ar" "$AR"
F=$TMP/ar/bidirectional/Aria_Setup-C-1-STA.parquet
# tshark -r AR -Y 'udp.port==67 && eth.src==20:f8:5e:ca:91:52': 5 DHCP frames of 342 bytes,
# the first at 1471527224.205470 to 255.255.255.255; tcp.port==62997: 17 frames, 2403 bytes.
expect "IoT Sentinel Aria: records" "$(q "SELECT epoch_us(first_seen), remote_ip, protocol, device_port, remote_port, total_bytes, total_packets FROM read_parquet('$F') WHERE device = '20:f8:5e:ca:91:52' AND (remote_port = 67 AND remote_ip = '255.255.255.255' OR device_port = 62997)")" "$(printf '%s\n' \
"1471527224205470	255.255.255.255	17	68	67	1710	5" \
"1471527228255941	104.16.65.50	6	62997	80	2403	17")"
if [ $HAVE_TSHARK = 1 ]; then
    expect "IoT Sentinel Aria: HTTP record per tshark" "$(tsum "$AR" 'tcp.port==62997')" "17 2403"
    expect "IoT Sentinel Aria: DHCP record per tshark" "$(tsum "$AR" 'udp.port==67 && eth.src==20:f8:5e:ca:91:52')" "5 1710"
fi
# --- damage in the middle: reported with its byte offset, the packets
# before it kept (MANIFEST: the 3rd block's total length is 0xFFFFFFF0).
MQ=$P/malformed/derived/mqtt_pcapng_bogus_block_total_length.pcapng
"$CF" -o "$TMP/mq" "$MQ" 2>"$TMP/mq.err"
check "mid-file damage: exit 1" test $? -eq 1
check "mid-file damage: byte offset named" grep -q 'mqtt_pcapng_bogus_block_total_length.pcapng: damaged block at byte 584' "$TMP/mq.err"
# Both packets go from 00:0c:00:4d:2c:b0 to the all-zero MAC (tshark): the
# sender is a device, the zero-MAC receiver is not one (no list).
expect "mid-file damage: records of the 2 packets before it" \
    "$(q "SELECT count(*), sum(total_packets) FROM read_parquet('$TMP/mq/bidirectional/mqtt_pcapng_bogus_block_total_length.parquet')")" "2	2"
expect "mid-file damage: recorded in the metadata" \
    "$(q "SELECT decode(value) LIKE '%damaged block at byte 584%' FROM parquet_kv_metadata('$TMP/mq/bidirectional/mqtt_pcapng_bogus_block_total_length.parquet') WHERE decode(key) = 'customflow.input_damaged'")" "true"
finish
