/**
 * Nelder–Mead minimisation in a box (parameters clamped to [lo, hi]), deterministic from the
 * given start. Enough for 2–4 smoothing parameters of exponential-smoothing models.
 */
export function nelderMead(f: (x: number[]) => number, start: number[], lo: number[], hi: number[], maxEval = 300, tol = 1e-7): { x: number[]; fx: number } {
  const n = start.length;
  const clamp = (x: number[]) => x.map((v, i) => Math.min(hi[i], Math.max(lo[i], v)));
  const pts: number[][] = [clamp(start)];
  for (let i = 0; i < n; i++) {
    const p = [...pts[0]];
    const step = (hi[i] - lo[i]) * 0.15;
    p[i] = p[i] + step <= hi[i] ? p[i] + step : p[i] - step;
    pts.push(clamp(p));
  }
  let vals = pts.map(f);
  let evals = pts.length;
  while (evals < maxEval) {
    const order = vals.map((v, i) => i).sort((a, b) => vals[a] - vals[b]);
    const P = order.map((i) => pts[i]);
    const V = order.map((i) => vals[i]);
    pts.splice(0, pts.length, ...P);
    vals = V;
    if (Math.abs(vals[n] - vals[0]) <= tol * (Math.abs(vals[0]) + tol)) break;
    const c = new Array(n).fill(0);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) c[j] += pts[i][j] / n;
    const along = (t: number) => clamp(c.map((cj, j) => cj + t * (pts[n][j] - cj)));
    const r = along(-1);
    const fr = f(r);
    evals++;
    if (fr < vals[0]) {
      const e = along(-2);
      const fe = f(e);
      evals++;
      if (fe < fr) [pts[n], vals[n]] = [e, fe];
      else [pts[n], vals[n]] = [r, fr];
    } else if (fr < vals[n - 1]) {
      [pts[n], vals[n]] = [r, fr];
    } else {
      const k = along(fr < vals[n] ? -0.5 : 0.5);
      const fk = f(k);
      evals++;
      if (fk < Math.min(fr, vals[n])) [pts[n], vals[n]] = [k, fk];
      else {
        for (let i = 1; i <= n; i++) {
          pts[i] = clamp(pts[i].map((v, j) => pts[0][j] + 0.5 * (v - pts[0][j])));
          vals[i] = f(pts[i]);
          evals++;
        }
      }
    }
  }
  let best = 0;
  for (let i = 1; i < vals.length; i++) if (vals[i] < vals[best]) best = i;
  return { x: pts[best], fx: vals[best] };
}
