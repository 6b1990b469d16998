#!/usr/bin/env bash
# Installs what building and testing customflow needs on Debian 12, skipping
# what is already there: build tools and libraries from Debian (the live
# capture test needs ip netns, ethtool, tcpdump, nsenter and /usr/bin/python3;
# the stdin test the zstd command), the test readers (DuckDB, hyparquet,
# parquet-wasm) from the npm registry.
set -euo pipefail
cd "$(dirname "$0")/.."
need=()
for p in build-essential pkg-config libpcap-dev libzstd-dev zlib1g-dev libsnappy-dev libxxhash-dev xxhash clang \
    libclang-rt-14-dev tshark valgrind time gnuplot-nox \
    iproute2 ethtool tcpdump util-linux python3 zstd; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || need+=("$p")
done
command -v node >/dev/null && command -v npm >/dev/null || need+=(nodejs npm)
if [ ${#need[@]} -gt 0 ]; then
    echo "setup: installing ${need[*]}"
    SUDO=; [ "$(id -u)" -eq 0 ] || SUDO=sudo
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need[@]}" >/dev/null
fi
# A two-node Slurm cluster for tests/e2e/slurm.sh (tests/cluster/slurm-up.sh
# runs the daemons itself: no systemd, no cgroups).
slurm=()
for p in slurmctld slurmd slurm-client munge; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || slurm+=("$p")
done
if [ ${#slurm[@]} -gt 0 ]; then
    echo "setup: installing ${slurm[*]}"
    SUDO=; [ "$(id -u)" -eq 0 ] || SUDO=sudo
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get -o DPkg::Lock::Timeout=600 install -y -qq \
        --no-install-recommends "${slurm[@]}" >/dev/null
fi
if [ -f tests/readers/package-lock.json ] && [ ! -d tests/readers/node_modules ]; then
    echo "setup: installing the test readers (npm ci)"
    npm ci --prefix tests/readers --no-audit --no-fund --loglevel=error >/dev/null
fi
