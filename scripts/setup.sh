#!/usr/bin/env bash
# Installs what building and testing customflow needs on Debian 12, skipping
# what is already there: build tools and libraries from Debian (the live
# capture test needs ip netns, ethtool, tcpdump, nsenter and /usr/bin/python3;
# the stdin test the zstd command; the summary's figures gnuplot), the test
# readers (DuckDB, hyparquet, parquet-wasm) from the npm registry. The
# packaging tools (debhelper, lintian) build and check the .debs
# (scripts/build-deb.sh); man-db renders the man pages; clang-format checks
# the style; hyperfine times bench/run.sh.
#
#   scripts/setup.sh [--bench]   (--bench: also the benchmark's peers:
#                                 nfdump's nfpcapd, argus, ndpiReader)
set -euo pipefail
cd "$(dirname "$0")/.."
pkgs=(build-essential pkg-config libpcap-dev libzstd-dev zlib1g-dev libsnappy-dev libxxhash-dev
    xxhash clang libclang-rt-14-dev tshark valgrind time clang-format man-db debhelper lintian
    hyperfine git gnuplot-nox iproute2 ethtool tcpdump util-linux python3 zstd)
[ "${1:-}" = --bench ] && pkgs+=(nfdump argus-server libndpi-bin)
need=()
for p in "${pkgs[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || need+=("$p")
done
# The Python package (python/) is built and tested with Debian's own
# Python toolchain, numpy, pandas and pytest.
for p in python3-dev python3-venv python3-pip python3-setuptools python3-wheel python3-numpy \
    python3-pandas python3-pytest; do
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
