import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeEach, describe, expect, it, vi } from "vitest";

/** A disk that takes at most 7 bytes per write, and fails with ENOSPC once `budget` bytes are written. */
const disk = vi.hoisted(() => ({ budget: Number.POSITIVE_INFINITY, writes: 0 }));

vi.mock("node:fs", async (importOriginal) => {
  const fs = await importOriginal<typeof import("node:fs")>();
  const writeSync = (fd: number, buffer: Uint8Array, offset = 0, length = buffer.length - offset): number => {
    if (disk.budget <= 0)
      throw Object.assign(new Error("ENOSPC: no space left on device, write"), {
        code: "ENOSPC",
        syscall: "write",
      });
    const n = Math.min(7, length, disk.budget);
    disk.budget -= n;
    disk.writes++;
    return fs.writeSync(fd, buffer, offset, n);
  };
  return { ...fs, default: { ...fs, writeSync }, writeSync };
});

const { DurableAppender, csvLine } = await import("../../src/sweep/csvFile.js");
const { writeFileAtomic } = await import("../../src/output/atomicFile.js");

const dir = mkdtempSync(join(tmpdir(), "capsim-short-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
beforeEach(() => {
  disk.budget = Number.POSITIVE_INFINITY;
  disk.writes = 0;
});

describe("short writes", () => {
  it("an append carries on until the whole row is written", () => {
    const path = join(dir, "rows.csv");
    writeFileSync(path, "point,a\n");
    const appender = new DurableAppender(path);
    appender.append(["0", "a value longer than one short write"]);
    appender.close();
    expect(readFileSync(path, "utf8")).toBe(
      `point,a\n${csvLine(["0", "a value longer than one short write"])}`,
    );
    expect(disk.writes).toBeGreaterThan(3);
  });

  it("a disk that fills mid-row leaves no half row behind", () => {
    const path = join(dir, "full.csv");
    writeFileSync(path, "point,a\n0,x\n");
    const appender = new DurableAppender(path);
    disk.budget = 10;
    expect(() => appender.append(["1", "a row that does not fit"])).toThrow(/ENOSPC/);
    appender.close();
    expect(readFileSync(path, "utf8")).toBe("point,a\n0,x\n");
  });

  it("an atomic write is whole or absent", () => {
    const path = join(dir, "summary.json");
    writeFileAtomic(path, "first version, long enough for several writes\n");
    disk.budget = 12;
    expect(() => writeFileAtomic(path, "second version that will not fit\n")).toThrow(/ENOSPC/);
    expect(readFileSync(path, "utf8")).toBe("first version, long enough for several writes\n");
  });
});
