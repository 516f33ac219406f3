import { describe, expect, it } from "vitest";
import { RateLimiter } from "../../src/model/rateLimiter.js";
import { metric, summarize } from "./featureHelpers.js";

/** No workspaces, no browsers: only the scripted API clients, for a 10-minute traffic window from 0. */
const clients = (replicas: number, perMinute: number, limit?: number) => `
name: rate-limit-test
model: coder-v2.8
deployment:
  coder_version: "2.8"
  coderd: {replicas: ${replicas}, vcpu: 4, memory_gb: 16, rate_limit: {${limit ? `per_user_per_min: ${limit}` : ""}}}
  provisioners: {count: 1, vcpu: 0.5, memory_gb: 0.5}
  database: {vcpu: 4, memory_gb: 16}
workload:
  users: 10
  api_clients: {count: 1, requests_per_min: ${perMinute}}
stages:
  - {name: dashboard, start_s: 0, duration_s: 600, target_pct: 0}
replications: 1
`;

describe("API rate limiter (go-chi/httprate sliding window, per replica, per user)", () => {
  it("lets exactly the limit through in every minute of a steady over-limit stream", () => {
    const limiter = new RateLimiter(1, 1, 512);
    const accepted: number[] = [];
    for (let i = 0; i < 6000; i++) {
      const t = i * 0.1 + 0.05; // 600 requests per minute for 10 minutes
      if (limiter.allow(0, 0, t)) accepted[Math.floor(t / 60)] = (accepted[Math.floor(t / 60)] ?? 0) + 1;
    }
    expect(accepted).toEqual(Array(10).fill(512));
    expect(limiter.rejectedTotal).toBe(10 * (600 - 512));
  });

  it("refuses nothing under the limit, and weighs the previous minute by its share of the sliding window", () => {
    const limiter = new RateLimiter(1, 1, 10);
    for (let i = 0; i < 10; i++) expect(limiter.allow(0, 0, 59 + i * 0.01)).toBe(true);
    expect(limiter.allow(0, 0, 59.5)).toBe(false); // 11th in the window
    // 30 s into the next minute the previous 10 count as 5: five more fit, the sixth does not.
    for (let i = 0; i < 5; i++) expect(limiter.allow(0, 0, 90 + i * 0.01)).toBe(true);
    expect(limiter.allow(0, 0, 90.5)).toBe(false);
  });

  it("rejects exactly the excess of a scripted client: (600 - 512) per minute on one replica", () => {
    const out = summarize(clients(1, 600));
    expect(metric(out, "api_rejected_total")).toBe(10 * 88);
    expect(metric(out, "api_rejected_per_s")).toBeCloseTo(88 / 60, 6);
  });

  it("counts per replica: two replicas each see about half, so 600/min passes a 512 limit", () => {
    expect(metric(summarize(clients(2, 600)), "api_rejected_total")).toBe(0);
    // A 200/min limit: each replica lets about 200 of its ~300 a minute through.
    const rejected = metric(summarize(clients(2, 600, 200)), "api_rejected_total");
    expect(rejected).toBeGreaterThan(10 * (600 - 2 * 200) * 0.9);
    expect(rejected).toBeLessThan(10 * (600 - 2 * 200) * 1.1);
  });
});
