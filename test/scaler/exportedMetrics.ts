import { ScalerMetrics } from '../../src/scaler/metrics.js';

/** Every series name the scaler's /metrics can carry (histograms as _bucket, _sum, _count), process metrics included. */
export function exportedSeriesNames(): Set<string> {
  const m = new ScalerMetrics(true);
  const names = new Set<string>();
  for (const metric of m.registry.getMetricsAsArray()) {
    const { name, type } = metric as unknown as { name: string; type: string };
    if (type === 'histogram') for (const s of ['_bucket', '_sum', '_count']) names.add(name + s);
    else if (type === 'summary') for (const s of ['', '_sum', '_count']) names.add(name + s);
    else names.add(name);
  }
  void m.close();
  return names;
}
