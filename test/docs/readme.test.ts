import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const README = readFileSync('README.md', 'utf8');

describe('README is true about the shipped files', () => {
  it('lists every shipped scenario in its table', () => {
    const table = README.slice(README.indexOf('Scenarios shipped in `scenarios/`'), README.indexOf('## Reports'));
    for (const f of readdirSync('scenarios').filter((x) => x.endsWith('.yaml'))) expect(table, f).toContain(`| \`${f}\` |`);
  });

  it('names no scenario or trace file that does not exist (x.yaml, x.csv are placeholders)', () => {
    const named = [...README.matchAll(/\b(scenarios|traces|schema)\/([\w.-]+\.(?:ya?ml|csv|json))/g)].map((m) => `${m[1]}/${m[2]}`);
    expect(named.length).toBeGreaterThan(10);
    const missing = [...new Set(named)].filter((p) => !existsSync(p) && !/\/x\.(yaml|csv)$/.test(p));
    expect(missing).toEqual([]);
  });

  it('shows how to point an editor at the schema, with the comment the scenarios carry', () => {
    expect(README).toContain('# yaml-language-server: $schema=../schema/scenario.schema.json');
    expect(readFileSync('scenarios/default.yaml', 'utf8').split('\n')[0]).toBe('# yaml-language-server: $schema=../schema/scenario.schema.json');
  });
});
