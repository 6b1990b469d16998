#!/usr/bin/env bash
# Brings up a two-node Slurm cluster on this one machine, for tests and
# benchmarks: munged with its own key and socket, slurmctld, and two slurmd
# (nodes n1 and n2, one CPU each) on free ports, everything under DIR, no
# systemd, no cgroups. Needs root and Debian's slurmctld slurmd
# slurm-client munge.
#
#   tests/cluster/slurm-up.sh DIR      # DIR: an empty directory of yours
#   . DIR/env                          # SLURM_CONF for sinfo/sbatch/...
#   tests/cluster/slurm-down.sh DIR    # stops each daemon by its PID
#
# Exits 0 once sinfo shows both nodes idle (a bounded wait); otherwise
# prints the daemons' logs, stops what it started and exits 1. The daemons
# run in the foreground of background shells, so their PIDs (DIR/pids) are
# exact; slurm-down.sh never looks them up by name.
set -u
DIR=${1:?usage: slurm-up.sh DIR}
WAIT_S=${SLURM_UP_WAIT:-40}
HERE=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$DIR" && DIR=$(cd "$DIR" && pwd)
for cmd in munged slurmctld slurmd sinfo; do
    command -v "$cmd" >/dev/null || PATH=$PATH:/usr/sbin
    command -v "$cmd" >/dev/null || { echo "slurm-up: $cmd not installed" >&2; exit 1; }
done
[ "$(id -u)" -eq 0 ] || { echo "slurm-up: needs root (slurmd runs jobs as their user)" >&2; exit 1; }
mkdir -p "$DIR/munge" "$DIR/state" "$DIR/spool" "$DIR/log"
chmod 700 "$DIR/munge"
: >"$DIR/pids"

# N free TCP ports on the loopback: bound by the kernel, released, used.
read -r P_CTL P_N1 P_N2 < <(/usr/bin/python3 - <<'PY'
import socket
socks = [socket.socket() for _ in range(3)]
for s in socks:
    s.bind(("127.0.0.1", 0))
print(*[s.getsockname()[1] for s in socks])
PY
)

dd if=/dev/urandom of="$DIR/munge/munge.key" bs=1024 count=1 status=none
chmod 400 "$DIR/munge/munge.key"
SOCK=$DIR/munge/munge.socket
HOST=$(hostname -s)
cat >"$DIR/slurm.conf" <<CONF
# Written by tests/cluster/slurm-up.sh: a throwaway two-node cluster.
ClusterName=cftest
SlurmctldHost=$HOST(127.0.0.1)
SlurmctldPort=$P_CTL
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
AuthInfo=socket=$SOCK
CredType=cred/munge
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
SchedulerType=sched/backfill
SchedulerParameters=batch_sched_delay=0
MinJobAge=4
KillWait=2
ReturnToService=2
MpiDefault=none
MailProg=/bin/true
StateSaveLocation=$DIR/state
SlurmctldPidFile=$DIR/slurmctld.pid
SlurmctldLogFile=$DIR/log/slurmctld.log
SlurmdSpoolDir=$DIR/spool/%n
SlurmdPidFile=$DIR/slurmd.%n.pid
SlurmdLogFile=$DIR/log/slurmd.%n.log
NodeName=n1 NodeHostname=$HOST NodeAddr=127.0.0.1 Port=$P_N1 CPUs=1 State=UNKNOWN
NodeName=n2 NodeHostname=$HOST NodeAddr=127.0.0.1 Port=$P_N2 CPUs=1 State=UNKNOWN
PartitionName=cf Nodes=n1,n2 Default=YES MaxTime=INFINITE State=UP
CONF
echo "export SLURM_CONF=$DIR/slurm.conf" >"$DIR/env"
export SLURM_CONF=$DIR/slurm.conf

start() { # start NAME COMMAND...: runs it in the foreground of a background shell
    local name=$1; shift
    "$@" >"$DIR/log/$name.out" 2>&1 &
    echo "$name $!" >>"$DIR/pids"
}
fail() {
    echo "slurm-up: $*" >&2
    for f in "$DIR"/log/*; do echo "--- $f" >&2; tail -15 "$f" >&2; done
    "$HERE/slurm-down.sh" "$DIR"
    exit 1
}

start munged munged --foreground --force --key-file="$DIR/munge/munge.key" --socket="$SOCK" \
    --pid-file="$DIR/munge/munged.pid" --log-file="$DIR/log/munged.log" \
    --seed-file="$DIR/munge/munged.seed"
for _ in $(seq 50); do [ -S "$SOCK" ] && break; sleep 0.1; done
[ -S "$SOCK" ] || fail "munged did not create its socket"
start slurmctld slurmctld -D -i -f "$SLURM_CONF"
start slurmd-n1 slurmd -D -N n1 -f "$SLURM_CONF"
start slurmd-n2 slurmd -D -N n2 -f "$SLURM_CONF"

# Both nodes idle, within WAIT_S seconds.
deadline=$((SECONDS + WAIT_S))
while [ $SECONDS -lt $deadline ]; do
    idle=$(timeout 5 sinfo -h -N -o '%N %t' 2>/dev/null | grep -c ' idle$')
    [ "$idle" = 2 ] && { echo "slurm-up: n1 and n2 idle (ports $P_CTL $P_N1 $P_N2)"; exit 0; }
    while read -r name pid; do
        kill -0 "$pid" 2>/dev/null || fail "$name (pid $pid) exited"
    done <"$DIR/pids"
    sleep 0.5
done
fail "nodes not idle after ${WAIT_S}s: $(timeout 5 sinfo -h -N -o '%N %t' 2>&1 | tr '\n' ' ')"
