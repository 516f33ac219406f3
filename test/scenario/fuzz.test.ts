import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { InputError } from "../../src/errors.js";
import { type LoadedScenario, loadScenarioText } from "../../src/scenario/load.js";
import { scenarioSchema } from "../../src/scenario/schema.js";
import { fixtureText } from "./helpers.js";

const RUNS = 500;
const SEED = 20240611;

type Outcome = "valid" | "invalid";

/** The contract: a resolved scenario that re-validates to itself, or an InputError with usable issues. */
function loadOutcome(text: string, overrides: string[] = []): Outcome {
  let loaded: LoadedScenario;
  try {
    loaded = loadScenarioText(text, "fuzz.yaml", overrides);
  } catch (error) {
    if (!(error instanceof InputError)) throw error;
    expect(error.issues.length).toBeGreaterThan(0);
    for (const issue of error.issues) {
      expect(issue.file).toMatch(/\S/);
      expect(issue.message).toMatch(/\S/);
      if (issue.line !== undefined) expect(Number.isInteger(issue.line) && issue.line >= 1).toBe(true);
      if (issue.col !== undefined) expect(Number.isInteger(issue.col) && issue.col >= 1).toBe(true);
    }
    return "invalid";
  }
  expect(scenarioSchema.parse(loaded.scenario)).toEqual(loaded.scenario);
  return "valid";
}

/** YAML-ish fragments make random text reach deeper parser and validator states than plain strings. */
const yamlFragment = fc.constantFrom(
  "deployment:",
  "coderd:",
  "stages:",
  "workload:",
  "users: ",
  "replicas: ",
  "- ",
  "  ",
  "\n",
  ": ",
  "{",
  "}",
  "[",
  "]",
  ",",
  "&a ",
  "*a",
  "!!str ",
  "!tag ",
  "? ",
  "|",
  ">",
  "#",
  "'",
  '"',
  "---",
  "%YAML 1.1\n",
  "<<: ",
  "~",
  "null",
  "true",
  "1.5",
  "-3",
  "0x1F",
  ".inf",
  "2000",
  "name: ssh",
  "\t",
  "\r\n",
  "\u00a0",
  "\ufeff",
);
const yamlishText = fc.array(yamlFragment, { maxLength: 40 }).map((parts) => parts.join(""));

/** The resolved good scenario (defaults included), the base that mutations start from. */
const goodObject: unknown = loadScenarioText(fixtureText("good.yaml"), "good.yaml").scenario;

/** Every path into the good scenario, so mutations hit real keys at every depth. */
function allPaths(value: unknown, prefix: (string | number)[] = []): (string | number)[][] {
  if (value === null || typeof value !== "object") return [prefix];
  const entries = Array.isArray(value) ? value.map((v, i) => [i, v] as const) : Object.entries(value);
  return [prefix, ...entries.flatMap(([key, child]) => allPaths(child, [...prefix, key]))];
}
const goodPaths = allPaths(goodObject).filter((path) => path.length > 0);

function mutate(base: unknown, path: (string | number)[], replacement: unknown, remove: boolean): unknown {
  const copy = structuredClone(base) as Record<string | number, unknown>;
  let parent: Record<string | number, unknown> = copy;
  for (const segment of path.slice(0, -1)) parent = parent[segment] as Record<string | number, unknown>;
  const last = path.at(-1)!;
  if (remove && Array.isArray(parent)) parent.splice(Number(last), 1);
  else if (remove) delete parent[last];
  else parent[last] = replacement;
  return copy;
}

const plausibleValue = fc.oneof(
  fc.integer({ min: -5, max: 5000 }),
  fc.double({ noNaN: false }),
  fc.boolean(),
  fc.constantFrom("ssh", "2.8", "2.10", "", "prepare", "coder-v2.8"),
  fc.string(),
  fc.constant(null),
  fc.jsonValue({ maxDepth: 2 }),
);

describe("loading never throws anything but InputError", () => {
  it("arbitrary strings", () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.string({ unit: "binary" }), yamlishText), (text) => {
        loadOutcome(text);
      }),
      { numRuns: RUNS, seed: SEED },
    );
  });

  it("arbitrary JSON-ish values serialised to YAML", () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        loadOutcome(stringify(value));
      }),
      { numRuns: RUNS, seed: SEED },
    );
  });

  it("the good scenario with one value replaced or removed", () => {
    const outcomes = { valid: 0, invalid: 0 };
    fc.assert(
      fc.property(fc.constantFrom(...goodPaths), plausibleValue, fc.boolean(), (path, value, remove) => {
        outcomes[loadOutcome(stringify(mutate(goodObject, path, value, remove)))]++;
      }),
      { numRuns: RUNS, seed: SEED },
    );
    // Both branches of the contract are exercised.
    expect(outcomes.valid).toBeGreaterThan(10);
    expect(outcomes.invalid).toBeGreaterThan(10);
  });

  it("arbitrary --set arguments on the good scenario", () => {
    const pathText = fc.constantFrom(
      ...goodPaths.map((path) => path.join(".")),
      "x",
      "stages.99",
      "a..b",
      "",
    );
    const override = fc.oneof(
      fc.string(),
      fc
        .tuple(
          pathText,
          fc.oneof(
            fc.string(),
            plausibleValue.map((v) => JSON.stringify(v) ?? ""),
          ),
        )
        .map(([path, value]) => `${path}=${value}`),
    );
    const text = fixtureText("good.yaml");
    fc.assert(
      fc.property(fc.array(override, { maxLength: 4 }), (overrides) => {
        loadOutcome(text, overrides);
      }),
      { numRuns: RUNS, seed: SEED },
    );
  });
});
