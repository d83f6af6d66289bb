import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/** A chart in the report: its spec (for the interactive view) and its SVG (shown without scripts). */
export interface ReportChart {
  id: string;
  spec: Record<string, unknown>;
  svg: string;
}

/** Everything a report page shows. */
export interface ReportPage {
  title: string;
  subtitle: string;
  tableHtml: string;
  charts: ReportChart[];
  /** Extra sections (heading, preformatted text), e.g. the scenario as run. */
  appendix: { heading: string; text: string }[];
}

const require = createRequire(import.meta.url);

/** The vega, vega-lite and vega-embed browser builds, read once, to inline (the report opens offline). */
function runtime(): string {
  // The packages' "exports" hide their browser builds, so find them beside each entry point.
  const files: [string, string][] = [['vega', 'vega.min.js'], ['vega-lite', 'vega-lite.min.js'], ['vega-embed', 'vega-embed.min.js']];
  return files
    .map(([pkg, file]) => join(dirname(require.resolve(pkg)), file))
    .map((f) => `<script>${readFileSync(f, 'utf8').replace(/<\/script/gi, '<\\/script')}</script>`)
    .join('\n');
}

function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/**
 * One self-contained HTML file: charts as inline SVG (visible with scripts disabled), replaced
 * by interactive vega-embed views when scripts run; no network fetches.
 */
export function reportHtml(page: ReportPage): string {
  const charts = page.charts
    .map((c) => `<section class="chart"><div id="${esc(c.id)}" class="view">${c.svg}</div></section>`)
    .join('\n');
  const specs = JSON.stringify(Object.fromEntries(page.charts.map((c) => [c.id, c.spec]))).replace(/</g, '\\u003c');
  const appendix = page.appendix.map((a) => `<details><summary>${esc(a.heading)}</summary><pre>${esc(a.text)}</pre></details>`).join('\n');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(page.title)}</title>
<style>
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; margin: 24px auto; max-width: 1100px; color: #222; padding: 0 16px; }
h1 { font-size: 22px; margin-bottom: 2px; } .sub { color: #666; margin-top: 0; }
table { border-collapse: collapse; margin: 16px 0; font-variant-numeric: tabular-nums; }
th, td { padding: 3px 10px; border-bottom: 1px solid #eee; text-align: right; } th:first-child, td:first-child { text-align: left; }
.chart { margin: 18px 0; } pre { background: #f6f6f6; padding: 10px; overflow: auto; }
</style>
</head>
<body>
<h1>${esc(page.title)}</h1>
<p class="sub">${esc(page.subtitle)}</p>
${page.tableHtml}
${charts}
${appendix}
${runtime()}
<script>
const specs = ${specs};
for (const [id, spec] of Object.entries(specs)) {
  vegaEmbed('#' + id, spec, { actions: false, renderer: 'svg' }).catch((e) => console.error('chart ' + id + ': ' + e));
}
</script>
</body>
</html>
`;
}
