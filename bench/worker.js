// Runs one benchmark module in this process and prints its figures, plus this process's peak RSS,
// as one JSON line: `node bench/worker.js <module> <params JSON>`.
const [modulePath, paramsJson] = process.argv.slice(2);
const benchmark = await import(new URL(modulePath, import.meta.url).href);
const result = await benchmark.run(JSON.parse(paramsJson ?? "{}"));
// maxRSS is in kilobytes.
const peakRssBytes = process.resourceUsage().maxRSS * 1024;
// A benchmark that runs its work in child processes reports their peak RSS itself.
if (!result.figures.some((f) => f.name === "peak RSS"))
  result.figures.push({ name: "peak RSS", value: peakRssBytes, unit: "bytes" });
process.stdout.write(`${JSON.stringify({ description: benchmark.description, figures: result.figures })}\n`);
