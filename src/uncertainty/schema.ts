import { z } from "zod";

/**
 * The `uncertainty:` and `leaves_out:` sections of a model file (docs/uncertainty.md): how far each
 * uncertain parameter may lie from the model's value, and what the model does not simulate at all.
 */

export const UNCERTAINTY_KINDS = ["fitted", "measured", "assumed"] as const;
export type UncertaintyKind = (typeof UNCERTAINTY_KINDS)[number];

export const uncertaintyEntrySchema = z
  .strictObject({
    path: z
      .string()
      .regex(/^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)+$/, "expected a dotted parameter path")
      .describe("Dotted path of a model parameter ({value, source}), e.g. coderd.connection_cpu_vcpu"),
    low: z.number().describe("Low end of the range"),
    high: z.number().describe("High end of the range"),
    as: z
      .enum(["value", "factor"])
      .optional()
      .describe(
        "factor (the default): low/high multiply the model's value (a distribution's median, p95, mean... together), " +
          "so a derived or re-fitted model keeps a valid range; value: they are the parameter's own values (a number parameter only)",
      ),
    kind: z
      .enum(UNCERTAINTY_KINDS)
      .describe(
        "fitted: a range from the fit (capsim calibrate --uncertainty); measured: a measurement's interval; assumed: a judgement",
      ),
    source: z.string().min(1).describe("Where the range comes from"),
    measure: z
      .string()
      .min(1)
      .optional()
      .describe("What measurement would narrow the range (capsim sensitivity names it when it matters most)"),
  })
  .describe(
    "One uncertain parameter: drawn uniformly over [low, high] (in log space when low > 0) for prediction intervals and sensitivity",
  );

export type UncertaintyEntry = z.output<typeof uncertaintyEntrySchema>;

export const uncertaintySchema = z
  .array(uncertaintyEntrySchema)
  .describe("Ranges of the parameters the model is unsure of (docs/uncertainty.md)");

export const leavesOutSchema = z
  .array(
    z.strictObject({
      what: z.string().min(1).describe("What the model does not simulate"),
      effect: z
        .string()
        .min(1)
        .describe("How leaving it out biases a prediction (which way, when it matters)"),
      source: z.string().min(1).describe("Evidence that it matters, or where it is described"),
    }),
  )
  .describe("What the model leaves out: no prediction interval covers these (plan prints them)");

export type LeavesOut = z.output<typeof leavesOutSchema>;

type Raw = Record<string, unknown>;
const isRecord = (v: unknown): v is Raw => typeof v === "object" && v !== null && !Array.isArray(v);
const isParam = (v: unknown): v is Raw => isRecord(v) && "value" in v && "source" in v;

interface IssueSink {
  addIssue(issue: { code: "custom"; path: PropertyKey[]; message: string; input?: unknown }): void;
}

/**
 * Checks each `uncertainty:` entry against the model it sits in: the path names a parameter, the range
 * is ordered and contains the model's value (1 for a factor), and no parameter is listed twice.
 */
export function checkUncertainty(model: { uncertainty?: UncertaintyEntry[] }, ctx: IssueSink): void {
  const seen = new Set<string>();
  for (const [i, entry] of (model.uncertainty ?? []).entries()) {
    const problem = seen.has(entry.path)
      ? { key: "path", message: `${entry.path} is listed twice` }
      : entryProblem(model, entry);
    seen.add(entry.path);
    if (problem)
      ctx.addIssue({ code: "custom", path: ["uncertainty", i, problem.key], message: problem.message });
  }
}

function entryProblem(model: unknown, entry: UncertaintyEntry): { key: string; message: string } | undefined {
  const param = parameterAt(model, entry.path);
  if (typeof param === "string") return { key: "path", message: param };
  if (!(entry.low < entry.high))
    return { key: "high", message: `high (${entry.high}) must be above low (${entry.low})` };
  const isNumber = typeof param.value === "number";
  const as = entry.as ?? "factor";
  if (as === "value" && !isNumber)
    return { key: "as", message: `${entry.path} is a distribution: give its range as a factor (as: factor)` };
  if (as === "factor") {
    if (!(entry.low > 0)) return { key: "low", message: "a factor range must be positive" };
    if (entry.low > 1 || entry.high < 1)
      return {
        key: "low",
        message: `factor range ${entry.low}..${entry.high} must contain 1 (the model's value)`,
      };
    return undefined;
  }
  const value = param.value as number;
  if (value < entry.low || value > entry.high)
    return {
      key: "low",
      message: `the model's value ${value} is outside ${entry.low}..${entry.high}: the range is stale`,
    };
  return undefined;
}

/** The `{value, source}` node at a dotted path, or why there is none. */
function parameterAt(model: unknown, path: string): Raw | string {
  let node: unknown = model;
  const segments = path.split(".");
  for (const [i, seg] of segments.entries()) {
    if (isParam(node)) return `${segments.slice(0, i).join(".")} is a parameter: name it without .${seg}`;
    if (!isRecord(node) || !Object.hasOwn(node, seg) || seg === "uncertainty" || seg === "leaves_out") {
      const where = segments.slice(0, i).join(".") || "the model";
      return `${where} has no parameter group or parameter ${seg}`;
    }
    node = node[seg];
  }
  if (!isParam(node)) return `${path} is a group, not a parameter`;
  return node;
}
