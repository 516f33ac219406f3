// M/M/c with capsim's engine: c servers, Poisson arrivals, exponential service, Erlang C to compare.

import { mmc } from "capsim/analytic";
import { confidenceInterval, FcfsQueue, RandomStreams, Simulation } from "capsim/engine";

const [servers, lambda, mu, customers] = [4, 3.2, 1, 200_000];
const waits = [];
for (let r = 0; r < 10; r++) {
  const sim = new Simulation();
  const rng = new RandomStreams(`mmc-${r}`);
  const arrivals = rng.stream("arrivals"),
    service = rng.stream("service");
  const queue = new FcfsQueue(sim, { name: "servers", servers });
  let arrived = 0;
  const arrive = sim.register(() => {
    queue.submit(-Math.log(1 - service()) / mu);
    if (++arrived < customers) sim.schedule(-Math.log(1 - arrivals()) / lambda, arrive);
  });
  sim.schedule(0, arrive);
  sim.run(1000);
  queue.resetStats(); // warm-up removal
  sim.run();
  waits.push(queue.stats().mean_wait_s);
}
const ci = confidenceInterval(waits);
console.log(`Wq simulated ${ci.mean.toFixed(4)} s, 95% CI [${ci.lo.toFixed(4)}, ${ci.hi.toFixed(4)}]`);
console.log(`Wq Erlang C  ${mmc(lambda, mu, servers).meanWaitSeconds.toFixed(4)} s`);
