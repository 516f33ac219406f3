// The classic "hold model" for event sets: n events pending; each event, when fired, schedules one new
// event at now + Exp(1). It maps onto n agents each with a pending timer (des-anchors.md §3.3); timers are
// posted without a handle (`sim.post`), as the model posts its agent timers.
import { RandomStreams, Simulation } from "../../dist/engine/index.js";

export const description = "hold model: n pending timers, each pop schedules now + Exp(1)";

export function run({ pending = 100_000, holds = 2_000_000, seed = 1, minEventsPerSecond = 4e6 } = {}) {
  const sim = new Simulation({ initialEventCapacity: pending + 1 });
  const rng = new RandomStreams(seed).stream("hold");
  let fired = 0;
  const hold = sim.register(() => {
    if (++fired === holds) sim.stop();
    sim.post(-Math.log(1 - rng()), hold);
  });
  for (let i = 0; i < pending; i++) sim.post(-Math.log(1 - rng()), hold);
  const start = process.hrtime.bigint();
  sim.run();
  const wallSeconds = Number(process.hrtime.bigint() - start) / 1e9;
  return {
    figures: [
      { name: "events/s", value: holds / wallSeconds, unit: "events/s", target: { min: minEventsPerSecond } },
      { name: "ns/event", value: (wallSeconds * 1e9) / holds, unit: "ns" },
      { name: "wall time", value: wallSeconds, unit: "s" },
      { name: "pending events", value: sim.pendingEvents, unit: "" },
      { name: "simulated time", value: sim.now, unit: "s" },
    ],
  };
}
