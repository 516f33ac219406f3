import { InputError } from "../errors.js";
import { inputLimits, MAX_INPUT_OPTION } from "../input/limits.js";
import { readInputText } from "../input/readInput.js";
import { readCapsimCsv } from "./capsimCsv.js";
import { readCapsimYaml } from "./capsimYaml.js";
import { readCoderScaletestRecords } from "./coderScaletest.js";
import { type Detection, detectFormat } from "./detect.js";
import { readGrafanaCsv } from "./grafanaCsv.js";
import { parseJsonOrNdjson } from "./jsonRecords.js";
import { readK6Summary } from "./k6Summary.js";
import { mapToCapsimSeries } from "./metricMap.js";
import { readPromApiRecords } from "./promApi.js";
import { readPromText } from "./promText.js";
import type { MeasuredData, MeasuredFormat, MeasuredSample } from "./sample.js";
import { stripBom } from "./textPos.js";

/**
 * Reads measured data in any supported format, detected from the content. Raw metrics the metric map
 * knows are renamed to capsim series (see docs/metrics.md). Bad input is always an InputError.
 */
export function parseMeasured(text: string, fileName: string): MeasuredData {
  try {
    const body = stripBom(text);
    const detection = detectFormat(body, fileName);
    const { samples, stages } = readAs(detection, body, fileName);
    const mapped = detection.format.startsWith("capsim") ? samples : samples.map(mapToCapsimSeries);
    return { file: fileName, format: detection.format, samples: mapped, stages };
  } catch (error) {
    if (error instanceof InputError) throw error;
    // Whatever the input (absurd nesting, huge numbers), callers only ever see an InputError.
    const what = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    throw new InputError({ file: fileName, path: "", message: `cannot read: ${what}` });
  }
}

/** Reads a measured-data file from disk: a regular file within the size cap (docs/security.md). */
export function readMeasuredFile(path: string): MeasuredData {
  const cap = { what: "measured data", maxBytes: inputLimits.measuredBytes, raiseWith: MAX_INPUT_OPTION };
  return parseMeasured(readInputText(path, cap), path);
}

function readAs(
  detection: Detection,
  text: string,
  file: string,
): { samples: MeasuredSample[]; stages: MeasuredData["stages"] } {
  const format: MeasuredFormat = detection.format;
  const records = (): NonNullable<Detection["records"]> =>
    detection.records ?? parseJsonOrNdjson(text, file).records;
  switch (format) {
    case "capsim-yaml": {
      const doc = readCapsimYaml(text, file);
      return { samples: doc.figures, stages: doc.stages };
    }
    case "capsim-csv":
      return { samples: readCapsimCsv(text, file), stages: [] };
    case "prom-text":
    case "openmetrics":
      return { samples: readPromText(text, file), stages: [] };
    case "prom-api":
      return { samples: readPromApiRecords(records(), file), stages: [] };
    case "grafana-csv":
      return { samples: readGrafanaCsv(text, file), stages: [] };
    case "coder-scaletest":
      return { samples: readCoderScaletestRecords(records(), file), stages: [] };
    case "k6-summary":
    case "k6-summary-v1":
    case "k6-summary-export":
      return { samples: records().flatMap((record) => readK6Summary(record, file)), stages: [] };
  }
}
