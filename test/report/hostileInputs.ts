import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { stringify } from "csv-stringify/sync";

/** Strings an attacker would put in a report's input: markup, a script URL, a bidirectional override. */
export const HOSTILE = {
  script: "</script><script>alert(1)</script>",
  link: "javascript:alert(document.domain)",
  markup: '<img src=x onerror="alert(2)">',
  bidi: "\u202eevil",
} as const;

/** A sweep CSV with its sidecar and a comparison JSON, every free-text field hostile. Returns their paths. */
export function writeHostileInputs(dir: string): string[] {
  mkdirSync(dir, { recursive: true });
  const { script, link, markup, bidi } = HOSTILE;
  const sweep = join(dir, "sweep.csv");
  const header = [
    "point",
    `param:${script}`,
    "param:workload.users",
    "api_rps_median@dashboard:mean",
    `${markup}@all:mean`,
    `util:${link}`,
    "bottleneck",
    "bottleneck_utilization",
    "status",
    "error",
  ];
  const rows = [link, bidi, markup].flatMap((label, i) =>
    [100, 200].map((users, j) => [2 * i + j, label, users, users / 10, 1, 0.4, script, 0.4, "ok", ""]),
  );
  rows.push([6, script, 300, "", "", "", "", "", bidi, `${markup} ${link}`]);
  writeFileSync(sweep, stringify([header, ...rows]));
  writeFileSync(`${sweep}.meta.json`, JSON.stringify({ scenario: { name: script, file: link }, note: bidi }));
  const compare = join(dir, "compare.json");
  const row = (metric: string, note: string) => ({
    metric,
    stage: bidi,
    unit: script,
    simulated: { mean: 10, ci95: [9, 11] },
    measured: { value: 12 },
    tolerance: { relative: 0.25 },
    error: 0.2,
    verdict: "pass",
    note,
  });
  writeFileSync(
    compare,
    JSON.stringify({
      scenario: script,
      measured_source: link,
      rows: [row(markup, link), row(script, bidi)],
      not_simulated: [{ metric: link, stage: null, reason: `${markup}${bidi}` }],
    }),
  );
  return [sweep, compare];
}
