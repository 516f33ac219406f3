import { existsSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { InputError, type InputIssue } from "../errors.js";
import { inputLimits } from "../input/limits.js";
import { confinedInputPath } from "../input/paths.js";
import { readInputText } from "../input/readInput.js";
import { DAY_PROFILE_SLOT_S, DAY_PROFILE_SLOTS } from "./schema.js";

/** Day profiles shipped with capsim: `models/day-profiles/<name>.csv`. */
export const SHIPPED_DAY_PROFILES_DIR = resolve(
  dirname(fileURLToPath(import.meta.url)),
  "../../models/day-profiles",
);
const HEADER = "time,users";

/** `office` names a shipped profile; anything with a slash or a `.csv` ending is a file. */
export function isShippedProfileName(value: string): boolean {
  return /^[a-z0-9][a-z0-9-]*$/.test(value);
}

/**
 * The 96 values of a `workload.day_profile` given by name or file. A file is read relative to the
 * scenario's folder and must stay inside it (src/input/paths.ts).
 */
export function loadDayProfile(value: string, scenarioFile: string): number[] {
  if (isShippedProfileName(value)) {
    const file = resolve(SHIPPED_DAY_PROFILES_DIR, `${value}.csv`);
    if (!existsSync(file))
      throw new InputError({
        file: scenarioFile,
        path: "workload.day_profile",
        message: `no shipped day profile named "${value}" (a file needs a .csv ending or a folder)`,
      });
    return readProfile(file);
  }
  const file = confinedInputPath(dirname(resolve(scenarioFile)), value, {
    file: scenarioFile,
    path: "workload.day_profile",
  });
  return readProfile(file);
}

function readProfile(file: string): number[] {
  return parseDayProfile(
    readInputText(file, { what: "day profile", maxBytes: inputLimits.scenarioBytes }),
    file,
  );
}

/** `HH:MM` of slot k. */
export function slotTime(k: number): string {
  const minutes = k * (DAY_PROFILE_SLOT_S / 60);
  return `${String(Math.floor(minutes / 60)).padStart(2, "0")}:${String(minutes % 60).padStart(2, "0")}`;
}

/**
 * Parses `time,users` rows, one per 15 minutes from 00:00 to 23:45. Every problem is reported with its
 * line and column; cell text is never quoted back (the file could be anything a scenario points at).
 */
export function parseDayProfile(text: string, file: string): number[] {
  const lines = text.replace(/^\uFEFF/, "").split(/\r?\n/);
  while (lines.length > 0 && lines.at(-1)!.trim() === "") lines.pop();
  const issues: InputIssue[] = [];
  const issue = (line: number, col: number, path: string, message: string) => {
    if (issues.length < 20) issues.push({ file, line, col, path, message });
  };
  if (lines[0]?.trim() !== HEADER) {
    issue(1, 1, "", `not a day-profile CSV: expected the header \`${HEADER}\``);
    throw new InputError(issues);
  }
  const values: number[] = [];
  for (let i = 1; i < lines.length; i++) {
    const line = i + 1;
    const cells = lines[i]!.split(",");
    const slot = i - 1;
    if (cells.length !== 2) {
      issue(line, 1, "", `expected 2 fields (time,users), got ${cells.length}`);
      continue;
    }
    const [time, users] = cells as [string, string];
    if (slot < DAY_PROFILE_SLOTS && time.trim() !== slotTime(slot))
      issue(line, 1, "time", `expected ${slotTime(slot)}: one row per 15 minutes from 00:00, in order`);
    const n = users.trim() === "" ? Number.NaN : Number(users);
    if (!Number.isFinite(n) || n < 0)
      issue(line, time.length + 2, "users", "expected a number of users, 0 or more");
    values.push(n);
  }
  if (values.length !== DAY_PROFILE_SLOTS)
    issue(
      Math.min(lines.length, 1 + DAY_PROFILE_SLOTS) + (values.length < DAY_PROFILE_SLOTS ? 1 : 0),
      1,
      "",
      `expected ${DAY_PROFILE_SLOTS} rows (00:00 to 23:45), got ${values.length}`,
    );
  if (issues.length === 0 && values.every((v) => v === 0))
    issue(2, 1, "users", "every slot is 0: nobody would work");
  if (issues.length > 0) throw new InputError(issues);
  return values;
}
