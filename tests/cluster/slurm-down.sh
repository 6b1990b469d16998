#!/usr/bin/env bash
# Stops the daemons tests/cluster/slurm-up.sh DIR started, each by the PID
# it recorded in DIR/pids (never by name): SIGTERM, up to 10 s, then
# SIGKILL. Safe to run twice.
set -u
DIR=${1:?usage: slurm-down.sh DIR}
[ -f "$DIR/pids" ] || exit 0
# Jobs still in this cluster (a test that stopped half way) are cancelled
# first, so that no job step outlives its slurmd; this controller is ours
# alone (SLURM_CONF points at it), so "every job" is only the test's.
if [ -f "$DIR/slurm.conf" ] && [ -s "$DIR/pids" ]; then
    export SLURM_CONF=$DIR/slurm.conf
    jobs=$(timeout 5 squeue -h -o %i 2>/dev/null)
    if [ -n "$jobs" ]; then
        timeout 5 scancel $jobs 2>/dev/null
        for _ in $(seq 50); do
            [ -z "$(timeout 5 squeue -h -o %i 2>/dev/null)" ] && break
            sleep 0.1
        done
    fi
fi
# Daemons in reverse order of start: slurmd first, munged last.
tac "$DIR/pids" | while read -r name pid; do
    kill -0 "$pid" 2>/dev/null || continue
    kill -TERM "$pid" 2>/dev/null
    for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    if kill -0 "$pid" 2>/dev/null; then
        echo "slurm-down: $name (pid $pid) ignored SIGTERM; SIGKILL" >&2
        kill -KILL "$pid" 2>/dev/null
    fi
done
: >"$DIR/pids"
