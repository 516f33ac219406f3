// M/M/4 at rho = 0.8 straight on the kernel: two registered actions (arrival, departure), an integer
// arrival-time ring buffer, no resource objects. The anchor "struct-of-arrays" model of des-anchors.md §3.1.
import { RandomStreams, Simulation } from "../../dist/engine/index.js";

const SERVERS = 4;
const ARRIVAL_RATE = 3.2;
const SERVICE_RATE = 1;
/** Exact Erlang C mean wait for M/M/4 at rho 0.8. */
const EXACT_WAIT_SECONDS = 0.7455405897342559;

export const description = "M/M/4, rho 0.8, kernel with registered actions (events = event-list pops)";

export function run({ customers = 1_000_000, seed = 1 } = {}) {
  const sim = new Simulation();
  const streams = new RandomStreams(seed);
  const arrivalRng = streams.stream("arrivals");
  const serviceRng = streams.stream("service");
  let queueTimes = new Float64Array(1 << 12);
  let head = 0;
  let queued = 0;
  let busy = 0;
  let arrivals = 0;
  let served = 0;
  let waitSum = 0;

  const depart = sim.register(() => {
    served++;
    if (served === customers) {
      sim.stop();
      return;
    }
    if (queued > 0) {
      const mask = queueTimes.length - 1;
      waitSum += sim.now - queueTimes[head];
      head = (head + 1) & mask;
      queued--;
      sim.schedule(-Math.log(1 - serviceRng()) / SERVICE_RATE, depart);
    } else {
      busy--;
    }
  });
  const arrive = sim.register(() => {
    arrivals++;
    if (busy < SERVERS) {
      busy++;
      sim.schedule(-Math.log(1 - serviceRng()) / SERVICE_RATE, depart);
    } else {
      if (queued === queueTimes.length) {
        queueTimes = unroll(queueTimes, head, queued);
        head = 0;
      }
      queueTimes[(head + queued) & (queueTimes.length - 1)] = sim.now;
      queued++;
    }
    sim.schedule(-Math.log(1 - arrivalRng()) / ARRIVAL_RATE, arrive);
  });

  sim.schedule(-Math.log(1 - arrivalRng()) / ARRIVAL_RATE, arrive);
  const cpuStart = process.cpuUsage();
  const start = process.hrtime.bigint();
  sim.run();
  const wallSeconds = Number(process.hrtime.bigint() - start) / 1e9;
  const cpu = process.cpuUsage(cpuStart);
  // CPU time (all of the process's threads) is what a loaded, shared machine distorts least.
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  // Waits of customers served without queueing are 0; the mean is over all served customers.
  const meanWait = waitSum / served;
  return {
    figures: [
      { name: "events/s", value: sim.eventsProcessed / wallSeconds, unit: "events/s", target: { min: 8e6 } },
      { name: "customers/s", value: served / wallSeconds, unit: "customers/s" },
      { name: "wall time", value: wallSeconds, unit: "s" },
      { name: "events per CPU second", value: sim.eventsProcessed / cpuSeconds, unit: "events/s" },
      { name: "events", value: sim.eventsProcessed, unit: "" },
      { name: "mean wait (exact 0.7455)", value: meanWait, unit: "s" },
    ],
    checks: { exactWaitSeconds: EXACT_WAIT_SECONDS, meanWaitSeconds: meanWait, arrivals },
  };
}

function unroll(ring, head, count) {
  const bigger = new Float64Array(ring.length * 2);
  for (let i = 0; i < count; i++) bigger[i] = ring[(head + i) & (ring.length - 1)];
  return bigger;
}
