import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { InputError, printable } from "../../src/errors.js";
import { readInputText } from "../../src/input/readInput.js";

const dir = mkdtempSync(join(tmpdir(), "capsim-input-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const read = (path: string, maxBytes = 1000) => readInputText(path, { what: "scenario", maxBytes });
const message = (f: () => unknown): string => {
  try {
    f();
  } catch (error) {
    if (error instanceof InputError) return error.message;
    throw error;
  }
  throw new Error("expected an InputError");
};

describe("readInputText", () => {
  it("reads a regular file within the cap", () => {
    const path = join(dir, "ok.yaml");
    writeFileSync(path, "name: ok\n");
    expect(read(path)).toBe("name: ok\n");
  });

  it("refuses devices, pipes and directories at once, without reading them", () => {
    const fifo = join(dir, "fifo");
    execFileSync("mkfifo", [fifo]);
    mkdirSync(join(dir, "folder"));
    const started = performance.now();
    expect(message(() => read("/dev/zero"))).toBe(
      "/dev/zero: cannot read: a character device, not a regular file",
    );
    expect(message(() => read(fifo))).toMatch(/: cannot read: a pipe, not a regular file$/);
    expect(message(() => read(join(dir, "folder")))).toMatch(
      /: cannot read: a directory, not a regular file$/,
    );
    expect(performance.now() - started).toBeLessThan(1000);
  });

  it("refuses a file over the cap by its size, naming the option that raises it", () => {
    const path = join(dir, "big.txt");
    writeFileSync(path, "x".repeat(3000));
    expect(
      message(() =>
        readInputText(path, { what: "measured data", maxBytes: 1000, raiseWith: "--max-input-mb" }),
      ),
    ).toBe(
      `${path}: measured data file too large (2.9 KiB; the limit is 1000 B, raise it with --max-input-mb)`,
    );
  });

  it("never reads past the cap even when the size is not known up front (/proc files report 0)", () => {
    expect(message(() => read("/proc/self/maps", 10))).toMatch(/too large \(more than 10 B;/);
  });

  it("says what is missing without the system's error text", () => {
    expect(message(() => read(join(dir, "missing.yaml")))).toMatch(
      /missing\.yaml: cannot read: no such file$/,
    );
  });
});

describe("printable", () => {
  it("escapes control characters and bidi overrides, and cuts long text", () => {
    expect(printable("a\u001b[31mb\nc\u202ed\u0000")).toBe("a\\x1b[31mb\\nc\\u202ed\\x00");
    expect(printable("x".repeat(300), 10)).toBe("xxxxxxxxxx... (290 more characters)");
  });

  it("keeps every InputError on one line per issue, whatever the input", () => {
    const error = new InputError({ file: "f\n.yaml", line: 1, path: "a\rb", message: "bad\u0007\nvalue" });
    expect(error.message).toBe("f\\n.yaml:1: a\\rb: bad\\x07\\nvalue");
  });
});
