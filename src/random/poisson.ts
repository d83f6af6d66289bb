import type { Rng } from './rng.js';

/**
 * Poisson variates: Knuth's multiplication method below a mean of 10, Hörmann's transformed
 * rejection with squeeze (PTRS, 1993) above, exact in both cases and O(1) for large means.
 */
export function poisson(mean: number, rng: Rng): number {
  if (!(mean > 0)) return 0;
  if (mean < 10) {
    const l = Math.exp(-mean);
    let k = 0;
    let p = rng.next();
    while (p > l) {
      k++;
      p *= rng.next();
    }
    return k;
  }
  const slam = Math.sqrt(mean);
  const loglam = Math.log(mean);
  const b = 0.931 + 2.53 * slam;
  const a = -0.059 + 0.02483 * b;
  const invalpha = 1.1239 + 1.1328 / (b - 3.4);
  const vr = 0.9277 - 3.6224 / (b - 2);
  for (;;) {
    const u = rng.next() - 0.5;
    const v = rng.next();
    const us = 0.5 - Math.abs(u);
    const k = Math.floor(((2 * a) / us + b) * u + mean + 0.43);
    if (us >= 0.07 && v <= vr) return k;
    if (k < 0 || (us < 0.013 && v > us)) continue;
    if (Math.log(v) + Math.log(invalpha) - Math.log(a / (us * us) + b) <= -mean + k * loglam - logFactorial(k)) return k;
  }
}

function logFactorial(k: number): number {
  if (k < 2) return 0;
  if (k < 20) {
    let s = 0;
    for (let i = 2; i <= k; i++) s += Math.log(i);
    return s;
  }
  // Stirling's series: error below 1e-10 for k ≥ 20
  const x = k + 1;
  return (x - 0.5) * Math.log(x) - x + 0.5 * Math.log(2 * Math.PI) + 1 / (12 * x) - 1 / (360 * x * x * x);
}
