import { execFileSync } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { available, MISSING, openMetrics, PrometheusServer } from './prometheusServer.js';

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};
/** Prometheus processes serving this helper's TSDB folder (whoever started them). */
const serving = (dir: string): number[] => {
  try {
    return execFileSync('pgrep', ['-f', '--', `--storage.tsdb.path=${dir}/tsdb`], { encoding: 'utf8' }).trim().split('\n').filter(Boolean).map(Number);
  } catch {
    return [];
  }
};

const servers: PrometheusServer[] = [];
afterAll(async () => {
  for (const s of servers) await s.stop();
});

describe('the test Prometheus server helper stops what it starts', () => {
  it('start() while running is a no-op (it once started a second process and lost the first); stop() leaves no process', async () => {
    expect(available(), MISSING).toBe(true);
    const prom = new PrometheusServer(openMetrics({ tidecast_test_x: [[Math.floor(Date.now() / 1000) - 600, 1]] }));
    servers.push(prom);
    await prom.start();
    const pid = prom.pid!;
    expect(alive(pid)).toBe(true);
    await prom.start(); // the prometheus test's finally does this after a restart
    expect(prom.pid).toBe(pid);
    expect(serving(prom.dir)).toEqual([pid]);
    await prom.stop();
    expect(alive(pid)).toBe(false);
    expect(serving(prom.dir)).toEqual([]);
    // and it starts again after a stop (the fault test stops and restarts it)
    await prom.start();
    expect(serving(prom.dir)).toEqual([prom.pid]);
    await prom.stop();
    expect(serving(prom.dir)).toEqual([]);
  }, 90_000);
});
