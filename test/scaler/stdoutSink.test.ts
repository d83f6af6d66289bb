import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const CLI = join(process.cwd(), 'dist/cli/main.js');

describe('stdout sink', () => {
  it('exits quietly (status 0, no stack trace) when the reader closes the pipe: scaler --replay | head -1', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tidecast-stdout-'));
    const cfg = join(dir, 'replay.yaml');
    writeFileSync(cfg, 'interval: 1m\nleadTime: 20s\ninitial: 10\npolicy: { forecast: {} }\nsource: { file: { path: traces/azure-llm-2023-code.csv } }\n');
    // pipefail: the status is the scaler's, not head's
    const r = spawnSync('bash', ['-c', `set -o pipefail; "${process.execPath}" "${CLI}" scaler --config "${cfg}" --replay | head -1`], { encoding: 'utf8', timeout: 120_000 });
    expect(r.stdout.trim().split('\n')).toHaveLength(1);
    expect(JSON.parse(r.stdout).target).toBeGreaterThan(0);
    expect(r.stderr).not.toMatch(/EPIPE|Error|at /);
    expect(r.status).toBe(0);
  }, 120_000);
});
