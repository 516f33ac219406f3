import { escapeHtml } from "./escape.js";
import { HOVER_SCRIPT } from "./hoverScript.js";
import { REPORT_CSS } from "./styles.js";

export interface PageContent {
  title: string;
  /** Plain text under the title. */
  subtitle: string;
  /** Trusted HTML: every caller builds it from escaped parts. */
  body: string;
}

/**
 * The whole report as one file. The Content-Security-Policy forbids every network fetch, so the page
 * provably works offline and a browser would refuse anything a future edit tried to load.
 */
export function htmlPage(content: PageContent): string {
  const csp = "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:";
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="capsim">
<title>${escapeHtml(content.title)}</title>
<style>${REPORT_CSS}</style>
</head>
<body>
<main>
<h1>${escapeHtml(content.title)}</h1>
<p class="subtitle">${escapeHtml(content.subtitle)}</p>
${content.body}
</main>
<script>${HOVER_SCRIPT}</script>
</body>
</html>
`;
}
