import { statSync } from "node:fs";
import { InputError } from "../errors.js";
import { inputLimits, MAX_INPUT_OPTION } from "../input/limits.js";
import { readInputText } from "../input/readInput.js";
import { readCapsimCsv } from "./capsimCsv.js";
import { readCapsimYaml } from "./capsimYaml.js";
import { readCoderScaletestRecords } from "./coderScaletest.js";
import { type Detection, detectFormat } from "./detect.js";
import { readGrafanaSeries } from "./grafanaSeries.js";
import { parseJsonOrNdjson } from "./jsonRecords.js";
import { readK6Summary } from "./k6Summary.js";
import { readPromApiRecords } from "./promApi.js";
import { readExpositionSeries } from "./promText.js";
import type { MeasuredData, MeasuredFormat } from "./sample.js";
import { readScrapeDirectory } from "./scrapeDir.js";
import { stripBom } from "./textPos.js";
import { readTsdbDump } from "./tsdbDump.js";

/**
 * Reads measured data in any supported format, detected from the content. Time series keep their
 * metric names and labels (the figure table reads them, docs/metrics.md). Bad input is always an InputError.
 */
export function parseMeasured(text: string, fileName: string): MeasuredData {
  try {
    const body = stripBom(text);
    const detection = detectFormat(body, fileName);
    return { file: fileName, format: detection.format, ...readAs(detection, body, fileName) };
  } catch (error) {
    if (error instanceof InputError) throw error;
    // Whatever the input (absurd nesting, huge numbers), callers only ever see an InputError.
    const what = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    throw new InputError({ file: fileName, path: "", message: `cannot read: ${what}` });
  }
}

/** Reads a measured-data file (a regular file within the size cap, docs/security.md), or a directory of scrapes. */
export function readMeasuredFile(path: string): MeasuredData {
  if (isDirectory(path)) {
    const series = readScrapeDirectory(path);
    return { file: path, format: "scrape-directory", samples: [], stages: [], series: { series } };
  }
  const cap = { what: "measured data", maxBytes: inputLimits.measuredBytes, raiseWith: MAX_INPUT_OPTION };
  return parseMeasured(readInputText(path, cap), path);
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

type Read = Omit<MeasuredData, "file" | "format">;

function readAs(detection: Detection, text: string, file: string): Read {
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
      return { samples: [], stages: [], series: { series: readExpositionSeries(text, file) } };
    case "promtool-dump":
      return { samples: [], stages: [], series: { series: readTsdbDump(text, file) } };
    case "scrape-directory":
      throw new InputError({
        file,
        path: "",
        message: "a scrape directory is read from disk, not from text",
      });
    case "prom-api": {
      const { series, answers } = readPromApiRecords(records(), file);
      return { samples: [], stages: [], series: { series }, answers };
    }
    case "grafana-csv": {
      const { series, answers, unmapped } = readGrafanaSeries(text, file);
      return { samples: [], stages: [], series: { series }, answers, unmapped };
    }
    case "coder-scaletest":
      return { samples: readCoderScaletestRecords(records(), file), stages: [] };
    case "k6-summary":
    case "k6-summary-v1":
    case "k6-summary-export":
      return { samples: records().flatMap((record) => readK6Summary(record, file)), stages: [] };
  }
}
