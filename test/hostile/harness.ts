import { spawnSync } from "node:child_process";
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join, relative, resolve } from "node:path";
import { expect } from "vitest";

export const ROOT = resolve(import.meta.dirname, "../..");
export const CLI = join(ROOT, "dist/cli/main.js");
export const SMALL = join(ROOT, "test/fixtures/sweep/small.yaml");
/** Fixed seed of every fuzz test here: a failure reproduces. */
export const FUZZ_SEED = 16_2026;
/** The promise's memory bound: a run that needs more dies (exit 134) and fails the test. */
const HEAP_LIMIT_MB = 1400;

export function requireBuild(): void {
  if (!existsSync(CLI)) throw new Error(`${CLI} missing: npm run build first`);
}

/**
 * A temporary tree whose working directory is three levels down, so a path escaping `results/` by
 * `../../..` still lands inside it, where `escapes()` sees it.
 */
export interface Sandbox {
  root: string;
  cwd: string;
  /** Files present before the command (inputs the test wrote). */
  before: Set<string>;
  /** Files created outside `cwd/results` and not in `allowed` (relative to root). */
  escapes(allowed?: readonly string[]): string[];
  remove(): void;
}

function walk(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) walk(path, out);
    else out.push(path);
  }
  return out;
}

export function sandbox(): Sandbox {
  const root = mkdtempSync(join(tmpdir(), "capsim-hostile-"));
  const cwd = join(root, "a", "b", "c");
  mkdirSync(cwd, { recursive: true });
  const box: Sandbox = {
    root,
    cwd,
    before: new Set(),
    escapes(allowed = []) {
      const results = join(cwd, "results");
      return walk(root)
        .filter((f) => !box.before.has(f) && !f.startsWith(`${results}/`))
        .map((f) => relative(root, f))
        .filter((f) => !allowed.some((a) => f === a || f.startsWith(`${a}/`)));
    },
    remove: () => rmSync(root, { recursive: true, force: true }),
  };
  return box;
}

/** Remembers the files the test put in the sandbox, so only the command's own writes count. */
export function snapshot(box: Sandbox): void {
  box.before = new Set(walk(box.root));
}

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  ms: number;
}

/** Runs the built CLI with a bounded heap and a time limit. */
export function capsim(args: readonly string[], cwd: string, timeoutMs = 60_000): CliResult {
  const started = performance.now();
  const r = spawnSync(process.execPath, [`--max-old-space-size=${HEAP_LIMIT_MB}`, CLI, ...args], {
    cwd,
    encoding: "utf8",
    timeout: timeoutMs,
    maxBuffer: 64 * 1024 * 1024,
    env: { ...process.env, CI: "true", NODE_OPTIONS: "" },
  });
  return {
    code: r.status,
    signal: r.signal,
    stdout: r.stdout,
    stderr: r.stderr,
    ms: performance.now() - started,
  };
}

/**
 * The promise to every input: exit 0 or 2, never a stack trace or "unexpected error", and on exit 2 a
 * message on stderr; nothing written outside results/ unless the arguments named it.
 */
export function expectPromiseKept(
  r: CliResult,
  box: Sandbox,
  what: string,
  allowed: readonly string[] = [],
): void {
  const context = `${what}\nexit ${r.code} (${r.signal ?? "no signal"}) in ${r.ms.toFixed(0)} ms\nstderr: ${r.stderr.slice(0, 2000)}`;
  expect([0, 2], context).toContain(r.code);
  expect(r.stderr, context).not.toMatch(/^\s+at .+:\d+:\d+\)?$/m);
  expect(r.stderr, context).not.toMatch(/capsim: unexpected error/);
  if (r.code === 2) expect(r.stderr.trim(), context).not.toBe("");
  expect(box.escapes(allowed), context).toEqual([]);
}

/**
 * Runs one command line in this process (for breadth: hundreds of inputs in seconds). Output is
 * captured; the working directory is the sandbox's.
 */
export async function capsimInProcess(args: readonly string[], cwd: string): Promise<CliResult> {
  const { runCli } = await import("../../src/cli/program.js");
  const out: string[] = [];
  const err: string[] = [];
  const writeOut = process.stdout.write.bind(process.stdout);
  const writeErr = process.stderr.write.bind(process.stderr);
  const previous = process.cwd();
  process.stdout.write = ((chunk: string | Uint8Array) =>
    out.push(String(chunk)) > 0) as typeof process.stdout.write;
  process.stderr.write = ((chunk: string | Uint8Array) =>
    err.push(String(chunk)) > 0) as typeof process.stderr.write;
  process.exitCode = undefined;
  process.chdir(cwd);
  const started = performance.now();
  let code: number;
  try {
    code = await runCli(["node", "capsim", ...args]);
  } finally {
    process.chdir(previous);
    process.stdout.write = writeOut;
    process.stderr.write = writeErr;
    process.exitCode = undefined;
  }
  return { code, signal: null, stdout: out.join(""), stderr: err.join(""), ms: performance.now() - started };
}

/** The small fixture scenario, written into the sandbox with its model path made absolute. */
export function writeSmallScenario(
  box: Sandbox,
  name = "s.yaml",
  edit: (text: string) => string = (t) => t,
): string {
  const text = readFileSync(SMALL, "utf8").replace(
    /^model: .*$/m,
    `model: ${join(ROOT, "test/model/fixtures/frozen-coder-v2.8.yaml")}`,
  );
  const path = join(box.cwd, name);
  writeFileSync(path, edit(text));
  return path;
}
