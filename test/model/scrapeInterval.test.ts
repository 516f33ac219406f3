import { describe, expect, it } from "vitest";
import { seriesKey } from "../../src/series/select.js";
import { replicate, SMALL } from "./featureHelpers.js";

/**
 * Measurement has no side effects (issue 10): scraping every 15 s or every 60 s must leave the simulated
 * system exactly as it is. A small run with a database failover (so the event series are read too).
 */
const SCENARIO = `${SMALL}events: [{kind: database_failover, at_s: 902.5, pause_s: 20}]\n`;

describe("the scrape interval", () => {
  it("changes nothing the simulation does: resources, request latencies and counts, every series", () => {
    const every15 = replicate(SCENARIO, undefined, 7, ["scrape_interval_s=15"]);
    const every60 = replicate(SCENARIO, undefined, 7, ["scrape_interval_s=60"]);

    // Every resource's utilisation, throughput and response, and every latency figure.
    expect(every60.resources).toEqual(every15.resources);
    expect(every60.figures).toEqual(every15.figures);
    expect(every60.simulatedSeconds).toBe(every15.simulatedSeconds);

    // Each scrape costs two events (a wake-up, then the scrape behind the instant's other events).
    const scrapes15 = every15.metrics.series[0]!.times.length;
    const scrapes60 = every60.metrics.series[0]!.times.length;
    expect(scrapes15).toBeGreaterThan(3 * scrapes60);
    expect(every60.events - 2 * scrapes60).toBe(every15.events - 2 * scrapes15);

    // Every series of the 60 s run (per-route request counts and latency histograms included) equals
    // the 15 s run's at the same instants.
    const byKey = new Map(every15.metrics.series.map((s) => [seriesKey(s.labels), s]));
    let compared = 0;
    for (const s of every60.metrics.series) {
      const key = seriesKey(s.labels);
      const other = byKey.get(key);
      expect(other, key).toBeDefined();
      const index = new Map(Array.from(other!.times, (t, i) => [t, i]));
      for (let i = 0; i < s.times.length; i++) {
        const j = index.get(s.times[i]!);
        expect(j, `${key} at ${s.times[i]}`).toBeDefined();
        expect([key, s.times[i], other!.values[j!]]).toEqual([key, s.times[i], s.values[i]]);
        compared++;
      }
    }
    expect(compared).toBeGreaterThan(1000);
    const latencies = every60.metrics.series.filter(
      (s) => s.labels.__name__ === "coderd_api_request_latencies_seconds_count",
    );
    expect(latencies.length).toBeGreaterThan(4);
  }, 60_000);
});
