// Rewrites the generated figure table in docs/metrics.md: `npx tsx test/figures/writeDoc.ts`.
import { readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { figureTableMarkdown } from "../../src/figures/doc.js";

const doc = fileURLToPath(new URL("../../docs/metrics.md", import.meta.url));
const text = readFileSync(doc, "utf8").replace(
  /<!-- figure-table:start -->\n[\s\S]*?<!-- figure-table:end -->/,
  `<!-- figure-table:start -->\n${figureTableMarkdown()}\n<!-- figure-table:end -->`,
);
writeFileSync(doc, text);
