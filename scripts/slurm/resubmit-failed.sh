#!/usr/bin/env bash
# Resubmits only the tasks of the plan in OUT that did not finish: those
# whose OUT/tasks/K.status is missing (never ran, killed) or holds a
# non-zero exit status, then a new summary job depending on them. Refuses
# while a job of OUT/tasks/jobs is still queued or running (its tasks have
# no status yet). Extra arguments go to sbatch as in submit.sh. Prints the
# indices resubmitted and the job ids; "all N tasks done" when none is left.
#
#   scripts/slurm/resubmit-failed.sh OUT [SBATCH OPTIONS...]
set -eu
OUT=${1:?usage: resubmit-failed.sh OUT [SBATCH OPTIONS...]}
shift
HERE=$(cd "$(dirname "$0")" && pwd)
OUT=$(cd "$OUT" && pwd)
[ -f "$OUT/plan.tsv" ] || { echo "resubmit: $OUT/plan.tsv: no plan" >&2; exit 2; }
N=$(grep -c '^task	' "$OUT/plan.tsv" || true)
if [ -s "$OUT/tasks/jobs" ]; then
    # Summary jobs still pending on a failed array never run: cancel them.
    ids=$(tr ' ' '\n' <"$OUT/tasks/jobs" | paste -sd, -)
    active=$(squeue -h -j "$ids" -o '%i %j %T' 2>/dev/null || true)
    if echo "$active" | grep -v '^$' | grep -qv ' customflow-summary '; then
        echo "resubmit: tasks of $OUT are still queued or running:" >&2
        echo "$active" >&2
        exit 2
    fi
    for id in $(echo "$active" | awk '$2 == "customflow-summary" {print $1}'); do
        scancel "$id"
    done
fi
failed=()
for ((k = 0; k < N; k++)); do
    st=$OUT/tasks/$k.status
    if [ ! -f "$st" ] || [ "$(cut -f1 "$st")" != 0 ]; then failed+=("$k"); fi
done
if [ ${#failed[@]} -eq 0 ]; then
    echo "all $N tasks done"
    exit 0
fi
list=$(IFS=,; echo "${failed[*]}")
echo "resubmitting ${#failed[@]} of $N tasks: $list"
ARRAY=$list exec "$HERE/submit.sh" "$OUT" "$@"
