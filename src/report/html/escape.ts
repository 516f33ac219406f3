/** Escapes text for HTML element content and quoted attribute values (both contexts are safe). */
export function escapeHtml(text: string): string {
  return showControls(text).replace(/[&<>"']/g, (c) => HTML_ENTITIES[c]!);
}

// Controls a page would obey invisibly: C0/C1 (but tab and line ends) and the bidirectional overrides.
const HIDDEN_CONTROLS =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
  /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

/**
 * Control characters shown as `\u202e`-style text: a right-to-left override from input would make the
 * text after it read backwards (`\u202eevil` shows as "live"), so the page shows it instead of obeying it.
 */
export function showControls(text: string): string {
  return text.replace(HIDDEN_CONTROLS, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}

const HTML_ENTITIES: Record<string, string> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
};

/**
 * JSON to embed in `<script type="application/json">`: `<` is escaped so no string can close the
 * script element, and U+2028/U+2029 so older parsers never see a line break inside a string.
 */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, "\\u003c")
    .replace(/\u2028/g, "\\u2028")
    .replace(/\u2029/g, "\\u2029");
}
