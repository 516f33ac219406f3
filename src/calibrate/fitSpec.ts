import { InputError } from "../errors.js";

/** One `--fit path[=lo..hi]` argument as written. */
export interface FitSpec {
  /** Dotted path into the model file: `coderd.connection_cpu_vcpu`, `coderd.agent_rpc_cpu_s.p95`. */
  path: string;
  /** Bounds of the fitted quantity (a factor for a whole distribution), when given. */
  bounds?: [number, number];
}

const PATH = /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$/;

/** Parses `coderd.agent_rpc_cpu_s`, `coderd.connection_cpu_vcpu=0.0002..0.004`. */
export function parseFitSpec(text: string): FitSpec {
  const bad = (message: string) => new InputError({ file: "--fit", path: text, message });
  const eq = text.indexOf("=");
  const path = (eq < 0 ? text : text.slice(0, eq)).trim();
  if (!PATH.test(path)) throw bad("expected a dotted model path such as coderd.connection_cpu_vcpu");
  if (eq < 0) return { path };
  const parts = text.slice(eq + 1).split("..");
  const [lo, hi] = parts.map((p) => (p.trim() === "" ? Number.NaN : Number(p)));
  if (
    parts.length !== 2 ||
    lo === undefined ||
    hi === undefined ||
    !Number.isFinite(lo) ||
    !Number.isFinite(hi)
  ) {
    throw bad("bounds must be lo..hi with two numbers, e.g. =0.0002..0.004");
  }
  if (lo >= hi) throw bad(`bounds ${lo}..${hi}: lo must be below hi`);
  return { path, bounds: [lo, hi] };
}

/** commander collector for repeatable `--fit`. */
export function collectFitSpec(value: string, previous: FitSpec[]): FitSpec[] {
  return [...previous, parseFitSpec(value)];
}
