import { describe, expect, it } from "vitest";
import { metricNamesOf, PromQLError, parsePromQL, withMatchers } from "../../src/promql/index.js";

function errorOf(f: () => unknown): PromQLError {
  try {
    f();
  } catch (err) {
    if (err instanceof PromQLError) return err;
    throw err;
  }
  throw new Error("no error");
}

describe("parsePromQL", () => {
  it("reads ranges such as 1m, 90s, 1h30m and substitutes Grafana variables", () => {
    const range = (q: string, vars?: Record<string, number>) => {
      const e = parsePromQL(q, vars);
      if (e.kind !== "call" || e.args[0]?.kind !== "range") throw new Error("not a call on a range");
      return e.args[0].rangeSeconds;
    };
    expect(range("rate(x[1m])")).toBe(60);
    expect(range("rate(x[90s])")).toBe(90);
    expect(range("rate(x[1h30m])")).toBe(5400);
    expect(range("rate(x[$__rate_interval])", { __rate_interval: 60 })).toBe(60);
    // biome-ignore lint/suspicious/noTemplateCurlyInString: Grafana's ${var} syntax
    expect(range("rate(x[${__interval}])", { $__interval: 15 })).toBe(15);
  });

  it("reports syntax and type errors with the offset in the original text", () => {
    expect(errorOf(() => parsePromQL("sum(rate(x[5m]) by")).offset).toBe(16);
    expect(errorOf(() => parsePromQL("rate(x)")).message).toMatch(/expected type range vector/);
    expect(errorOf(() => parsePromQL("rate(x[5m]) + foo(")).message).toMatch(
      /unknown function "foo"|unexpected/,
    );
    expect(errorOf(() => parsePromQL("x[5]")).message).toMatch(/missing unit/);
    expect(errorOf(() => parsePromQL("1 > 2")).message).toMatch(/BOOL/);
    expect(errorOf(() => parsePromQL("x + bool 1")).message).toMatch(/bool modifier/);
    expect(errorOf(() => parsePromQL('{job=~".*"}')).message).toMatch(/non-empty matcher/);
    expect(errorOf(() => parsePromQL('x{a="\\d"}')).message).toMatch(/escape/);
    const e = errorOf(() => parsePromQL("rate(x[$__range]) + (", { __range: 3600 }));
    expect(e.offset).toBe("rate(x[$__range]) + (".length);
    expect(errorOf(() => parsePromQL("rate(x[$__range])")).offset).toBe(7);
  });

  it("leaves label_replace's $1 alone", () => {
    const e = parsePromQL('label_replace(x, "a", "$1", "b", "(.*)")');
    expect(e.kind === "call" && e.args[2]?.kind === "string" && e.args[2].value).toBe("$1");
  });
});

describe("withMatchers", () => {
  it("adds the selector's matchers to every vector selector and nothing else", () => {
    expect(
      withMatchers(
        'sum by (pod) (rate(container_cpu_usage_seconds_total{container="coder"}[$__rate_interval])) / on(pod) up + {__name__="x",} * 2',
        '{namespace="coder", pod=~"coder-.*"}',
      ),
    ).toBe(
      'sum by (pod) (rate(container_cpu_usage_seconds_total{container="coder", namespace="coder", pod=~"coder-.*"}[$__rate_interval])) / on(pod) up{namespace="coder", pod=~"coder-.*"} + {__name__="x", namespace="coder", pod=~"coder-.*"} * 2',
    );
    expect(withMatchers("x", "{}")).toBe("x");
    // Text capsim does not evaluate (a subquery) is still rewritten for a real Prometheus.
    expect(withMatchers("max_over_time(rate(x[1m])[5m:1m])", '{job="a"}')).toBe(
      'max_over_time(rate(x{job="a"}[1m])[5m:1m])',
    );
  });

  it("refuses a selector that is not label matchers", () => {
    expect(() => withMatchers("x", "namespace=coder")).toThrow(PromQLError);
    expect(() => withMatchers("x", 'up{namespace="coder"}')).toThrow(PromQLError);
    expect(() => withMatchers("x", '{namespace="coder"')).toThrow(PromQLError);
    expect(() => withMatchers("x", '{pod=~"("}')).toThrow(PromQLError);
  });
});

describe("metricNamesOf", () => {
  it("lists the names selected", () => {
    expect(
      metricNamesOf(
        "histogram_quantile(0.95, sum by (le) (rate(a_bucket[1m]))) / on() group_left b + scalar(c)",
      ),
    ).toEqual(["a_bucket", "b", "c"]);
  });
});
