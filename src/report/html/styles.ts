/** The report's only stylesheet, inlined so the file works offline. */
export const REPORT_CSS = `
:root { color-scheme: light; --fg: #1d2230; --muted: #5b6275; --line: #dfe3ea; --bg: #ffffff; --panel: #f6f7f9;
  --pass: #1b7f3b; --fail: #c62828; --accent: #4269d0; }
* { box-sizing: border-box; }
body { margin: 0; background: var(--bg); color: var(--fg);
  font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
main { max-width: 1120px; margin: 0 auto; padding: 24px 24px 64px; }
h1 { font-size: 22px; margin: 0 0 4px; }
h2 { font-size: 17px; margin: 32px 0 8px; padding-bottom: 4px; border-bottom: 1px solid var(--line); }
h3 { font-size: 14px; margin: 0 0 4px; }
p, li { max-width: 80ch; }
.subtitle, .note { color: var(--muted); }
.note { font-size: 12.5px; }
.callout { background: var(--panel); border-left: 4px solid var(--accent); padding: 10px 14px; margin: 16px 0; }
.callout.fail { border-left-color: var(--fail); }
.callout.pass { border-left-color: var(--pass); }
.grid { display: grid; grid-template-columns: repeat(auto-fill, minmax(460px, 1fr)); gap: 12px 20px; }
figure.chart { margin: 12px 0 20px; position: relative; }
figure.chart figcaption { font-weight: 600; margin-bottom: 2px; }
figure.chart figcaption .unit { font-weight: 400; color: var(--muted); }
figure.chart svg { display: block; max-width: 100%; height: auto; overflow: visible; }
.legend { display: flex; flex-wrap: wrap; gap: 4px 14px; font-size: 12px; color: var(--muted); margin: 2px 0 4px; }
.legend .sw { display: inline-block; width: 12px; height: 12px; border-radius: 2px; margin-right: 5px; vertical-align: -2px; }
.legend .sw.line { height: 3px; vertical-align: 3px; }
table { border-collapse: collapse; margin: 8px 0 16px; font-size: 13px; }
th, td { text-align: left; padding: 4px 10px; border-bottom: 1px solid var(--line); vertical-align: top; }
th { background: var(--panel); font-weight: 600; }
td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
td.wrap { max-width: 60ch; overflow-wrap: anywhere; }
.verdict-pass { color: var(--pass); font-weight: 600; }
.verdict-fail { color: var(--fail); font-weight: 600; }
details > summary { cursor: pointer; color: var(--accent); margin: 8px 0; }
code { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 12.5px; }
.hover-tip { position: absolute; pointer-events: none; background: rgba(255,255,255,0.96); border: 1px solid var(--line);
  border-radius: 4px; padding: 4px 8px; font-size: 12px; box-shadow: 0 2px 6px rgba(0,0,0,0.12); white-space: nowrap; }
.hover-tip .t { color: var(--muted); }
@media print { .hover-tip { display: none; } }
`;
