#!/bin/sh
# The data-volume measurements of 2026-12-07 (docs/model.md, "Statements that grow with the data"), into
# results/measure-db/data-volume-2026-12-07/. Each run logs the 1-min load average before and after
# (`uptime`; the machine's 2 cores are shared by other jobs), then runs capsim measure-db on an embedded
# PostgreSQL 18.4. CPU per execution = the backend's plus its parallel workers' (the postmaster's reaped
# children). Deployment stats: rows in its 15-min window = agents x 30; DAUs: every stats row.
#   DS="1000 2000 4000 6000 8000" DAUS="2000:60 2000:180 2000:480 100:5760" results/measure-db/data-volume-2026-12-07.sh
set -e
cd "$(dirname "$0")/../.."
dir=results/measure-db/data-volume-2026-12-07
mkdir -p "$dir"
run() {
  out=$1; shift
  echo "== $out $(date -u +%FT%TZ) load: $(uptime | sed 's/.*load average: //')"
  node dist/cli/main.js measure-db "$@" --out "$dir/$out.yaml"
  echo "== $out done $(date -u +%FT%TZ) load: $(uptime | sed 's/.*load average: //')"
}
for w in ${DS-1000 2000 4000 6000 8000}; do
  run "deployment-stats-$w" --workspaces "$w" --stats-history-min 20 \
    --only deployment_agent_stats,deployment_workspace_stats --duration-s 30
done
# W:M = W workspaces with M minutes of stats (a row per agent every 30 s); 100:5760 spreads as many rows
# over 4 days of a small fleet (DAU groups = users x days) to see whether the cost is per row.
for wm in ${DAUS-2000:60 2000:180 2000:480 100:5760}; do
  w=${wm%%:*}; m=${wm##*:}
  run "daus-${w}x${m}min" --workspaces "$w" --stats-history-min "$m" \
    --only insights_deployment_daus --duration-s 30
done
