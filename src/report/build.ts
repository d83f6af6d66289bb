import { stringify } from 'yaml';
import { scenarioAsRun } from '../scenario/asRun.js';
import type { Scenario } from '../scenario/schema.js';
import type { ReplicationResult } from '../sim/replication.js';
import type { Summary } from '../sim/summary.js';
import { arrivalsChart, concurrencyChart, costChart, latencyCdfChart, latencyChart, poolChart, queueChart, type VegaLiteSpec } from './charts.js';
import { latencyCdf, latencyTail, mergedLatency, seriesRows } from './data.js';
import { reportHtml, type ReportChart } from './html.js';
import { renderSvg } from './svg.js';
import { summaryTable } from './table.js';

/** A variant to report: its scenario, replications and summary. */
export interface ReportVariant {
  variant: string;
  scenario: Scenario;
  results: ReplicationResult[];
  summary: Summary;
}

/** The chart specs of a report, by id (pure). */
export function reportSpecs(variants: readonly ReportVariant[]): Record<string, VegaLiteSpec> {
  const rows = variants.flatMap((v) => seriesRows(v.variant, v.results));
  const latency = variants.map((v) => mergedLatency(v.results)); // merged once per variant, for the curve and its marks
  const cdf = variants.flatMap((v, i) => latencyCdf(v.variant, latency[i]));
  const tail = variants.flatMap((v, i) => latencyTail(v.variant, latency[i]));
  const first = variants[0].scenario;
  return {
    arrivals: arrivalsChart(rows, first.output.interval, first.infrastructure.reserved.slots),
    concurrency: concurrencyChart(rows),
    pool: poolChart(rows),
    latency: latencyChart(rows),
    latencyCdf: latencyCdfChart(cdf, tail),
    queue: queueChart(rows),
    cost: costChart(rows),
  };
}

/** Builds `report.html` and each chart's SVG for one run or a comparison of variants. */
export async function buildReport(variants: readonly ReportVariant[]): Promise<{ html: string; svgs: Record<string, string> }> {
  const specs = reportSpecs(variants);
  const charts: ReportChart[] = [];
  for (const [id, spec] of Object.entries(specs)) charts.push({ id, spec, svg: await renderSvg(spec) });
  const names = variants.map((v) => v.variant).join(' vs ');
  const s0 = variants[0].summary;
  const html = reportHtml({
    title: variants.length > 1 ? `tidecast compare — ${names}` : `tidecast — ${names}`,
    subtitle: `seed ${s0.seed}, ${s0.replications} replication${s0.replications === 1 ? '' : 's'}${variants.length > 1 ? ' each, common random numbers' : ''}; values are means over replications with 95% intervals`,
    tableHtml: summaryTable(variants.map((v) => ({ variant: v.variant, summary: v.summary }))).toHTML(),
    charts,
    appendix: variants.map((v) => ({ heading: `Scenario as run: ${v.variant}`, text: stringify(scenarioAsRun(v.scenario)) })),
  });
  return { html, svgs: Object.fromEntries(charts.map((c) => [c.id, c.svg])) };
}
