export { canonicalJson, canonicalSha256 } from "./canonicalJson.js";
export { SCENARIO_SCHEMA_ID, scenarioJsonSchema, scenarioJsonSchemaText } from "./jsonSchema.js";
export { type LoadedScenario, loadScenario, loadScenarioText, scenarioNameFromFile } from "./load.js";
export {
  CODER_VERSION_PATTERN,
  type Scenario,
  type ScenarioFile,
  type ScenarioInput,
  STAGE_NAMES,
  type Stage,
  type StageName,
  scenarioSchema,
} from "./schema.js";
export { applySetOverride, parseSetOverride, parseSetOverrides, type SetOverride } from "./setOverride.js";
export { MAX_ALIAS_COUNT, type ParseYamlOptions, parseYamlWithSchema } from "./yamlDocument.js";
