import { describe, expect, it } from "vitest";
import { readGrafanaCsv } from "../../src/measured/grafanaCsv.js";
import { parseMeasured } from "../../src/measured/read.js";
import { fixtureText, inputErrorOf } from "./fixtures.js";

const T0 = 1709287200;

describe("Grafana panel CSV", () => {
  it("reads a BOM, sep= line, quoted label-set headers, CRLF rows and epoch ms", () => {
    const data = parseMeasured(fixtureText("grafana-panel.csv"), "panel.csv");
    expect(data.format).toBe("grafana-csv");
    // A column whose legend is a figure's panel name is that figure's evaluated answer, per pod.
    expect(data.answers).toEqual([
      {
        query: "panel:coderd_cpu_vcpu",
        series: [
          { labels: { pod: "coderd-0" }, times: [T0, T0 + 15], values: [2.9, 3.0] },
          { labels: { pod: "coderd-1" }, times: [T0, T0 + 15, T0 + 30], values: [3.1, 3.7, 3.2] }, // the empty cell is a gap
        ],
      },
    ]);
  });

  it("converts formatted values with unit suffixes to SI and reads zone-less dates as UTC", () => {
    const samples = readGrafanaCsv(fixtureText("grafana-formatted.csv"), "formatted.csv");
    const by = (name: string) => samples.filter((s) => s.metric === name).map((s) => [s.t, s.value, s.unit]);
    expect(by("API latency p95")).toEqual([
      [T0, 0.0123, "s"],
      [T0 + 15, 1.2, "s"],
    ]);
    expect(by("DB CPU")).toEqual([
      [T0, 0.8, "1"],
      [T0 + 15, 0.825, "1"],
    ]);
    expect(by("Websockets")).toEqual([
      [T0, 2400, "1"],
      [T0 + 15, 2350, "1"],
    ]);
    expect(samples[0]!.note).toBe("time column has no zone; read as UTC");
  });

  it("accepts a semicolon separator and ISO times with a zone", () => {
    const text = 'sep=;\n"Time";"db_cpu_utilization"\n2024-03-01T11:00:00+01:00;0,8\n';
    expect(inputErrorOf(() => readGrafanaCsv(text, "semi.csv"))).toBe(
      'semi.csv:3: db_cpu_utilization: "0,8" is not a number',
    );
    const ok = readGrafanaCsv(
      'sep=;\n"Time";"db_cpu_utilization"\n2024-03-01T11:00:00+01:00;0.8\n',
      "semi.csv",
    );
    expect(ok[0]).toMatchObject({ t: T0, value: 0.8, metric: "db_cpu_utilization" });
  });

  it("rejects unit suffixes it cannot convert, naming line and column", () => {
    const text = '"Time","Builds"\r\n1709287200000,"12 widgets"\r\n';
    expect(inputErrorOf(() => readGrafanaCsv(text, "g.csv"))).toBe(
      'g.csv:2: Builds: "12 widgets" has a unit capsim cannot convert ("widgets"); export with "Formatted data" off to get raw numbers',
    );
  });

  it("rejects mixed dimensions, bad times, ragged rows and a missing time column", () => {
    expect(inputErrorOf(() => readGrafanaCsv('"Time","x"\n1,"1 ms"\n2,"5%"\n', "g.csv"))).toBe(
      'g.csv:3: x: "5%" is in 1 but earlier values of this column are in s',
    );
    expect(inputErrorOf(() => readGrafanaCsv('"Time","x"\nyesterday,1\n', "g.csv"))).toBe(
      'g.csv:2: Time: "yesterday" is not epoch milliseconds or a date',
    );
    expect(inputErrorOf(() => readGrafanaCsv('"Time","x"\n1,2\n3\n', "g.csv"))).toMatch(
      /^g\.csv:3: malformed CSV: /,
    );
    expect(inputErrorOf(() => readGrafanaCsv('"When","x"\n1,2\n', "g.csv"))).toBe(
      'g.csv:1: no time column: expected a "Time" header',
    );
  });
});
