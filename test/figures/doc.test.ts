import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { figureTableMarkdown } from "../../src/figures/doc.js";

const DOC = fileURLToPath(new URL("../../docs/metrics.md", import.meta.url));

describe("docs/metrics.md", () => {
  it("shows the figure table exactly as the code defines it (regenerate: npx tsx test/figures/writeDoc.ts)", () => {
    const between = /<!-- figure-table:start -->\n([\s\S]*?)\n<!-- figure-table:end -->/.exec(
      readFileSync(DOC, "utf8"),
    );
    expect(between?.[1]).toBe(figureTableMarkdown());
  });
});
