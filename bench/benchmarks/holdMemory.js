// Memory follows the number of pending events, not simulated time: run the hold model with n pending
// timers for 10^7 holds and compare the resident set after 10^6 and after 10^7 holds.
import { RandomStreams, Simulation } from "../../dist/engine/index.js";

export const description = "hold model memory: RSS after 10^6 vs 10^7 holds at the same n";

export function run({ pending = 100_000, shortHolds = 1_000_000, longHolds = 10_000_000, seed = 1 } = {}) {
  const sim = new Simulation();
  const rng = new RandomStreams(seed).stream("hold");
  const before = process.memoryUsage();
  let fired = 0;
  let rssShort = 0;
  let arrayBytesShort = 0;
  const hold = sim.register(() => {
    fired++;
    if (fired === shortHolds) {
      const usage = process.memoryUsage();
      rssShort = usage.rss;
      arrayBytesShort = usage.arrayBuffers;
    }
    if (fired === longHolds) sim.stop();
    sim.schedule(-Math.log(1 - rng()), hold);
  });
  for (let i = 0; i < pending; i++) sim.schedule(-Math.log(1 - rng()), hold);
  sim.run();
  const after = process.memoryUsage();
  return {
    figures: [
      { name: "RSS after 10^6 holds", value: rssShort, unit: "bytes" },
      { name: "RSS after 10^7 holds", value: after.rss, unit: "bytes" },
      { name: "RSS growth 10^6 → 10^7 holds", value: after.rss / rssShort, unit: "×", target: { max: 1.1 } },
      // Informational: Node's own buffers count here too and move a little either way.
      {
        name: "typed-array growth 10^6 → 10^7 holds",
        value: after.arrayBuffers / arrayBytesShort,
        unit: "×",
      },
      {
        name: "typed-array bytes per pending event",
        value: (arrayBytesShort - before.arrayBuffers) / pending,
        unit: "B/event",
      },
    ],
  };
}
