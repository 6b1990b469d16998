#!/usr/bin/env bash
# Submits the plan in OUT (written by `customflow plan -o OUT ...`) to
# Slurm: a job array of its N tasks and, depending on it (afterok), the
# summary job. Extra arguments go to both sbatch calls (--partition,
# --time, --account...); MAX_RUNNING=K limits the array to K tasks at once
# (--array=0-N-1%K). Slurm's own output of each element goes to
# OUT/tasks/slurm-JOB_K.out; the job ids are appended to OUT/tasks/jobs
# (resubmit-failed.sh reads them). Prints the two job ids. ARRAY=LIST
# submits only those indices (resubmit-failed.sh: "3,7,12").
#
#   scripts/slurm/submit.sh OUT [SBATCH OPTIONS...]
set -eu
OUT=${1:?usage: submit.sh OUT [SBATCH OPTIONS...]}
shift
HERE=$(cd "$(dirname "$0")" && pwd)
OUT=$(cd "$OUT" && pwd)
[ -f "$OUT/plan.tsv" ] || { echo "submit: $OUT/plan.tsv: no plan (run customflow plan -o $OUT ...)" >&2; exit 2; }
N=$(grep -c '^task	' "$OUT/plan.tsv" || true)
[ "$N" -gt 0 ] || { echo "submit: $OUT/plan.tsv has no tasks" >&2; exit 2; }
mkdir -p "$OUT/tasks"
array=$(sbatch --parsable --array="${ARRAY:-0-$((N - 1))}${MAX_RUNNING:+%$MAX_RUNNING}" \
    --output="$OUT/tasks/slurm-%A_%a.out" "$@" "$HERE/customflow.sbatch" "$OUT")
array=${array%%;*}
summary=$(sbatch --parsable --dependency="afterok:$array" --kill-on-invalid-dep=yes \
    --output="$OUT/tasks/summary-%j.out" "$@" "$HERE/summary.sbatch" "$OUT")
summary=${summary%%;*}
echo "$array $summary" >>"$OUT/tasks/jobs"
echo "$array $summary"
