import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, expect, it } from "vitest";
import {
  describeWithPrometheus,
  type PrometheusServer,
  queryInstant,
  startPrometheus,
} from "./prometheus.js";

describeWithPrometheus("the Prometheus test helper scrapes targets", (tools) => {
  let target: Server;
  let prom: PrometheusServer | undefined;
  let scrapes = 0;

  beforeAll(async () => {
    target = createServer((req, res) => {
      if (req.url !== "/metrics") {
        res.writeHead(404).end();
        return;
      }
      scrapes++;
      res.writeHead(200, { "content-type": "text/plain; version=0.0.4" });
      res.end(`# TYPE coderd_api_concurrent_websockets gauge\ncoderd_api_concurrent_websockets 7\n`);
    });
    await new Promise<void>((resolve) => target.listen(0, "127.0.0.1", resolve));
    const port = (target.address() as AddressInfo).port;
    prom = await startPrometheus(tools, {
      scrape: [
        {
          job: "coder",
          targets: [`127.0.0.1:${port}`],
          intervalSeconds: 1,
          labels: { namespace: "coder", pod: "coder-0" },
        },
      ],
    });
  });
  afterAll(async () => {
    await prom?.stop();
    await new Promise((resolve) => target?.close(resolve));
  });

  it("answers queries over what it scraped, with the target's labels", async () => {
    let answer: Awaited<ReturnType<typeof queryInstant>> = [];
    for (let i = 0; i < 50 && answer.length === 0; i++) {
      await new Promise((r) => setTimeout(r, 200));
      answer = await queryInstant(prom!.url, "coderd_api_concurrent_websockets", Date.now() / 1000);
    }
    expect(scrapes).toBeGreaterThan(0);
    expect(answer.map((s) => [s.labels.job, s.labels.namespace, s.labels.pod, s.values[0]])).toEqual([
      ["coder", "coder", "coder-0", 7],
    ]);
  });
});
