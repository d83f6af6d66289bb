import { parse, View } from 'vega';
import { compile } from 'vega-lite';
import type { VegaLiteSpec } from './charts.js';

/** Renders a vega-lite spec to SVG headless, with vega's own renderer (no browser). */
export async function renderSvg(spec: VegaLiteSpec): Promise<string> {
  const view = new View(parse(compile(spec as never).spec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}
