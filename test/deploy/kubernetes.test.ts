import { spawnSync } from "node:child_process";
import {
  chmodSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";

// The Kubernetes path without a cluster: the image's entrypoint plus the Jobs' command lines, run here.
const ROOT = resolve(import.meta.dirname, "../..");
const CLI = join(ROOT, "dist/cli/main.js");
const SCENARIO = join(ROOT, "test/fixtures/compare/tiny.yaml");
const TINY = { vary: "workload.users=10..20:10", replications: "1", shards: 2 };

interface EnvVar {
  name: string;
  value?: string;
  valueFrom?: { fieldRef?: { fieldPath: string } };
}
interface Container {
  command?: string[];
  args?: string[];
  env?: EnvVar[];
  volumeMounts?: { name: string; mountPath: string }[];
}
interface Job {
  spec: { completions?: number; completionMode?: string; template: { spec: { containers: Container[] } } };
}

const readJob = (file: string): Job => parse(readFileSync(join(ROOT, "deploy", file), "utf8")) as Job;
const container = (job: Job): Container => job.spec.template.spec.containers[0]!;

/** The Dockerfile's exec-form ENTRYPOINT of the final stage. */
function entrypoint(): string[] {
  const lines = readFileSync(join(ROOT, "Dockerfile"), "utf8").split("\n");
  const line = lines.filter((l) => l.startsWith("ENTRYPOINT ")).at(-1);
  if (!line) throw new Error("Dockerfile has no ENTRYPOINT");
  return JSON.parse(line.slice("ENTRYPOINT ".length)) as string[];
}

/** Kubernetes' `$(VAR)` expansion in command and args (`$$` escapes). */
function expand(arg: string, env: Record<string, string>): string {
  return arg.replace(/\$\$|\$\(([A-Za-z_][A-Za-z0-9_]*)\)/g, (m, name: string | undefined) =>
    m === "$$" ? "$" : name !== undefined && name in env ? env[name]! : m,
  );
}

/** Replaces the value after `option` (which the manifest must have). */
function withOption(args: string[], option: string, value: string): string[] {
  const i = args.indexOf(option);
  if (i < 0) throw new Error(`the manifest's args have no ${option}`);
  return args.map((a, j) => (j === i + 1 ? value : a));
}

/** Maps each volume's mountPath to a directory here. */
function remount(arg: string, mounts: Container["volumeMounts"], dirs: Record<string, string>): string {
  let out = arg;
  for (const m of mounts ?? []) out = out.split(`${m.mountPath}/`).join(`${dirs[m.name]}/`);
  return out;
}

let dir: string;
let binDir: string;
let dirs: Record<string, string>;

/** Runs a container's command line: the image's entrypoint unless `command` overrides it. */
function runContainer(c: Container, args: string[], env: Record<string, string>) {
  const expanded = args.map((a) => remount(expand(a, env), c.volumeMounts, dirs));
  const argv = [...(c.command ?? entrypoint()), ...expanded];
  const r = spawnSync(argv[0]!, argv.slice(1), {
    cwd: dir,
    encoding: "utf8",
    env: { ...process.env, ...env, PATH: `${binDir}${delimiter}${process.env.PATH}`, CI: "true" },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr, argv };
}

/** A pod's env: the Job's declared variables, with the completion-index annotation filled in. */
function podEnv(c: Container, index: number): Record<string, string> {
  const env: Record<string, string> = { JOB_COMPLETION_INDEX: String(index) };
  for (const v of c.env ?? []) {
    const path = v.valueFrom?.fieldRef?.fieldPath;
    if (v.value !== undefined) env[v.name] = v.value;
    else if (path === "metadata.annotations['batch.kubernetes.io/job-completion-index']")
      env[v.name] = String(index);
    else throw new Error(`env ${v.name}: no value to give it here`);
  }
  return env;
}

const dataRows = (file: string) => readFileSync(file, "utf8").trimEnd().split("\n").slice(1);

beforeAll(() => {
  if (!existsSync(CLI)) throw new Error(`${CLI} missing: build first (npm run build)`);
  dir = mkdtempSync(join(tmpdir(), "capsim-k8s-"));
  // `capsim` on PATH, as the image links it.
  binDir = join(dir, "bin");
  mkdirSync(binDir);
  writeFileSync(join(binDir, "capsim"), `#!/bin/sh\nexec "${process.execPath}" "${CLI}" "$@"\n`);
  chmodSync(join(binDir, "capsim"), 0o755);
  dirs = { cfg: join(dir, "cfg"), out: join(dir, "out") };
  for (const d of Object.values(dirs)) mkdirSync(d);
  // The ConfigMap's key scenario.yaml.
  copyFileSync(SCENARIO, join(dirs.cfg!, "scenario.yaml"));
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe("deploy/: the Dockerfile and the Kubernetes Jobs", () => {
  it("the image runs capsim, and the sweep Job is Indexed with one completion per shard", () => {
    expect(entrypoint()).toEqual(["capsim"]);
    const job = readJob("sweep-job.yaml");
    expect(job.spec.completionMode).toBe("Indexed");
    const args = container(job).args!;
    expect(String(job.spec.completions)).toBe(args[args.indexOf("--shards") + 1]);
    expect(args).toContain("--shard-from-env");
  });

  it("two shards from the sweep Job's command line, merged by the merge Job's, equal the unsharded sweep", () => {
    const sweep = container(readJob("sweep-job.yaml"));
    let args = withOption(sweep.args!, "--vary", TINY.vary);
    args = withOption(args, "--replications", TINY.replications);
    args = withOption(args, "--shards", String(TINY.shards));
    args = withOption(args, "--jobs", "1");
    for (let index = 0; index < TINY.shards; index++) {
      const r = runContainer(sweep, args, podEnv(sweep, index));
      expect(r.code, `${r.argv.join(" ")}\n${r.stderr}`).toBe(0);
      expect(existsSync(join(dirs.out!, `shard-${index}.csv`))).toBe(true);
    }
    const merge = container(readJob("merge-job.yaml"));
    const m = runContainer(merge, merge.args!, {});
    expect(m.code, m.stderr).toBe(0);
    expect(m.stdout + m.stderr).toContain("merged 2 files: 2 points");

    const whole = join(dir, "whole.csv");
    const u = spawnSync(
      process.execPath,
      [
        CLI,
        "sweep",
        SCENARIO,
        "--vary",
        TINY.vary,
        "--replications",
        TINY.replications,
        "--jobs",
        "1",
        "--out",
        whole,
      ],
      { cwd: dir, encoding: "utf8", env: { ...process.env, CI: "true" } },
    );
    expect(u.status, u.stderr).toBe(0);
    const merged = join(dirs.out!, "sweep.csv");
    expect(dataRows(merged)).toHaveLength(2);
    expect(dataRows(merged)).toEqual(dataRows(whole));
    expect(readFileSync(merged, "utf8")).toBe(readFileSync(whole, "utf8"));
  });
});
