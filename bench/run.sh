#!/usr/bin/env bash
# Runs Backline's benchmarks. See bench/README.md; current results are in docs/performance.md.
#
#   bench/run.sh ingest [--files 5000] [--per-file 10] [--seed 42] [--runs 2] [--no-embedded] [--profile] [--keep]
#   bench/run.sh lookup [--entities 1000000] [--seed 42] [--exact 2000] [--fuzzy 500] [--words 100] [--budget 150]
#   bench/run.sh docs [--sites 200] [--pages 500] [--queries 200] [--seed 42]
#   bench/run.sh find [--entities 1000000] [--pages 200000] [--rounds 10] [--generated 300] [--baseline 5] [--requests 2000] [--concurrency 50] [--warmup 1000] [--seed 42]
#   bench/run.sh oncall [--requests 100] [--latency 80] [--seed 42]
#   bench/run.sh scaffolder [--files 200] [--runs 7] [--seed 42]
#   bench/run.sh fanout [--channels 1000] [--per-channel 3] [--concurrency 50]
#   bench/run.sh github [--repos 2000] [--latency 20] [--concurrency 8] [--seed 7] [--inference]
#   bench/run.sh health [--teams 1000] [--entities 20000] [--reruns 3] [--seed 42]
#   bench/run.sh mcp [--requests 500] [--cli 30] [--warmup 50] [--seed 42]
#   bench/run.sh serve-memory [--entities 100000] [--requests 4000] [--concurrency 50] [--misspelled 25] [--settle 5] [--seed 42] [--variants serve,default]
#   bench/run.sh generate [--files N] [--per-file K] [--seed S] <folder>
#   bench/run.sh all
#
# Builds the CLI (npm run build, unless BENCH_SKIP_BUILD=1), compiles bench/ with its own tsconfig
# into a scratch folder outside the repository, and runs the compiled JavaScript with node.
# DATABASE_URL set: benchmarks create (and drop) scratch databases on that server.
# Unset: they start a throwaway embedded PostgreSQL with durability off.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
OUT="${BENCH_OUT:-${TMPDIR:-/tmp}/backline-bench-build}"
what="${1:-}"
[ $# -gt 0 ] && shift

case "$what" in
  ingest | lookup | docs | find | oncall | scaffolder | fanout | github | health | mcp | serve-memory | generate | all) ;;
  *) sed -n '2,20p' "$0" | sed 's/^# \{0,1\}//'; exit 2 ;;
esac

cd "$ROOT"
if [ "${BENCH_SKIP_BUILD:-0}" != 1 ]; then
  npm run --silent build
fi
rm -rf "$OUT"
# tsc still emits when src/ has type errors elsewhere; report them but run anyway.
npx tsc -p bench/tsconfig.json --outDir "$OUT" || echo "bench/run.sh: tsc reported type errors (above); running the emitted JavaScript anyway" >&2
# The compiled src/ copy resolves packages, migrations and the demo catalog from its own root.
for link in node_modules migrations examples templates; do
  [ -e "$ROOT/$link" ] && ln -sfn "$ROOT/$link" "$OUT/$link"
done
export BACKLINE_ROOT="$ROOT"

echo "== $(date -u +%FT%TZ) $(nproc) CPUs, load average $(cut -d' ' -f1-3 /proc/loadavg), node $(node --version)"
if git -C "$ROOT" rev-parse --git-dir > /dev/null 2>&1; then
  echo "== measuring $(git -C "$ROOT" log -1 --format='%h %s') + $(git -C "$ROOT" status --porcelain -- src migrations commands | wc -l | tr -d ' ') uncommitted change(s) in src/ migrations/ commands/"
fi
case "$what" in
  generate) node "$OUT/bench/generate.js" "$@" ;;
  ingest) node "$OUT/bench/ingest.bench.js" "$@" ;;
  lookup) node "$OUT/bench/lookup.bench.js" "$@" ;;
  docs) node "$OUT/bench/docs.bench.js" "$@" ;;
  find) node "$OUT/bench/find.bench.js" "$@" ;;
  oncall) node "$OUT/bench/oncall.bench.js" "$@" ;;
  scaffolder) node "$OUT/bench/scaffolder.bench.js" "$@" ;;
  fanout) node "$OUT/bench/fanout.bench.js" "$@" ;;
  github) node "$OUT/bench/github.bench.js" "$@" ;;
  health) node "$OUT/bench/health.bench.js" "$@" ;;
  mcp) node "$OUT/bench/mcp.bench.js" "$@" ;;
  serve-memory) node "$OUT/bench/serve-memory.bench.js" "$@" ;;
  all)
    node "$OUT/bench/ingest.bench.js"
    node "$OUT/bench/lookup.bench.js"
    ;;
esac
echo "== done $(date -u +%FT%TZ), load average $(cut -d' ' -f1-3 /proc/loadavg)"
