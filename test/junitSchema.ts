import { XMLParser, XMLValidator } from 'fast-xml-parser';

/** Checks a document against the JUnit schema's structure (elements, required attributes, order). */
export function validateJUnit(xml: string): string[] {
  const problems: string[] = [];
  const wf = XMLValidator.validate(xml);
  if (wf !== true) return [`not well-formed: ${JSON.stringify(wf)}`];
  const doc = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@', preserveOrder: true }).parse(xml) as any[];
  const root = doc.find((n) => 'testsuites' in n);
  if (!root) return ['no <testsuites> root'];
  const num = (v: unknown) => /^\d+$/.test(String(v));
  for (const suite of root.testsuites) {
    if (!('testsuite' in suite)) {
      problems.push(`unexpected <${Object.keys(suite)[0]}> in <testsuites>`);
      continue;
    }
    const a = suite[':@'] ?? {};
    if (!a['@name']) problems.push('testsuite without name');
    if (!num(a['@tests'])) problems.push('testsuite without a numeric tests count');
    const cases = suite.testsuite.filter((n: any) => 'testcase' in n);
    if (Number(a['@tests']) !== cases.length) problems.push(`testsuite ${a['@name']}: tests="${a['@tests']}" but ${cases.length} testcases`);
    const failures = cases.filter((c: any) => c.testcase.some((x: any) => 'failure' in x)).length;
    if (Number(a['@failures']) !== failures) problems.push(`testsuite ${a['@name']}: failures="${a['@failures']}" but ${failures} failing cases`);
    for (const c of cases) {
      if (!c[':@']?.['@name']) problems.push('testcase without name');
      const order = ['skipped', 'error', 'failure', 'system-out', 'system-err'];
      let last = -1;
      for (const child of c.testcase) {
        const tag = Object.keys(child).find((k) => k !== ':@')!;
        const i = order.indexOf(tag);
        if (i < 0) problems.push(`unexpected <${tag}> in testcase`);
        if (i < last) problems.push(`<${tag}> out of order in testcase`);
        last = i;
        if (tag === 'skipped' && child[':@']) problems.push('<skipped> takes no attributes in the schema');
      }
    }
  }
  return problems;
}

