// Calibration, not capsim code: the plain struct-of-arrays heap of des-anchors.md §3.2–3.3 (time, seq
// and kind typed arrays, no cancel, no handles) on the same hold model. It measured 199 ns/event at
// n = 10^5 on a quiet machine of this kind; comparing it with hold-1e5 in the same run separates the
// kernel's own cost from how busy the machine is.
import { RandomStreams } from "../../dist/engine/index.js";

export const description = "reference SoA heap without cancel (anchor), hold model";

export function run({ pending = 100_000, holds = 2_000_000, seed = 1 } = {}) {
  const capacity = pending + 1;
  const time = new Float64Array(capacity);
  const seq = new Float64Array(capacity);
  const kind = new Uint8Array(capacity);
  let size = 0;
  let nextSeq = 0;
  const rng = new RandomStreams(seed).stream("hold");
  const less = (a, b) => time[a] < time[b] || (time[a] === time[b] && seq[a] < seq[b]);
  const swap = (a, b) => {
    const t = time[a];
    time[a] = time[b];
    time[b] = t;
    const s = seq[a];
    seq[a] = seq[b];
    seq[b] = s;
    const k = kind[a];
    kind[a] = kind[b];
    kind[b] = k;
  };
  const push = (t, k) => {
    let i = size++;
    time[i] = t;
    seq[i] = nextSeq++;
    kind[i] = k;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!less(i, parent)) break;
      swap(i, parent);
      i = parent;
    }
  };
  const pop = () => {
    const t = time[0];
    size--;
    time[0] = time[size];
    seq[0] = seq[size];
    kind[0] = kind[size];
    let i = 0;
    for (;;) {
      let child = 2 * i + 1;
      if (child >= size) break;
      if (child + 1 < size && less(child + 1, child)) child++;
      if (!less(child, i)) break;
      swap(i, child);
      i = child;
    }
    return t;
  };
  for (let i = 0; i < pending; i++) push(-Math.log(1 - rng()), 0);
  const start = process.hrtime.bigint();
  for (let h = 0; h < holds; h++) {
    const now = pop();
    push(now - Math.log(1 - rng()), 0);
  }
  const wallSeconds = Number(process.hrtime.bigint() - start) / 1e9;
  return {
    figures: [
      { name: "events/s", value: holds / wallSeconds, unit: "events/s" },
      { name: "ns/event", value: (wallSeconds * 1e9) / holds, unit: "ns" },
    ],
  };
}
