// The PS CPU alone: N jobs circulate on one 2-core CPU with 0.5 vCPU of background (1.5 cores for jobs, as the
// database's at 2000 users); each completion resubmits a job (exponential work, mean 5 ms, from a fixed table).
// Prints the median wall-clock ns per completion (one event, one arrival) over 7 runs of 10^6 after 3 warm-ups.
//   node bench/psClosedLoop.js [tree=.] [N=6]
import { resolve } from "node:path";

const tree = resolve(process.argv[2] ?? ".");
const N = Number(process.argv[3] ?? 6);
const { Simulation } = await import(`${tree}/dist/engine/simulation.js`);
const { ProcessorSharingCpu } = await import(`${tree}/dist/engine/resources/processorSharingCpu.js`);
const works = new Float64Array(1 << 16);
let s = 12345;
for (let i = 0; i < works.length; i++) {
  s = (s * 1103515245 + 12345) >>> 0;
  works[i] = -Math.log((s + 1) / 4294967297) * 0.005;
}
function once(completions) {
  const sim = new Simulation();
  const cpu = new ProcessorSharingCpu(sim, { name: "cpu", cores: 2 });
  cpu.setBackgroundLoad(0.5);
  let k = 0,
    done = 0;
  cpu.onCompleteTag((tag) => {
    if (++done < completions) cpu.submit(works[k++ & 65535], tag);
  });
  for (let j = 0; j < N; j++) cpu.submit(works[k++ & 65535], j);
  const t = process.hrtime.bigint();
  sim.run();
  return Number(process.hrtime.bigint() - t) / done;
}
for (let r = 0; r < 3; r++) once(1e6);
const xs = [];
for (let r = 0; r < 7; r++) xs.push(once(1e6));
xs.sort((a, b) => a - b);
console.log(`${tree} N=${N}: median ${xs[3].toFixed(1)} ns per completion (min ${xs[0].toFixed(1)})`);
