import type { OverloadSpec } from "./overloadSchema.js";

/**
 * What a request's client does when coderd is slow: how long it waits for an answer, and whether it
 * tries again. coderd itself never times a request out (its http.Server sets no Read/WriteTimeout), so
 * the limit is the client's or the load balancer's in front of coderd.
 */
export interface ClientPolicy {
  /** The client gives up this long after sending, seconds (its context deadline, or the proxy's). */
  timeoutSeconds: number;
  /** Absent: the client gives up at the first timeout and goes on (its loop's next tick). */
  retry?: RetryPolicy;
}

/** coder/retry's exponential backoff: waits floor, 2·floor, … capped at ceil, between attempts. */
export interface RetryPolicy {
  initialSeconds: number;
  maxSeconds: number;
  /** Most retries after the first attempt (Infinity: the Go loops retry until they succeed). */
  retries: number;
}

/** Wait before retry number `retry` (1 for the first retry). */
export function backoffSeconds(policy: RetryPolicy, retry: number): number {
  return Math.min(policy.maxSeconds, policy.initialSeconds * 2 ** Math.max(0, retry - 1));
}

/** The policy the model file gives clients of class `name` under this agent transport, if any. */
export function clientPolicyFor(
  spec: OverloadSpec,
  name: string,
  agentTransport: "http" | "drpc",
): ClientPolicy | undefined {
  const c = spec?.[name as keyof NonNullable<OverloadSpec>];
  if (!c || (c.agent_transports && !c.agent_transports.includes(agentTransport))) return undefined;
  const retry =
    c.retry_initial_s && c.retry_max_s
      ? {
          initialSeconds: c.retry_initial_s.value,
          maxSeconds: c.retry_max_s.value,
          retries: c.retries?.value ?? Number.POSITIVE_INFINITY,
        }
      : undefined;
  return retry ? { timeoutSeconds: c.timeout_s.value, retry } : { timeoutSeconds: c.timeout_s.value };
}
