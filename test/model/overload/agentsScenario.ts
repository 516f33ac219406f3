/** 200 agents (2 metadata items every 10 s) and 100 dashboard users on one coderd replica of `vcpu`. */
export const agentsOnOneReplica = (vcpu: number, version = "2.8") => `
deployment:
  coder_version: "${version}"
  coderd: {replicas: 1, vcpu: ${vcpu}, memory_gb: 8, pg_conn_max_open: 10}
  provisioners: {count: 20, vcpu: 1, memory_gb: 1}
  database: {vcpu: 4, memory_gb: 16}
workload:
  users: 200
  workspaces: 200
  agent:
    metadata: {items: 2, interval_s: 10}
  dashboard: {interval_s: 10, jitter_s: 5}
  builds: {create_concurrency: 20, cleanup_concurrency: 20}
stages:
  - {name: prepare, start_s: 0, duration_s: 300}
  - {name: dashboard, start_s: 300, duration_s: 600, target_pct: 50}
`;
