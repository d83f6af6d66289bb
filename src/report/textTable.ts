/**
 * An aligned plain-text table: a header row, a rule of dashes, then the rows; columns two spaces
 * apart. `align` gives each column's side ('l' or 'r'; default: first column left, others right).
 * Pure: returns the lines.
 */
export function textTable(header: readonly string[], rows: readonly (readonly string[])[], align?: string): string[] {
  const all = [header, ...rows];
  const w = header.map((_, i) => Math.max(...all.map((r) => (r[i] ?? '').length)));
  const side = (i: number) => (align ? align[i] ?? 'r' : i === 0 ? 'l' : 'r');
  const line = (r: readonly string[]) => r.map((c, i) => (side(i) === 'l' ? (c ?? '').padEnd(w[i]) : (c ?? '').padStart(w[i]))).join('  ').trimEnd();
  return [line(header), w.map((x) => '-'.repeat(x)).join('  '), ...rows.map(line)];
}
