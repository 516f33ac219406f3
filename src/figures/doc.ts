import { SOURCE_IDS, SOURCES } from "./sources.js";
import { FIGURES } from "./table.js";
import type { FigureDefinition, Reduction, SourceId } from "./types.js";

function reductionText(reduction: Reduction): string {
  if (reduction.kind === "at_end") return "at the window's end, `$__range` = the window";
  const stat = reduction.stat === "quantile" ? `p${(reduction.q ?? 0) * 100}` : reduction.stat;
  return `${stat} of all points`;
}

const cell = (text: string): string => text.replaceAll("|", "\\|");

/** Rows of one name (one per stage) shown once, with their stages together. */
function figuresByName(): { figure: FigureDefinition; stages: string }[] {
  const out: { figure: FigureDefinition; stages: string[] }[] = [];
  for (const figure of FIGURES) {
    const seen = out.find((o) => o.figure.name === figure.name);
    const stages = figure.stages ?? ["all"];
    if (seen) seen.stages.push(...stages);
    else out.push({ figure, stages: [...stages] });
  }
  return out.map((o) => ({ figure: o.figure, stages: o.stages.join(", ") }));
}

/** The figure table as docs/metrics.md shows it (a test keeps the two identical). */
export function figureTableMarkdown(): string {
  const out: string[] = [
    "| figure | unit | scope | stages | description |",
    "|---|---|---|---|---|",
    ...figuresByName().map(
      ({ figure, stages }) =>
        `| \`${figure.name}\` | ${figure.unit} | ${figure.scope} | ${stages} | ${cell(figure.description)} |`,
    ),
    "",
    "### Recipes, in the order they are tried",
    "",
    "| figure | source | PromQL | reduction |",
    "|---|---|---|---|",
  ];
  for (const { figure } of figuresByName()) {
    if (figure.recipes.length === 0) {
      out.push(`| \`${figure.name}\` | – | – | ${cell(figure.note ?? "no recipe")} |`);
      continue;
    }
    for (const recipe of figure.recipes) {
      out.push(
        `| \`${figure.name}\` | ${recipe.source} | \`${cell(recipe.promql)}\` | ${reductionText(recipe.reduction)} |`,
      );
    }
  }
  out.push("", "### What each source gives", "", `| figure | ${SOURCE_IDS.join(" | ")} |`);
  out.push(`|---|${SOURCE_IDS.map(() => "---").join("|")}|`);
  for (const { figure } of figuresByName()) {
    out.push(`| \`${figure.name}\` | ${SOURCE_IDS.map((s) => coverage(figure, s)).join(" | ")} |`);
  }
  out.push("", "Sources:", "");
  for (const id of SOURCE_IDS) out.push(`- **${id}**: ${SOURCES[id].title}: ${SOURCES[id].what}.`);
  return out.join("\n");
}

function coverage(figure: FigureDefinition, source: SourceId): string {
  const index = figure.recipes.findIndex((r) => r.source === source);
  if (index >= 0) return figure.recipes.length > 1 ? `yes (${ordinal(index + 1)})` : "yes";
  const lack = figure.lacks?.find((l) => l.source === source);
  return lack ? `no: ${cell(lack.why)}` : "–";
}

function ordinal(n: number): string {
  return n === 1 ? "1st" : n === 2 ? "2nd" : n === 3 ? "3rd" : `${n}th`;
}

/** Figures a source of their kind cannot give, with the reason, for reports ("which figures a source lacks"). */
export function figuresLackedBy(source: SourceId): { name: string; why: string }[] {
  return figuresByName()
    .map(({ figure }) => ({ name: figure.name, why: figure.lacks?.find((l) => l.source === source)?.why }))
    .filter((x): x is { name: string; why: string } => x.why !== undefined);
}
