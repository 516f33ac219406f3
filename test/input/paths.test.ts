import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { InputError } from "../../src/errors.js";
import { checkOutputDirectory, checkOutputFile, defaultOutputDir, safeSlug } from "../../src/input/paths.js";
import { writeFileAtomic } from "../../src/output/atomicFile.js";

const dir = mkdtempSync(join(tmpdir(), "capsim-paths-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const refusal = (f: () => void): string => {
  try {
    f();
  } catch (error) {
    if (error instanceof InputError) return error.message;
    throw error;
  }
  return "";
};

describe("default output names stay in results/", () => {
  it.each([
    ["scaletest-2000", "scaletest-2000"],
    ["coder v2.8", "coder-v2.8"],
    ["../../etc", "etc"],
    ["..", "unnamed"],
    ["/abs/path", "abs-path"],
    [".hidden", "hidden"],
    ["a/../../b", "a-b"],
    ["\u001b[31m", "31m"],
    ["ｆｕｌｌ／ｗｉｄｔｈ", "full-width"],
    ["", "unnamed"],
  ])("%j → %j", (name, slug) => {
    expect(safeSlug(name)).toBe(slug);
    expect(defaultOutputDir(name, dir)).toBe(join(dir, "results", slug));
  });

  it("is at most 100 characters", () => {
    expect(safeSlug("x".repeat(500))).toHaveLength(100);
  });
});

describe("output checks before any work", () => {
  it("accepts a new folder under a writable one and leaves nothing behind", () => {
    const before = readdirSync(dir);
    checkOutputDirectory(join(dir, "new", "deeper"), "--out");
    checkOutputFile(join(dir, "new", "file.json"), "--out");
    expect(readdirSync(dir)).toEqual(before);
  });

  it("refuses a file where a folder is wanted, a folder where a file is, and unwritable places", () => {
    const file = join(dir, "a-file");
    writeFileSync(file, "x");
    mkdirSync(join(dir, "a-dir"), { recursive: true });
    expect(refusal(() => checkOutputDirectory(file, "--out"))).toBe(
      `--out: ${file} is a file, not a directory`,
    );
    expect(refusal(() => checkOutputDirectory(join(file, "sub"), "--out"))).toBe(
      `--out: ${join(file, "sub")}: ${file} is a file, not a directory`,
    );
    expect(refusal(() => checkOutputFile(join(dir, "a-dir"), "--openmetrics"))).toBe(
      `--openmetrics: ${join(dir, "a-dir")} is a directory; give a file name`,
    );
    expect(refusal(() => checkOutputDirectory("/proc/capsim-test", "--out"))).toMatch(
      /^--out: cannot write \/proc\/capsim-test: /,
    );
    expect(refusal(() => checkOutputFile("/dev/null", "--out", { regularOnly: true }))).toBe(
      "--out: /dev/null is not a regular file",
    );
  });

  it("writes to a device as it is, never renaming over it", () => {
    writeFileAtomic("/dev/null", "discarded\n");
    expect(statSync("/dev/null").isCharacterDevice()).toBe(true);
    expect(refusal(() => checkOutputFile("/dev/null", "--openmetrics"))).toBe("");
  });
});
