import { readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseYamlWithSchema } from "../scenario/yamlDocument.js";
import { type Guidance, guidanceSchema } from "./guidanceSchema.js";

/** Coder's published sizing guidance, shipped with capsim. */
export const GUIDANCE_FILE = resolve(
  dirname(fileURLToPath(import.meta.url)),
  "../../models/guidance/coder-sizing.yaml",
);

let cached: Guidance | undefined;

/** The shipped guidance, read and checked once per process. */
export function coderGuidance(): Guidance {
  cached ??= parseYamlWithSchema(readFileSync(GUIDANCE_FILE, "utf8"), GUIDANCE_FILE, guidanceSchema).value;
  return cached;
}
