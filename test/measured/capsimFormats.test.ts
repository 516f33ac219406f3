import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { FIGURE_NAMES as CAPSIM_METRICS, figureDefinition as metricMapRow } from "../../src/figures/table.js";
import { formatCapsimCsv, readCapsimCsv } from "../../src/measured/capsimCsv.js";
import { formatCapsimYaml, readCapsimYaml } from "../../src/measured/capsimYaml.js";
import { parseMeasured } from "../../src/measured/read.js";
import { MEASURED_SCOPES, type MeasuredSample, SCALETEST_STAGES } from "../../src/measured/sample.js";
import { fixtureText, inputErrorOf } from "./fixtures.js";

/** What survives a round trip: the figure, not where it was read from. */
function figureOf(s: MeasuredSample) {
  const { file: _file, line: _line, ...rest } = s;
  return rest;
}

describe("capsim YAML", () => {
  const doc = readCapsimYaml(fixtureText("capsim-figures.yaml"), "f.yaml");

  it("reads stage windows in unix seconds or RFC 3339", () => {
    expect(doc.stages).toEqual([
      { name: "dashboard", start: 1709287200, end: 1709289000 },
      { name: "web_terminal", start: 1709280000, end: 1709281800 },
    ]);
    expect(doc.source).toBe("fixture written for the reader tests");
  });

  it("fills unit and scope from the metric map and converts units to the metric's", () => {
    const by = (metric: string) => doc.figures.find((f) => f.metric === metric);
    expect(by("api_rps_median")).toMatchObject({
      stage: "dashboard",
      value: 350,
      unit: "1/s",
      scope: "total",
      line: 13,
    });
    expect(by("db_cpu_utilization_median")).toMatchObject({ value: 0.8, unit: "1" }); // 80 %
    expect(by("agent_api_latency_p95_ms")).toMatchObject({ value: 220, unit: "ms", scope: "per_agent" }); // 0.22 s
    expect(by("db_write_ops_per_s_max")).toMatchObject({ range: [6.7, 8.4], stage: "web_terminal" });
    expect(by("coderd_api_concurrent_requests")).toMatchObject({ value: 12, unit: "1", scope: "total" });
    expect(doc.figures.every((f) => f.source === "capsim" && f.t === null)).toBe(true);
  });

  it("reports every problem with file:line:col and path", () => {
    const text = [
      "figures:",
      "  - metric: coderd_cpu_vcpu_medain",
      "    value: 3",
      "  - metric: db_cpu_utilization_median",
      "    value: 80",
      "  - metric: api_rps_median",
      "    stage: lunch",
      "    range: [400, 300]",
      "    colour: blue",
      "  - metric: websockets_mean",
      "    value: 1",
      "    unit: ms",
      "  - metric: something_else",
      "    value: 1",
      "  - metric: agent_connections",
      "    value: 2000",
      "    range: [1, 2]",
    ].join("\n");
    expect(inputErrorOf(() => readCapsimYaml(text, "bad.yaml")).split("\n")).toEqual([
      "bad.yaml:2:13: figures.0.metric: unknown capsim metric coderd_cpu_vcpu_medain; did you mean coderd_cpu_vcpu_median?",
      'bad.yaml:5:12: figures.1.value: db_cpu_utilization_median is a fraction 0–1: write 0.80 for 80 %, or give unit: "%"',
      "bad.yaml:9:5: figures.2.colour: unknown field; a figure has metric, stage, value, range, unit, scope, note, unmodelled",
      "bad.yaml:7:12: figures.2.stage: unknown stage lunch; expected one of prepare, ssh, web_terminal, workspace_apps, dashboard, cleanup or null",
      "bad.yaml:8:12: figures.2.range: range [400, 300] is reversed: lo must not exceed hi",
      "bad.yaml:12:11: figures.3.unit: websockets_mean is measured in 1; ms cannot be converted to it",
      "bad.yaml:13:5: figures.4.unit: unit is required for something_else, which capsim does not know (one of 1, s, ms, us, ns, min, h, %, bytes, kb, mb, gb, kib, mib, gib, 1/s, 1/min, vcpu, millicores, bytes_per_s)",
      "bad.yaml:17:12: figures.5.range: give exactly one of value or range: [lo, hi]",
    ]);
  });

  it("reports YAML syntax errors and duplicate figures with positions", () => {
    expect(inputErrorOf(() => readCapsimYaml("figures:\n  - metric: [unclosed\n", "s.yaml"))).toMatch(
      /^s\.yaml:\d+:\d+: /,
    );
    const dup =
      "- metric: api_rps_median\n  stage: dashboard\n  value: 1\n- metric: api_rps_median\n  stage: dashboard\n  value: 2\n";
    expect(inputErrorOf(() => readCapsimYaml(dup, "d.yaml"))).toBe(
      "d.yaml:4:11: 1.metric: api_rps_median for stage dashboard is already given at line 1",
    );
    expect(inputErrorOf(() => readCapsimYaml("figures:\n  - metric: a\n    metric: b\n", "k.yaml"))).toMatch(
      /^k\.yaml:3:5: .*[Uu]nique/,
    );
  });

  it("checks stage windows", () => {
    const text =
      "stages:\n  - {name: ssh, start: 2024-03-01T10:00:00, end: 100}\n  - {name: ssh, start: 1709287200000, end: 5}\nfigures: []\n";
    expect(inputErrorOf(() => readCapsimYaml(text, "st.yaml")).split("\n")).toEqual([
      'st.yaml:2:24: stages.0.start: start "2024-03-01T10:00:00" has no time zone; add Z or an offset such as +02:00',
      "st.yaml:3:12: stages.1.name: stage ssh is declared twice",
      "st.yaml:3:24: stages.1.start: start 1709287200000 looks like milliseconds; give unix seconds",
    ]);
  });

  it("lets figures use stage names the file declares", () => {
    const text =
      "stages: [{name: soak, start: 0, end: 10}]\nfigures:\n  - {metric: api_rps_median, stage: soak, value: 5}\n";
    expect(readCapsimYaml(text, "s.yaml").figures[0]?.stage).toBe("soak");
  });
});

describe("capsim CSV", () => {
  it("reads figures, ranges and quoted notes", () => {
    const figures = readCapsimCsv(fixtureText("capsim-figures.csv"), "f.csv");
    expect(figures.map((f) => [f.metric, f.stage, f.value, f.range, f.unit, f.scope, f.line])).toEqual([
      ["coderd_cpu_vcpu_median", null, 3, undefined, "vcpu", "per_replica", 2],
      ["api_rps_median", "dashboard", 350, undefined, "1/s", "total", 3],
      ["db_write_ops_per_s_min", null, undefined, [6.7, 8.4], "1/s", "total", 4],
      ["coderd_api_concurrent_requests", null, 12, undefined, "1", "total", 5],
    ]);
    expect(figures[2]?.note).toBe("a range, with a comma in the note");
  });

  it("reports bad headers and cells by line and column", () => {
    expect(inputErrorOf(() => readCapsimCsv("metric,value,colour\n", "h.csv"))).toBe(
      "h.csv:1: colour: unknown column; expected metric,stage,value,lo,hi,unit,scope,note",
    );
    const text =
      "metric,stage,value,lo,hi,unit\napi_rps_median,dashboard,many,,,\nws,,,1,,1\napi_rps_median,nap,3,,,\n";
    expect(inputErrorOf(() => readCapsimCsv(text, "c.csv")).split("\n")).toEqual([
      'c.csv:2: value: "many" is not a number',
      "c.csv:3: hi: give both lo and hi for a range",
      "c.csv:4: stage: unknown stage nap; expected one of prepare, ssh, web_terminal, workspace_apps, dashboard, cleanup or null",
    ]);
  });
});

const figureArb = fc
  .record({
    metric: fc.oneof(
      fc.constantFrom(...CAPSIM_METRICS),
      fc.constantFrom("coderd_api_concurrent_requests", "x.y/z"),
    ),
    stage: fc.constantFrom(null, ...SCALETEST_STAGES),
    numbers: fc.oneof(
      fc.double({ min: 0, max: 1, noNaN: true }).map((v) => ({ value: v })),
      fc
        .tuple(fc.double({ min: 0, max: 1, noNaN: true }), fc.double({ min: 0, max: 1, noNaN: true }))
        .map(([a, b]) => ({ range: [Math.min(a, b), Math.max(a, b)] as [number, number] })),
    ),
    scope: fc.constantFrom(...MEASURED_SCOPES),
    note: fc.option(
      fc.string({ minLength: 1, maxLength: 30 }).filter((s) => s.trim() === s && s !== ""),
      { nil: undefined },
    ),
  })
  .map(
    (f): MeasuredSample => ({
      source: "capsim",
      metric: f.metric,
      rawMetric: f.metric,
      labels: {},
      stage: f.stage,
      unit: metricMapRow(f.metric)?.unit ?? "1",
      scope: f.scope,
      t: null,
      ...f.numbers,
      file: "gen",
      ...(f.note ? { note: f.note } : {}),
    }),
  );

/** Distinct (metric, stage) pairs, as a valid file needs. */
const figuresArb = fc.uniqueArray(figureArb, { selector: (f) => `${f.metric}|${f.stage}`, maxLength: 12 });

describe("round trip", () => {
  it("CSV → YAML → CSV keeps every figure", () => {
    const fromCsv = readCapsimCsv(fixtureText("capsim-figures.csv"), "f.csv");
    const yaml = formatCapsimYaml({ figures: fromCsv });
    const fromYaml = readCapsimYaml(yaml, "f.yaml").figures;
    expect(fromYaml.map(figureOf)).toEqual(fromCsv.map(figureOf));
    expect(formatCapsimCsv(fromYaml)).toBe(fixtureText("capsim-figures.csv"));
  });

  it("YAML → CSV → YAML keeps every figure and the stage windows", () => {
    const doc = readCapsimYaml(fixtureText("capsim-figures.yaml"), "f.yaml");
    const back = readCapsimCsv(formatCapsimCsv(doc.figures), "f.csv");
    expect(back.map(figureOf)).toEqual(doc.figures.map(figureOf));
    const again = readCapsimYaml(formatCapsimYaml(doc), "g.yaml");
    expect(again.stages).toEqual(doc.stages);
    expect(again.figures.map(figureOf)).toEqual(doc.figures.map(figureOf));
  });

  it("holds for generated figures in both formats", () => {
    fc.assert(
      fc.property(figuresArb, (figures) => {
        const viaCsv = readCapsimCsv(formatCapsimCsv(figures), "g.csv").map(figureOf);
        const viaYaml = parseMeasured(formatCapsimYaml({ figures }), "g.yaml").samples.map(figureOf);
        const expected = figures.map(figureOf);
        expect(viaCsv).toEqual(expected);
        expect(viaYaml).toEqual(expected);
      }),
      { seed: 20240301, numRuns: 150 },
    );
  });
});
