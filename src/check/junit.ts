import type { Verdict } from './budgets.js';

/** A check as a JUnit test case. */
export interface JUnitCase {
  suite: string;
  name: string;
  verdict: Verdict;
  message: string;
  timeS: number;
}

function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');
}

/**
 * JUnit XML as CI systems read it (testsuites › testsuite › testcase with failure or skipped):
 * a suite per scenario, a case per budget or regression check. An inconclusive check is a
 * failure under `strict`, else skipped with its reason.
 */
export function junitXml(cases: readonly JUnitCase[], strict: boolean, totalTimeS: number): string {
  const suites = new Map<string, JUnitCase[]>();
  for (const c of cases) suites.set(c.suite, [...(suites.get(c.suite) ?? []), c]);
  const failed = (c: JUnitCase) => c.verdict === 'fail' || (strict && c.verdict === 'inconclusive');
  const skipped = (c: JUnitCase) => !strict && c.verdict === 'inconclusive';
  const lines = ['<?xml version="1.0" encoding="UTF-8"?>'];
  lines.push(`<testsuites name="tidecast check" tests="${cases.length}" failures="${cases.filter(failed).length}" errors="0" time="${totalTimeS.toFixed(3)}">`);
  for (const [name, cs] of suites) {
    const t = cs.reduce((a, c) => a + c.timeS, 0);
    lines.push(`  <testsuite name="${esc(name)}" tests="${cs.length}" failures="${cs.filter(failed).length}" errors="0" skipped="${cs.filter(skipped).length}" time="${t.toFixed(3)}">`);
    for (const c of cs) {
      const open = `    <testcase classname="tidecast.${esc(name)}" name="${esc(c.name)}" time="${c.timeS.toFixed(3)}"`;
      if (failed(c)) lines.push(`${open}>\n      <failure type="${c.verdict}" message="${esc(c.message)}">${esc(c.message)}</failure>\n    </testcase>`);
      else if (skipped(c)) lines.push(`${open}>\n      <skipped>${esc(c.message)}</skipped>\n    </testcase>`);
      else lines.push(`${open}/>`);
    }
    lines.push('  </testsuite>');
  }
  lines.push('</testsuites>');
  return lines.join('\n') + '\n';
}
