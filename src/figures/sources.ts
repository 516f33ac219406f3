import type { SourceId } from "./types.js";

/**
 * The metric sources a recipe can read, as docs/metrics.md describes them. `one`: the label naming the
 * single thing (a database) whose series a figure of the source must come from.
 */
export const SOURCES: Readonly<
  Record<SourceId, { title: string; what: string; one?: { label: string; thing: string }; database?: true }>
> = {
  cadvisor: {
    title: "cAdvisor (kubelet)",
    what: "`container_cpu_usage_seconds_total`, `container_memory_working_set_bytes` with `pod` and `container` labels, as Coder's scale-test dashboard reads CPU; Coder's Helm charts name coderd's and the provisioner daemons' containers both `coder`, so provisioner pods are told apart by their name, `coder-provisioner-*`",
  },
  process: {
    title: "Go process metrics",
    what: '`process_cpu_seconds_total`, `process_resident_memory_bytes` from coderd\'s and provisionerd\'s own `/metrics`; the scrape job tells them apart (`job="coder"`, `job="coder-provisioner"`)',
  },
  coderd: {
    title: "coderd's own metrics",
    what: "`coderd_*` series from coderd's Prometheus endpoint",
  },
  cloudsql: {
    title: "Cloud SQL (Stackdriver exporter)",
    what: "`stackdriver_cloudsql_database_cloudsql_googleapis_com_database_*`, the names stackdriver_exporter gives Cloud Monitoring's `cloudsql.googleapis.com/database/*`",
    one: { label: "database_id", thing: "Cloud SQL instance" },
    database: true,
  },
  selfhosted: {
    title: "Self-hosted PostgreSQL (node_exporter + postgres_exporter)",
    what: "`node_*` of the database host (scrape job `node`) and `pg_*` of postgres_exporter (scrape job `postgres`)",
    one: { label: "instance", thing: "database host" },
    database: true,
  },
  rds: {
    title: "Amazon RDS (CloudWatch exporter)",
    what: "`aws_rds_*_average` series of prometheus/cloudwatch_exporter",
    one: { label: "dbinstance_identifier", thing: "RDS instance" },
    database: true,
  },
};

export const SOURCE_IDS = Object.keys(SOURCES) as SourceId[];
