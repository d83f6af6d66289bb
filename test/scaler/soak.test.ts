import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/**
 * Soak: 20,000 decisions of the live loop on a simulated clock (3.5 days at 15 s, past the
 * 1-day history window, with a failed read every 97, a 1e12 spike every 331 and a missing value
 * every 503), in a child process with --expose-gc so the heap is measured after full GCs.
 */
describe('scaler soak', () => {
  it('20,000 decisions: heap after the last within 10% of after the first thousand; no listener growth', () => {
    const child = fileURLToPath(new URL('./soakChild.mjs', import.meta.url));
    const out = execFileSync(process.execPath, ['--expose-gc', child, '20000'], { encoding: 'utf8', timeout: 170_000 });
    const r = JSON.parse(out.trim()) as { decisions: number; first: { heapUsed: number; listeners: number }; last: { heapUsed: number; listeners: number } };
    expect(r.decisions).toBeGreaterThanOrEqual(20000);
    expect(r.last.heapUsed / r.first.heapUsed).toBeLessThanOrEqual(1.1);
    // one listener at most (the decision in flight's deadline), the same after 20,000 decisions as after 1,000
    expect(r.first.listeners).toBeLessThanOrEqual(1);
    expect(r.last.listeners).toBeLessThanOrEqual(r.first.listeners);
  }, 180_000);
});
