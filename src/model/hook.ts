/**
 * A typed event between two parts of the model where the one that tells is built before the one that
 * listens (which needs the first): created before both, given to the teller at construction as `emit`,
 * connected once by the listener. Until then, as when the listener is absent, telling does nothing.
 */
export class Hook<A extends readonly unknown[]> {
  private listener: ((...args: A) => void) | undefined;

  /** Tells the listener, if one is connected. */
  readonly emit = (...args: A): void => {
    this.listener?.(...args);
  };

  connect(listener: (...args: A) => void): void {
    if (this.listener !== undefined) throw new Error("hook already connected");
    this.listener = listener;
  }
}

/**
 * A tailnet peer or tunnel event the PG coordinator writes (agents and sessions tell it): an agent's
 * coordinate stream opens or closes; a client connection to an agent opens or closes, as a new client peer
 * (`coder ssh`: its own tailnet) or as a tunnel from coderd's own peer (web terminal, apps).
 */
export type TailnetEvent =
  | "agent_up"
  | "agent_down"
  | "client_up"
  | "client_down"
  | "tunnel_up"
  | "tunnel_down";

/** The events between parts built in this order: each is told by an earlier part, heard by a later one. */
export interface ModelHooks {
  /** coderd's fluid inputs changed (agents, job updates, replicas, a database pause): the database follows. */
  readonly fluidChanged: Hook<[]>;
  /** An agent connected for the first time (the fleet tells, the runner waits for it). */
  readonly agentConnected: Hook<[agent: number]>;
  /**
   * A new agent's tailnet started (its first connection; not a redial, which keeps its tailnet): its netcheck
   * times the DERP regions (the fleet tells, the DERP latency gauge hears).
   */
  readonly agentStarted: Hook<[agent: number]>;
  /** A workday start is ready, with the time since it was due (the runner tells the workday or week). */
  readonly workdayReady: Hook<[workspace: number, seconds: number]>;
  /** A workday stop build finished (the runner tells the week). */
  readonly workdayStopped: Hook<[workspace: number]>;
  /** A tailnet event on a replica (agents and sessions tell, the PG coordinator hears). */
  readonly tailnet: Hook<[event: TailnetEvent, agent: number, replica: number]>;
}

export function modelHooks(): ModelHooks {
  return {
    fluidChanged: new Hook(),
    agentConnected: new Hook(),
    agentStarted: new Hook(),
    workdayReady: new Hook(),
    workdayStopped: new Hook(),
    tailnet: new Hook(),
  };
}
