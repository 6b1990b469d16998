#!/usr/bin/env bash
# The names lib/names reads from real captures (tests/tools/namedump) against
# tshark's dissection of the same frames (tests/e2e/names_tshark.py: DNS and
# mDNS answers with their CNAME chains, TLS server_name, HTTP Host), plus
# hand-checked examples. Runs a set of captures chosen to cover unicast DNS
# with CNAMEs, mDNS, IPv6, TLS and HTTP on several link types, tunnels
# (names in inner packets are left out) and a malformed DNS capture;
# NAMES_TSHARK_ALL=1 runs every capture of the MANIFEST (about 80 s).
# Skips when ../shared or tshark is absent.
. "$(dirname "$0")/common.sh"
P=$SHARED_DIR/pcaps
DUMP=$B/tests/tools/namedump
PY=/usr/bin/python3
if [ -z "$SHARED_DIR" ] || [ ! -d "$P" ]; then
    skip "../shared/pcaps absent: names not compared with tshark"
    finish; exit
fi
if ! command -v tshark >/dev/null; then
    skip "tshark not installed: names not compared with tshark"
    finish; exit
fi

# --- hand-checked examples (each read off tshark -V of the frame named)
# name FILE FRAME LINE: namedump gives LINE (tab-separated) for FRAME.
name() {
    local got
    got=$("$DUMP" "$P/$1" | awk -F'\t' -v f="$2" '$1 == f' | cut -f2-)
    if grep -qxF "$3" <<<"$got"; then pass; else fail "$1 frame $2: want '$3', got '$got'"; fi
}
# unicast DNS, the A record on the CNAME's target, reported under the question
name iot/iot-sentinel/HueBridge_Setup-A-2-STA.pcap 266 $'dns\tbridge.meethue.com\t74.125.34.157'
# HTTP Host with its port as sent
name iot/iot-sentinel/HueBridge_Setup-A-2-STA.pcap 87 $'host\twww.ecdinterface.philips.com:80'
# a request head whose first segment holds only "POST "
name iot/iot-sentinel/HueBridge_Setup-A-2-STA.pcap 270 $'host-truncated'
# mDNS announcement, no question, AAAA under its own name (IPv6 transport)
name iot/protocols/ipfixprobe_dnssd_mdns.pcap 3 $'dns\tDESKTOP-M3JAMSQ.local\tfe80::ec52:6068:b200:3197'
# TLS server_name in a retransmitted ClientHello (pcapng)
name iot/protocols/alexa-app.pcapng 603 $'sni\tpitangui.amazon.com'
# AAAA answer in an Android capture
name iot/protocols/alexa-app.pcapng 16 $'dns\tconnectivitycheck.android.com\t2607:f8b0:4000:813::200e'

# --- every name of the chosen captures against tshark
if [ "${NAMES_TSHARK_ALL:-0}" = 1 ]; then
    caps=$(tail -n +2 "$P/MANIFEST.tsv" | cut -f1)
else
    caps="general/android.pcap general/iphone.pcap general/http_ipv6.pcap
          general/pcpp_DnsPackets.pcap general/6in4tunnel.pcap general/vxlan.pcap
          iot/iot-lifecycle/xiaodu_plug.pcap iot/iot-sentinel/HueBridge_Setup-A-2-STA.pcap
          iot/iot-sentinel/D-LinkHomeHub_Setup-C-3-STA.pcap
          iot/iot-sentinel/WeMoInsightSwitch_Setup-A-9-STA.pcap iot/protocols/alexa-app.pcapng
          iot/protocols/ipfixprobe_dnssd_mdns.pcap iot/unsw/Two-IOT161012-node2_SmartThings.pcap
          linktypes/rawip_ocs.pcap linktypes/sll_KakaoTalk_chat.pcap linktypes/ppi_http.pcap
          malformed/ndpi_malformed_dns.pcap"
fi
files=()
for c in $caps; do [ -f "$P/$c" ] && files+=("$P/$c"); done
out=$("$PY" tests/e2e/names_tshark.py "$DUMP" "${files[@]}")
st=$?
echo "$out"
check "namedump and tshark give the same names" test $st -eq 0
# the comparison must have compared something of each kind
for kind in "DNS addresses" SNI Host; do
    n=$(grep '^names compared:' <<<"$out" | grep -oE "[0-9]+ $kind" | cut -d' ' -f1)
    check "names compared include $kind (${n:-none})" test "${n:-0}" -gt 0
done
finish
