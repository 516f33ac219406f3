import { InputError, type InputIssue } from "../errors.js";
import { LineIndex } from "./textPos.js";

/** A path into a JSON document: object keys and array indexes. */
export type JsonPath = readonly (string | number)[];

interface SyntaxProblem {
  offset: number;
  message: string;
}

class Found {
  constructor(readonly offset: number) {}
}

/**
 * A validating JSON scanner that only tracks offsets. Node 20's JSON.parse messages often omit the
 * position, and JSON.parse keeps none for valid documents, so errors are located with this instead.
 */
class Scanner {
  private pos = 0;

  constructor(
    private readonly text: string,
    private readonly target?: JsonPath,
  ) {}

  run(): void {
    this.value(0, true);
    this.ws();
    if (this.pos < this.text.length) this.fail("unexpected text after the JSON value");
  }

  private fail(message: string): never {
    throw { offset: this.pos, message } satisfies SyntaxProblem;
  }

  private ws(): void {
    while (this.pos < this.text.length && " \t\n\r".includes(this.text[this.pos]!)) this.pos++;
  }

  private value(depth: number, onTarget: boolean): void {
    this.ws();
    if (onTarget && this.target && depth === this.target.length) throw new Found(this.pos);
    const c = this.text[this.pos];
    if (c === "{") this.object(depth, onTarget);
    else if (c === "[") this.array(depth, onTarget);
    else if (c === '"') this.string();
    else if (c === "t") this.literal("true");
    else if (c === "f") this.literal("false");
    else if (c === "n") this.literal("null");
    else if (c !== undefined && /[-0-9]/.test(c)) this.number();
    else this.fail(c === undefined ? "unexpected end of file" : `unexpected character ${JSON.stringify(c)}`);
  }

  private object(depth: number, onTarget: boolean): void {
    this.pos++;
    this.ws();
    if (this.text[this.pos] === "}") {
      this.pos++;
      return;
    }
    for (;;) {
      this.ws();
      if (this.text[this.pos] !== '"') this.fail("expected a quoted property name");
      const keyStart = this.pos;
      this.string();
      const key = JSON.parse(this.text.slice(keyStart, this.pos)) as string;
      this.ws();
      if (this.text[this.pos] !== ":") this.fail("expected ':' after the property name");
      this.pos++;
      this.value(depth + 1, onTarget && this.target?.[depth] === key);
      this.ws();
      const c = this.text[this.pos];
      if (c === ",") this.pos++;
      else if (c === "}") {
        this.pos++;
        return;
      } else this.fail("expected ',' or '}' after a property value");
    }
  }

  private array(depth: number, onTarget: boolean): void {
    this.pos++;
    this.ws();
    if (this.text[this.pos] === "]") {
      this.pos++;
      return;
    }
    for (let index = 0; ; index++) {
      this.value(depth + 1, onTarget && this.target?.[depth] === index);
      this.ws();
      const c = this.text[this.pos];
      if (c === ",") this.pos++;
      else if (c === "]") {
        this.pos++;
        return;
      } else this.fail("expected ',' or ']' after an array element");
    }
  }

  private string(): void {
    this.pos++;
    while (this.pos < this.text.length) {
      const c = this.text[this.pos]!;
      if (c === '"') {
        this.pos++;
        return;
      }
      if (c === "\\") {
        const e = this.text[this.pos + 1];
        if (e === "u") {
          if (!/^[0-9a-fA-F]{4}$/.test(this.text.slice(this.pos + 2, this.pos + 6)))
            this.fail("bad \\u escape");
          this.pos += 6;
        } else if (e !== undefined && '"\\/bfnrt'.includes(e)) this.pos += 2;
        else this.fail("bad escape in string");
      } else if (c.charCodeAt(0) < 0x20) this.fail("control character in string (unescaped newline?)");
      else this.pos++;
    }
    this.fail("unterminated string");
  }

  private literal(word: string): void {
    if (this.text.startsWith(word, this.pos)) this.pos += word.length;
    else this.fail(`unexpected character ${JSON.stringify(this.text[this.pos])}`);
  }

  private number(): void {
    const match = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][-+]?\d+)?/.exec(
      this.text.slice(this.pos, this.pos + 400),
    );
    if (!match) this.fail("malformed number");
    this.pos += match[0].length;
  }
}

/** Offset of the value at `path`, or undefined when the path is absent or the text is not JSON. */
export function jsonOffsetOf(text: string, path: JsonPath): number | undefined {
  try {
    new Scanner(text, path).run();
  } catch (thrown) {
    if (thrown instanceof Found) return thrown.offset;
  }
  return undefined;
}

/** Position and wording of the first syntax error, or undefined when the text is valid JSON. */
export function jsonSyntaxProblem(text: string): SyntaxProblem | undefined {
  try {
    new Scanner(text).run();
    return undefined;
  } catch (thrown) {
    if (thrown instanceof Found) return undefined;
    if (typeof thrown === "object" && thrown !== null && "offset" in thrown) return thrown as SyntaxProblem;
    return { offset: 0, message: "too deeply nested" };
  }
}

/**
 * Deepest nesting of arrays and objects a JSON input may have: capsim's own files nest about 8 deep,
 * and code that walks a value (canonical hashes, the report's tables) recurses once per level.
 */
export const MAX_JSON_DEPTH = 64;

/** Offset of the first `[` or `{` nested deeper than `max` (strings skipped), or undefined. */
function tooDeepAt(text: string, max: number): number | undefined {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++;
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) {
      if (++depth > max) return i;
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
  return undefined;
}

/** Refuses JSON nested deeper than MAX_JSON_DEPTH at its line and column (it would overflow the stack). */
export function refuseDeepJson(text: string, file: string, firstLine = 1): void {
  const at = tooDeepAt(text, MAX_JSON_DEPTH);
  if (at === undefined) return;
  const pos = new LineIndex(text).position(at);
  throw new InputError({
    file,
    line: pos.line + firstLine - 1,
    col: pos.col,
    path: "",
    message: `nested deeper than ${MAX_JSON_DEPTH} levels`,
  });
}

/** JSON.parse that reports malformed input as `file:line:col: not valid JSON: ...`. */
export function parseJsonText(text: string, file: string, firstLine = 1): unknown {
  refuseDeepJson(text, file, firstLine);
  try {
    return JSON.parse(text);
  } catch {
    const problem = jsonSyntaxProblem(text) ?? { offset: 0, message: "not valid JSON" };
    const pos = new LineIndex(text).position(problem.offset);
    throw new InputError({
      file,
      line: pos.line + firstLine - 1,
      col: pos.col,
      path: "",
      message: `not valid JSON: ${problem.message}`,
    });
  }
}

/** Formats a JSON path the way scenario errors do: `data.result.0.values`. */
export function formatJsonPath(path: JsonPath): string {
  return path.join(".");
}

/** An issue positioned at the value `path` designates (or its nearest existing parent). */
export function jsonIssue(
  text: string,
  file: string,
  path: JsonPath,
  message: string,
  firstLine = 1,
): InputIssue {
  for (let length = path.length; length >= 0; length--) {
    const offset = jsonOffsetOf(text, path.slice(0, length));
    if (offset !== undefined) {
      const pos = new LineIndex(text).position(offset);
      return { file, line: pos.line + firstLine - 1, col: pos.col, path: formatJsonPath(path), message };
    }
  }
  return { file, path: formatJsonPath(path), message };
}
