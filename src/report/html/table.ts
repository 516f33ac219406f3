import { escapeHtml } from "./escape.js";

export type Cell = string | { text: string; className?: string };

/** An HTML table whose every cell is escaped; `className` marks numbers, verdicts and long text. */
export function htmlTable(
  header: readonly string[],
  rows: readonly (readonly Cell[])[],
  caption?: string,
): string {
  const cell = (c: Cell, tag: "td" | "th") => {
    const { text, className } = typeof c === "string" ? { text: c, className: undefined } : c;
    return `<${tag}${className ? ` class="${escapeHtml(className)}"` : ""}>${escapeHtml(text)}</${tag}>`;
  };
  const cap = caption ? `<caption class="note">${escapeHtml(caption)}</caption>` : "";
  return `<table>${cap}<thead><tr>${header.map((h) => cell(h, "th")).join("")}</tr></thead><tbody>
${rows.map((r) => `<tr>${r.map((c) => cell(c, "td")).join("")}</tr>`).join("\n")}
</tbody></table>`;
}

export const num = (text: string): Cell => ({ text, className: "num" });
