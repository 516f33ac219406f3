export { canonicalJson, canonicalSha256 } from "./canonicalJson.js";
export { duplicateKeys } from "./duplicateKeys.js";
export { SCENARIO_SCHEMA_ID, scenarioJsonSchema, scenarioJsonSchemaText } from "./jsonSchema.js";
export { type LoadedScenario, loadScenario, loadScenarioText, scenarioNameFromFile } from "./load.js";
export { locatePath } from "./locate.js";
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
export {
  applySetOverride,
  overrideSource,
  parseSetOverride,
  parseSetOverrides,
  type SetOverride,
} from "./setOverride.js";
export { MAX_ALIAS_COUNT, type ParseYamlOptions, parseYamlWithSchema } from "./yamlDocument.js";
