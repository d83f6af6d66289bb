import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const CLI = join(process.cwd(), 'dist/cli/main.js');
const dir = mkdtempSync(join(tmpdir(), 'tidecast-scaler-cli-'));

function config(name: string, text: string): string {
  const f = join(dir, name);
  writeFileSync(f, text);
  return f;
}

function tidecast(...args: string[]) {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', timeout: 120_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('tidecast scaler', () => {
  it('--replay prints one JSON decision per interval of the file source', () => {
    const f = config('replay.yaml', 'interval: 1m\nleadTime: 20s\ninitial: 10\npolicy: { forecast: {} }\nsource: { file: { path: traces/azure-llm-2023-code.csv } }\n');
    const r = tidecast('scaler', '--config', f, '--replay');
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(lines.length).toBe(57);
    // the first minute held 63 arrivals (1.05/s): no forecast yet, but the reactive floor raises the
    // initial 10 to the claims of one 20 s refill at that rate, ⌈1.05 × 20⌉ = 21
    expect(lines[0]).toMatchObject({ time: '2023-11-16T18:18:03.979Z', target: 21, policy: 'forecast', inputs: { status: 'ok', points: 1 } });
    expect(lines.at(-1).inputs.points).toBe(57);
    expect(new Set(lines.map((l) => l.target)).size).toBeGreaterThan(3);
  });

  it.each([
    ['bad-key.yaml', 'interval: 15s\nsource: { file: { path: x.csv } }\nsafety: { flor: 3 }\n', /bad-key\.yaml:3: safety\.flor: unknown key \(did you mean "floor"\?\)/],
    ['two-sources.yaml', 'source: { file: { path: x.csv }, http: { url: "http://x" } }\n', /two-sources\.yaml:1: source: expected exactly one of prometheus, file or http, got 2/],
    ['oracle.yaml', 'policy: { oracle: {} }\nsource: { file: { path: x.csv } }\n', /policy\.oracle: the oracle needs future arrivals/],
    ['bad-listen.yaml', 'source: { file: { path: x.csv } }\nsinks: { http: { listen: "8080" } }\n', /bad-listen\.yaml:2: sinks\.http\.listen: expected an address such as 0\.0\.0\.0:8080/],
    ['no-trace.yaml', 'source: { file: { path: nowhere.csv } }\n', /source\.file\.path: cannot read trace file nowhere\.csv \(no such file\)/],
    // an interval longer than the file: nothing to replay (it printed nothing and exited 0)
    ['long-interval.yaml', 'interval: 3650d\nsource: { file: { path: traces/azure-llm-2023-code-10s.csv } }\n', /long-interval\.yaml: interval: 315360000 s is longer than the 3440 s of traces\/azure-llm-2023-code-10s\.csv: no decision to replay/],
  ])('a bad config (%s) is one line naming the file, line and key, exit 2', (name, text, message) => {
    const r = tidecast('scaler', '--config', config(name, text), '--replay');
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).not.toMatch(/at .*\.js:\d+/);
  });

  it('a port already in use is a one-line error naming the key, exit 2', async () => {
    const net = await import('node:net');
    const busy = net.createServer();
    await new Promise<void>((r) => busy.listen(0, '127.0.0.1', () => r()));
    const port = (busy.address() as import('node:net').AddressInfo).port;
    const f = config('busy.yaml', `source: { file: { path: traces/azure-llm-2023-code.csv } }\nsinks: { http: { listen: "127.0.0.1:${port}" } }\n`);
    let r: ReturnType<typeof tidecast>;
    try {
      r = tidecast('scaler', '--config', f, '--once');
    } finally {
      busy.close();
    }
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toBe(`tidecast: sinks.http.listen: cannot listen on 127.0.0.1:${port} (EADDRINUSE)`);
  });

  it('runs live: serves /healthz, /readyz and /targets, holds when its data is stale, and stops cleanly on SIGTERM', async () => {
    // the trace is from 2023, so live its newest value is years old: stale, the target is held
    const f = config('live.yaml', 'interval: 1s\ninitial: 25\nsource: { file: { path: traces/azure-llm-2023-code.csv } }\nsinks: { http: { listen: "127.0.0.1:0" } }\n');
    const p = spawn(process.execPath, [CLI, 'scaler', '--config', f], { stdio: ['ignore', 'pipe', 'pipe'] });
    try {
      let stderr = '';
      const port = await new Promise<number>((resolve, reject) => {
        p.stderr.on('data', (c: Buffer) => {
          stderr += c.toString();
          const m = /"event":"started".*"http":(\d+)/.exec(stderr);
          if (m) resolve(Number(m[1]));
        });
        p.once('exit', () => reject(new Error(stderr)));
      });
      await new Promise((r) => setTimeout(r, 1500));
      const get = async (path: string) => {
        const r = await fetch(`http://127.0.0.1:${port}${path}`);
        return { status: r.status, body: await r.text() };
      };
      expect((await get('/healthz')).status).toBe(200);
      expect((await get('/readyz')).status).toBe(503); // never decided from usable data
      const t = JSON.parse((await get('/targets')).body);
      expect(t).toMatchObject({ target: 25, reason: 'hold', inputs: { status: 'empty' } });
      expect(typeof t.lastDecisionAgeS).toBe('number');
      const code = await new Promise<number | null>((resolve) => {
        p.once('exit', (c) => resolve(c));
        p.kill('SIGTERM');
      });
      expect(code).toBe(0);
      expect(stderr).toMatch(/"event":"stopping","signal":"SIGTERM"/);
      expect(stderr).toMatch(/"event":"stopped"/);
    } finally {
      if (p.exitCode === null && p.signalCode === null) p.kill('SIGKILL'); // a failed expectation must not leave the scaler running
    }
  }, 30_000);
});
