import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { InputError } from "../../src/errors.js";
import { resolveSessions } from "../../src/model/features.js";
import { loadScenarioAndModel } from "../../src/model/loadScenarioAndModel.js";
import { busiestWindow, renderRunSummary } from "../../src/report/textSummary.js";
import { runScenario } from "../../src/run/runScenario.js";
import { loadScenario } from "../../src/scenario/index.js";
import { metric, modelWith, replicate, scenarioFrom, values } from "./featureHelpers.js";

const ROOT = resolve(import.meta.dirname, "../..");

/** Builds take 30 s, agents connect 5 s after: every workspace is up within a minute or two. */
const fast = modelWith({
  "provisioner.build_duration_s": 30,
  "provisioner.delete_duration_s": 10,
  "agent.connect_delay_s": 5,
});

describe("the session mix (workload.sessions)", () => {
  it("holds users x share x active fraction sessions active on average (95 % CI over replications)", () => {
    // 200 users all working from 0 s for the whole hour; the window starts at 600 s when all are up.
    // ssh: 3/4 of users, active 60 s / idle 240 s (exponential): 200 x 0.75 x 0.2 = 30 active.
    // web_terminal: 1/4, active 30 s / idle 30 s: 200 x 0.25 x 0.5 = 25 active.
    const text = `
name: sessions
deployment:
  coder_version: "2.8"
  coderd: {replicas: 2, vcpu: 8, memory_gb: 16}
  provisioners: {count: 100, vcpu: 0.5, memory_gb: 0.5}
  database: {vcpu: 8, memory_gb: 32}
workload:
  users: 200
  agent: {metadata: {items: 0}}
  workday: {duration_s: 4200, start_mean_s: 0, start_spread_s: 0, work_mean_s: 99999, work_spread_s: 0}
  sessions:
    - {kind: ssh, share: 3, active_s: {dist: exponential, mean_s: 60}, idle_s: {dist: exponential, mean_s: 240}}
    - {kind: web_terminal, share: 1, active_s: {dist: exponential, mean_s: 30}, idle_s: {dist: exponential, mean_s: 30}}
stages: []
warmup_s: 600
`;
    const out = runScenario(
      scenarioFrom(text),
      { model: fast, file: "test-model", sha256: "" },
      { replications: 6, seed: 3 },
    );
    const check = (name: string, expected: number) => {
      const m = out.summary.metrics.find((x) => x.name === name)!;
      expect(m.ci95).not.toBeNull();
      expect(expected).toBeGreaterThanOrEqual(m.ci95![0]);
      expect(expected).toBeLessThanOrEqual(m.ci95![1]);
      expect(Math.abs(m.mean! - expected) / expected).toBeLessThan(0.15);
    };
    check('sessions_active_mean{kind="ssh"}', 30);
    check('sessions_active_mean{kind="web_terminal"}', 25);
    check("sessions_active_mean", 55);
  }, 20_000);

  it("expresses the traffic stages' connection bit for bit: an ssh session that is never idle", () => {
    // The workday's one ssh connection carries bytes_per_tick / tick_interval_s x echo (1024 / 0.1 x 2).
    const day = (extra: string) => `
deployment:
  coder_version: "2.8"
  coderd: {replicas: 2, vcpu: 4, memory_gb: 16}
  provisioners: {count: 10, vcpu: 0.5, memory_gb: 0.5}
  database: {vcpu: 4, memory_gb: 16}
workload:
  users: 60
  workday: {duration_s: 3600, start_mean_s: 600, start_spread_s: 300, work_mean_s: 1800, work_spread_s: 600}
${extra}
stages: []
`;
    const plain = replicate(day(""), fast);
    const mixed = replicate(day("  sessions: [{kind: ssh, idle_s: 0, active_bytes_per_s: 20480}]"), fast);
    const {
      sessions_active_mean: _a,
      'sessions_active_mean{kind="ssh"}': _b,
      ...mixedFigures
    } = mixed.figures;
    expect(mixedFigures).toEqual(plain.figures);
    expect(mixed.resources).toEqual(plain.resources);
    expect(mixed.events).toBe(plain.events);
    expect(mixed.figures.sessions_active_mean).toBeGreaterThan(10); // the sessions were there
    const other = replicate(day("  sessions: [{kind: ssh, idle_s: 0, active_bytes_per_s: 20000}]"), fast);
    expect(other.resources).not.toEqual(plain.resources);
  });

  it("refuses a browser kind sent direct: the model keeps it relayed", () => {
    const loaded = scenarioFrom(`
deployment:
  coder_version: "2.8"
  coderd: {replicas: 1, vcpu: 4, memory_gb: 16}
  provisioners: {count: 1, vcpu: 0.5, memory_gb: 0.5}
  database: {vcpu: 4, memory_gb: 16}
workload:
  users: 10
  workday: {duration_s: 3600}
  sessions: [{kind: ssh, direct: true}, {kind: web_terminal, direct: true}]
stages: []
`);
    const sessions = loaded.scenario.workload.sessions!;
    expect(() => resolveSessions(sessions, fast, "s.yaml")).toThrow(
      /s\.yaml: workload\.sessions\.1\.direct: web_terminal sessions cannot go direct/,
    );
    expect(() => resolveSessions([sessions[0]!], fast)).not.toThrow();
  });
});

const weekScenario = (profile: string, extra = "") => `
name: week
deployment:
  coder_version: "2.8"
  coderd: {replicas: 1, vcpu: 4, memory_gb: 16}
  provisioners: {count: 20, vcpu: 0.5, memory_gb: 0.5}
  database: {vcpu: 4, memory_gb: 16}
workload:
  users: 100
  agent: {metadata: {items: 0}}
  day_profile: ${profile}
${extra}
stages: []
scrape_interval_s: 60
`;

function folderWith(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), "capsim-profile-"));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(dir, name, ".."), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  return dir;
}

const csv = (users: (k: number) => string) =>
  `time,users\n${Array.from({ length: 96 }, (_, k) => {
    const m = k * 15;
    return `${String(Math.floor(m / 60)).padStart(2, "0")}:${String(m % 60).padStart(2, "0")},${users(k)}`;
  }).join("\n")}\n`;

describe("the day profile (workload.day_profile)", () => {
  it("reads a CSV of users per 15 minutes beside the scenario into its 96 values", () => {
    const dir = folderWith({
      "s.yaml": weekScenario("profiles/mine.csv"),
      "profiles/mine.csv": csv((k) => String(k >= 36 && k < 68 ? 40 : 0)),
    });
    const loaded = loadScenario(join(dir, "s.yaml"));
    const profile = loaded.scenario.workload.day_profile as number[];
    expect(profile).toHaveLength(96);
    expect(profile[35]).toBe(0);
    expect(profile[36]).toBe(40);
    expect(profile.reduce((a, b) => a + b, 0)).toBe(32 * 40);
    // The shipped default is a name.
    const office = loadScenario(join(folderWith({ "o.yaml": weekScenario("office") }), "o.yaml"));
    expect(Math.max(...(office.scenario.workload.day_profile as number[]))).toBe(100);
  });

  it("positions a bad row as file:line:col: column: what is wrong, and quotes none of it", () => {
    const dir = folderWith({
      "s.yaml": weekScenario("p.csv"),
      "p.csv": csv((k) => (k === 10 ? "secret-text" : "5")),
    });
    const error = (() => {
      try {
        loadScenario(join(dir, "s.yaml"));
      } catch (e) {
        return e as InputError;
      }
      throw new Error("no error");
    })();
    expect(error).toBeInstanceOf(InputError);
    // Row of slot 10 (02:30) is line 12; its users cell starts at column 7.
    expect(error.message).toBe(`${join(dir, "p.csv")}:12:7: users: expected a number of users, 0 or more`);
    expect(error.message).not.toContain("secret");
  });

  it("refuses a wrong header, missing rows and a path out of the scenario's folder", () => {
    const short = csv(() => "1")
      .split("\n")
      .slice(0, 50)
      .join("\n");
    const cases: [string, RegExp][] = [
      ["when,count\n00:00,1\n", /p\.csv:1:1: not a day-profile CSV: expected the header `time,users`/],
      [short, /p\.csv:51:1: expected 96 rows \(00:00 to 23:45\), got 49/],
      [csv(() => "0"), /p\.csv:2:1: users: every slot is 0/],
    ];
    for (const [text, message] of cases) {
      const dir = folderWith({ "s.yaml": weekScenario("p.csv"), "p.csv": text });
      expect(() => loadScenario(join(dir, "s.yaml"))).toThrow(message);
    }
    const outside = folderWith({ "in/s.yaml": weekScenario("../p.csv"), "p.csv": csv(() => "1") });
    expect(() => loadScenario(join(outside, "in/s.yaml"))).toThrow(
      /s\.yaml: workload\.day_profile: the file must be inside the scenario's folder/,
    );
    const absolute = folderWith({ "s.yaml": weekScenario("/etc/passwd") });
    expect(() => loadScenario(join(absolute, "s.yaml"))).toThrow(/not an absolute one/);
  });
});

describe("the week (day profile, weekends)", () => {
  it("follows the profile day by day, and the weekend at its share", () => {
    // A flat profile from 09:00 to 17:00: 60 users wanted on weekdays, 6 on Saturday and Sunday.
    const flat = `[${Array.from({ length: 96 }, (_, k) => (k >= 36 && k < 68 ? 1 : 0)).join(", ")}]`;
    const rep = replicate(
      weekScenario(flat, "  week: {days: 7, peak_active_pct: 60, weekend_active_pct: 10}"),
      fast,
    );
    const working = values(rep, "capsim_workday_working_users");
    const cpu = values(rep, "process_cpu_seconds_total", { job: "coder" });
    const day = (d: number) => ({ from: d * 1440 + 13 * 60, to: d * 1440 + 16 * 60 }); // 13:00-16:00, in scrapes
    const peak = (d: number) => Math.max(...working.slice(day(d).from, day(d).to));
    const cpuRate = (d: number) => (cpu[day(d).to]! - cpu[day(d).from]!) / (3 * 3600);
    for (const d of [0, 1, 2, 3, 4]) expect(peak(d)).toBe(60);
    for (const d of [5, 6]) expect(peak(d)).toBe(6);
    expect(Math.max(...working.slice(2 * 60, 7 * 60))).toBe(0); // nobody at night
    expect(cpuRate(5)).toBeLessThan(0.5 * cpuRate(0));
    expect(rep.figures.workday_working_peak).toBe(60);
    const busiest = rep.figures.busiest_window_start_s!;
    expect(busiest % 86400).toBeGreaterThanOrEqual(9 * 3600);
    expect(Math.floor(busiest / 86400)).toBeLessThan(5); // a weekday
  }, 20_000);
});

describe("regions on their own clocks (geography.regions[].day_offset_h)", () => {
  it("a region eight hours ahead works while the primary sleeps", () => {
    const flat = `[${Array.from({ length: 96 }, (_, k) => (k >= 36 && k < 68 ? 1 : 0)).join(", ")}]`;
    const text = `${weekScenario(flat, "  week: {days: 1, peak_active_pct: 60}")}
geography:
  regions:
    - {name: home, users_pct: 50}
    - {name: far, users_pct: 50, day_offset_h: 8}
  rtt_ms:
    - {from: home, to: far, rtt_ms: 150}
`;
    const working = values(replicate(text, fast), "capsim_workday_working_users");
    const at = (hour: number) => working[hour * 60 + 30]!; // one scrape a minute
    expect(at(5)).toBe(30); // far's 13:00: its 30 of 50 users work
    expect(at(13)).toBe(30); // home's 13:00: far has gone home
    expect(at(20)).toBe(0);
  }, 20_000);
});

describe("scenarios/week-3000.yaml, shortened", () => {
  it("runs, prices every component and names the busiest 15 minutes", () => {
    const { loaded, model } = loadScenarioAndModel(join(ROOT, "scenarios/week-3000.yaml"), [
      "workload.users=120",
      "workload.week.days=2",
      "workload.insights.users=5",
      "workspace_nodes.autoscaler.min_nodes=1",
    ]);
    const out = runScenario(loaded, model, { replications: 1 });
    const s = out.summary;
    expect(Object.keys(s.cost.per_month.components)).toEqual([
      "coderd",
      "provisioners",
      "database",
      "workspace_nodes",
      "workspace_proxies",
      "control_plane",
    ]);
    expect(s.cost.per_month.components.workspace_nodes).toBeGreaterThan(0);
    // 120 x 60 % at most; eu-west's 30 % work five hours ahead, so the two peaks do not coincide.
    expect(metric(out, "workday_working_peak")).toBeLessThan(72);
    expect(metric(out, "workday_working_peak")).toBeGreaterThanOrEqual(0.7 * 72);
    expect(metric(out, "workspace_rebuilds")).toBeGreaterThan(0);
    expect(metric(out, "insights_loads")).toBeGreaterThan(0);
    expect(metric(out, 'sessions_active_mean{kind="jetbrains"}')).toBeGreaterThan(0);
    expect(busiestWindow(s)).toMatch(
      /^Busiest 15 minutes: (Mon|Tue) \d\d:\d\d-\d\d:\d\d: coderd \(all replicas\) /,
    );
    expect(renderRunSummary(s)).toContain("Cost per month");
  }, 20_000);
});

describe("capsim run with a bad day profile", () => {
  it("exits 2 with the positioned message (needs npm run build)", () => {
    const dir = folderWith({
      "s.yaml": weekScenario("p.csv"),
      "p.csv": csv((k) => (k === 3 ? "-1" : "2")),
    });
    const run = spawnSync(process.execPath, [join(ROOT, "dist/cli/main.js"), "run", join(dir, "s.yaml")], {
      encoding: "utf8",
    });
    expect(run.status).toBe(2);
    expect(run.stderr).toContain(`${join(dir, "p.csv")}:5:7: users: expected a number of users, 0 or more`);
  });
});
