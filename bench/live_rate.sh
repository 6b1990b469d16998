#!/usr/bin/env bash
# Live capture rate: how fast can customflow -i take packets off a veth
# without kernel drops, next to tcpdump -w /dev/null and nfpcapd -i on the
# same veth in the same run. Not a CI test (timings); needs root.
#
#   bench/live_rate.sh [--packets N] [--rates "R1 R2 ..."] [--seconds S]
#
# Two network namespaces made here, a veth pair between them (offloads
# off). A synthetic capture (cf-gencap --preset flood: many short flows, the
# hard case for customflow) is rewritten with tcprewrite into 10.78.0.0/16
# and the veth's MAC addresses, then replayed with tcpreplay from namespace
# A into the veth: at fixed packet rates (S seconds each) and at top speed
# (all N packets). The capturing tool listens on the far end in namespace
# B, where no address of 10.78.0.0/16 exists and forwarding is off, so the
# replayed frames end there. Per tool and rate: packets sent, packets the
# kernel passed to the tool's socket (received), and dropped because its
# ring was full (pcap_stats ps_drop; nfpcapd: its own count). Every tool
# keeps its default kernel buffer (customflow and tcpdump: libpcap's 2 MiB;
# nfpcapd: 20 MiB) unless CF_BUFFER_MIB is set for customflow (-B). TOOLS
# (default "customflow tcpdump nfpcapd") picks the tools.
set -uo pipefail
cd "$(dirname "$0")/.."
PACKETS=300000
RATES="10000 25000 50000 100000 200000"
SECONDS_EACH=2
TOOLS=${TOOLS:-customflow tcpdump nfpcapd}
while [ $# -gt 0 ]; do
    case $1 in
    --packets) PACKETS=$2; shift ;;
    --rates) RATES=$2; shift ;;
    --seconds) SECONDS_EACH=$2; shift ;;
    *) echo "usage: bench/live_rate.sh [--packets N] [--rates \"R ...\"] [--seconds S]" >&2; exit 2 ;;
    esac
    shift
done
[ "$(id -u)" -eq 0 ] || { echo "live_rate: needs root (network namespaces)" >&2; exit 2; }
for c in ip ethtool nsenter tcpreplay tcprewrite tcpdump capinfos nfpcapd; do
    command -v $c >/dev/null || { echo "live_rate: $c missing (apt-get install iproute2 ethtool tcpreplay tcpdump nfdump)" >&2; exit 2; }
done
B=build
CF=$PWD/$B/customflow
[ -x "$CF" ] || { echo "live_rate: build first (make)" >&2; exit 2; }

ID=$$
NSA=cf-rate-$ID-a
NSB=cf-rate-$ID-b
VA=cfra$ID
VB=cfrb$ID
W=$(mktemp -d /tmp/cf-live-rate.XXXXXX)
TOOL_PID=
cleanup() {
    [ -n "$TOOL_PID" ] && kill -KILL "$TOOL_PID" 2>/dev/null
    wait 2>/dev/null
    ip netns del "$NSA" 2>/dev/null
    ip netns del "$NSB" 2>/dev/null
    rm -rf "$W"
}
trap cleanup EXIT
inA=(nsenter --net="/run/netns/$NSA")
inB=(nsenter --net="/run/netns/$NSB")

ip netns add "$NSA" && ip netns add "$NSB" &&
    ip link add "$VA" netns "$NSA" type veth peer name "$VB" netns "$NSB" || exit 1
for side in "$NSA $VA 10.77.0.1/24" "$NSB $VB 10.77.0.2/24"; do
    set -- $side
    ip netns exec "$1" sysctl -qw "net.ipv6.conf.$2.disable_ipv6=1"
    ip -n "$1" addr add "$3" dev "$2"
    ip -n "$1" link set "$2" up
    ip netns exec "$1" ethtool -K "$2" gro off gso off tso off tx off >/dev/null 2>&1
done
MAC_A=$(ip -n "$NSA" -o link show "$VA" | sed -E 's/.*link\/ether ([0-9a-f:]+).*/\1/')
MAC_B=$(ip -n "$NSB" -o link show "$VB" | sed -E 's/.*link\/ether ([0-9a-f:]+).*/\1/')

# The replayed capture: IPv4 only, addresses moved into 10.78.0.0/16, the
# veth's MACs, checksums fixed.
$B/cf-gencap --preset flood --max-packets "$PACKETS" -o "$W/gen.pcap" >/dev/null 2>&1
tcpdump -n -r "$W/gen.pcap" -w "$W/ip.pcap" ip 2>/dev/null
tcprewrite --infile="$W/ip.pcap" --outfile="$W/replay.pcap" --pnat=0.0.0.0/0:10.78.0.0/16 \
    --enet-smac="$MAC_A" --enet-dmac="$MAC_B" --fixcsum
NPKT=$(capinfos -M -c "$W/replay.pcap" | sed -nE "s/^Number of packets: *([0-9]+).*/\1/p")

# run TOOL RATE: one replay while TOOL captures on $VB; prints
# "sent received dropped" (received/dropped "-" when the tool does not say).
run() {
    local tool=$1 rate=$2 out=$W/out-$1 log=$W/log
    rm -rf "$out" && mkdir -p "$out"
    case $tool in
    customflow) "${inB[@]}" "$CF" ${CF_BUFFER_MIB:+-B $CF_BUFFER_MIB} -i "$VB" -o "$out" >"$log" 2>&1 & ;;
    tcpdump) "${inB[@]}" tcpdump -Z root -i "$VB" -w /dev/null >"$log" 2>&1 & ;;
    nfpcapd) "${inB[@]}" nfpcapd -v -i "$VB" -w "$out" >"$log" 2>&1 & ;;
    esac
    TOOL_PID=$!
    sleep 1
    local args=(--topspeed)
    [ "$rate" != top ] && args=(--pps="$rate" --limit=$((rate * SECONDS_EACH)))
    "${inA[@]}" tcpreplay -i "$VA" "${args[@]}" "$W/replay.pcap" >"$W/replay.log" 2>&1
    sleep 1
    kill -TERM "$TOOL_PID"
    wait "$TOOL_PID"
    TOOL_PID=
    local sent rec drop
    sent=$(sed -nE 's/.*Successful packets: *([0-9]+).*/\1/p' "$W/replay.log")
    case $tool in
    customflow)
        rec=$(sed -nE 's/.*kernel: received ([0-9]+), dropped ([0-9]+).*/\1/p' "$log")
        drop=$(sed -nE 's/.*kernel: received ([0-9]+), dropped ([0-9]+).*/\2/p' "$log") ;;
    tcpdump)
        rec=$(sed -nE 's/^([0-9]+) packets received by filter.*/\1/p' "$log")
        drop=$(sed -nE 's/^([0-9]+) packets dropped by kernel.*/\1/p' "$log") ;;
    nfpcapd)
        # Its last "Stat: received: N, dropped by OS/Buffer: M" line (-v).
        rec=$(sed -nE 's/.*Stat: received: ([0-9]+), dropped by OS\/Buffer: ([0-9]+).*/\1/p' "$log" | tail -1)
        drop=$(sed -nE 's/.*Stat: received: ([0-9]+), dropped by OS\/Buffer: ([0-9]+).*/\2/p' "$log" | tail -1) ;;
    esac
    echo "${sent:--} ${rec:--} ${drop:--}"
    if [ "$rate" = top ]; then
        sed -nE 's/.*Rated: .* ([0-9.]+) pps.*/\1/p' "$W/replay.log" | head -1 >"$W/top-pps-$tool"
    fi
}

echo "live_rate: $NPKT packets (cf-gencap --preset flood, IPv4, rewritten), rates: $RATES pps for ${SECONDS_EACH} s each, then top speed"
printf '| tool | rate (pps) | sent | received | dropped |\n| --- | ---: | ---: | ---: | ---: |\n'
declare -A best topshare toprate
for tool in $TOOLS; do
    best[$tool]=none
    for rate in $RATES top; do
        read -r sent rec drop <<<"$(run $tool $rate)"
        printf '| %s | %s | %s | %s | %s |\n' "$tool" "$rate" "$sent" "$rec" "$drop"
        if [ "$rate" = top ]; then
            toprate[$tool]=$(cat "$W/top-pps-$tool" 2>/dev/null)
            if [ "$drop" != - ] && [ "$rec" != - ] && [ "$rec" -gt 0 ]; then
                topshare[$tool]=$(awk -v d="$drop" -v r="$rec" 'BEGIN { printf "%.1f %%", 100 * d / r }')
            else
                topshare[$tool]="n/a"
            fi
        elif [ "$drop" = 0 ]; then
            best[$tool]=$rate
        fi
    done
done
echo
printf '| tool | highest rate tested with 0 kernel drops (pps) | top speed reached by tcpreplay (pps) | drop share at top speed |\n| --- | ---: | ---: | ---: |\n'
for tool in $TOOLS; do
    printf '| %s | %s | %s | %s |\n' "$tool" "${best[$tool]}" "${toprate[$tool]:--}" "${topshare[$tool]}"
done
