import type { z } from "zod";
import { InputError } from "../errors.js";
import { jsonIssue, parseJsonText } from "../measured/jsonLocate.js";

/** Parses JSON text against a schema; every problem becomes `file:line:col: path: message` (exit 2). */
export function parseJsonWithSchema<T>(text: string, file: string, schema: z.ZodType<T>): T {
  const raw = parseJsonText(text, file);
  const result = schema.safeParse(raw);
  if (result.success) return result.data;
  throw new InputError(
    result.error.issues.map((issue) =>
      jsonIssue(
        text,
        file,
        issue.path.filter((p): p is string | number => typeof p !== "symbol"),
        issue.message,
      ),
    ),
  );
}
