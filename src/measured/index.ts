export { formatCapsimCsv, readCapsimCsv } from "./capsimCsv.js";
export type { CapsimFigure } from "./capsimFigure.js";
export { type CapsimDocument, formatCapsimYaml, readCapsimYaml } from "./capsimYaml.js";
export { detectFormat } from "./detect.js";
export { type DeriveOptions, deriveFigures } from "./figures.js";
export {
  CAPSIM_METRICS,
  componentOf,
  type FigureReduction,
  METRIC_MAP,
  type MetricMapRow,
  mapToCapsimSeries,
  metricMapRow,
  type SeriesCombine,
  type SeriesInput,
} from "./metricMap.js";
export { recogniseQuery } from "./promApi.js";
export { parseMeasured, readMeasuredFile } from "./read.js";
export {
  counterRates,
  DEFAULT_LOOKBACK_SECONDS,
  foldIntoBuckets,
  groupSeries,
  histogramIncrease,
  histogramQuantile,
  inWindow,
  quantile,
  reduceInWindows,
  reduceValues,
  type SeriesPoint,
  type SeriesReduction,
  sumAtInstants,
  sumHistograms,
  sumPerReplicaMax,
  windowHistogram,
} from "./reduce.js";
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
export { parseStageWindows, type StageWindowInput, toStageWindows } from "./stages.js";
export { convertUnit, KNOWN_UNITS, parseQuantity } from "./units.js";
