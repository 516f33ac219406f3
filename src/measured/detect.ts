import { InputError } from "../errors.js";
import { isCapsimCsvHeader } from "./capsimCsv.js";
import { SEP_LINE } from "./grafanaCsv.js";
import { isObject, type JsonRecord, parseJsonOrNdjson } from "./jsonRecords.js";
import { k6SummaryShape } from "./k6Summary.js";
import { isOpenMetrics, parseSampleLine } from "./promText.js";
import type { MeasuredFormat } from "./sample.js";
import { splitLines } from "./textPos.js";
import { isTsdbDump } from "./tsdbDump.js";

/** A detected format, with the parsed JSON records when the file was JSON (so it is parsed once). */
export interface Detection {
  format: MeasuredFormat;
  records?: JsonRecord[];
}

const PROM_DIRECTIVE = /^#\s*(HELP|TYPE|UNIT|EOF)\b/;
const CAPSIM_YAML_KEY = /^(?:-[ \t]+)?(metric|figures|stages|source)[ \t]*:/;

/** Decides the format from the content only (never the file name). `text` must be BOM-free. */
export function detectFormat(text: string, file: string): Detection {
  const trimmed = text.trimStart();
  if (trimmed === "") throw new InputError({ file, path: "", message: "empty file" });
  if (isTsdbDump(trimmed)) return { format: "promtool-dump" };
  if (trimmed.startsWith("{") || trimmed.startsWith("[")) return detectJson(text, file);

  const lines = splitLines(text);
  const filled = lines.filter((l) => l.trim() !== "");
  const first = filled[0]!;
  if (filled.some((l) => PROM_DIRECTIVE.test(l)))
    return { format: isOpenMetrics(text) ? "openmetrics" : "prom-text" };
  if (SEP_LINE.test(first)) return { format: "grafana-csv" };
  if (isCapsimCsvHeader(first)) return { format: "capsim-csv" };
  if (hasTimeHeader(first)) return { format: "grafana-csv" };
  if (filled.some((l) => CAPSIM_YAML_KEY.test(l))) return { format: "capsim-yaml" };
  const content = filled.filter((l) => !l.startsWith("#"));
  if (content.length > 0 && content.slice(0, 20).every(isPromSample)) return { format: "prom-text" };
  throw new InputError({
    file,
    line: lines.indexOf(first) + 1,
    path: "",
    message:
      "unrecognised format: expected capsim YAML/CSV, Prometheus text or OpenMetrics, promtool tsdb dump output, Prometheus API JSON, a Grafana CSV export, " +
      "coder scaletest JSON or a k6 summary",
  });
}

function isPromSample(line: string): boolean {
  try {
    parseSampleLine(line, false);
    return true;
  } catch {
    return false;
  }
}

/** A delimited header with a `Time` field, as Grafana writes it. */
function hasTimeHeader(line: string): boolean {
  const fields = line.split(/[,;\t]/).map((f) => f.trim().replace(/^"(.*)"$/, "$1"));
  return fields.length > 1 && fields.some((f) => /^time$/i.test(f));
}

function detectJson(text: string, file: string): Detection {
  const { records } = parseJsonOrNdjson(text, file);
  const first = records[0]!.value;
  const probe = Array.isArray(first) ? first[0] : first;
  if (isObject(probe)) {
    const queryDocument = typeof probe.query === "string" && ("data" in probe || "response" in probe);
    if (
      queryDocument ||
      "response" in probe ||
      (typeof probe.status === "string" && ("data" in probe || "error" in probe))
    ) {
      return { format: "prom-api", records };
    }
    if (isObject(probe.runs)) return { format: "coder-scaletest", records };
    const k6 = k6SummaryShape(probe);
    if (k6 === "v1") return { format: "k6-summary-v1", records };
    if (k6 === "legacy") return { format: "k6-summary", records };
    if (k6 === "export") return { format: "k6-summary-export", records };
    if (!Array.isArray(first) && ("figures" in probe || "stages" in probe)) return { format: "capsim-yaml" };
    if (Array.isArray(first) && "metric" in probe) return { format: "capsim-yaml" };
  }
  throw new InputError({
    file,
    line: 1,
    path: "",
    message:
      "JSON not recognised: expected a Prometheus API response (status, data), {query, data} or {query, response} documents, " +
      "coder scaletest results (runs) or a k6 summary (metrics or version + results)",
  });
}
