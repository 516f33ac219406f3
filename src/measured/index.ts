export { formatCapsimCsv, readCapsimCsv } from "./capsimCsv.js";
export type { CapsimFigure } from "./capsimFigure.js";
export { type CapsimDocument, formatCapsimYaml, readCapsimYaml } from "./capsimYaml.js";
export { detectFormat } from "./detect.js";
export { foldIntoBuckets, histogramQuantile } from "./histogram.js";
export { NAME_THE_QUERY, readPromApiRecords } from "./promApi.js";
export { readExpositionSeries } from "./promText.js";
export { parseMeasured, readMeasuredFile } from "./read.js";
export {
  type CounterDerivation,
  type Histogram,
  type HistogramBucket,
  MEASURED_SCOPES,
  type MeasuredData,
  type MeasuredFormat,
  type MeasuredSample,
  type MeasuredScope,
  type MeasuredSource,
  SCALETEST_STAGES,
  type StageWindow,
} from "./sample.js";
export { readScrapeDirectory } from "./scrapeDir.js";
export { labelKey, mergeSeriesSets, SeriesBuilder } from "./seriesBuilder.js";
export { parseStageWindows, type StageWindowInput, toStageWindows } from "./stages.js";
export { readTsdbDump } from "./tsdbDump.js";
export { convertUnit, KNOWN_UNITS, parseQuantity } from "./units.js";
