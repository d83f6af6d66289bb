/**
 * `v.toLocaleString('en-US', { minimumFractionDigits, maximumFractionDigits })` without ICU: the
 * first `toLocaleString` of a process loads ICU's number formatting, 35–70 ms of CPU (measured on
 * node 20, 2-core machine) — a tenth of `tidecast run`'s whole start-up, paid to print one table.
 *
 * Same text for every finite number (a property test compares the two): digits grouped by three
 * with commas, `-` for negatives (and for -0, as ICU does), and rounding half away from zero on
 * the number's shortest decimal form, as ICU does (`toFixed` rounds the binary value instead:
 * `(1.005).toFixed(2)` is "1.00", ICU's "1.01"). Non-finite values go to ICU itself.
 */
export function enUS(v: number, minFrac = 0, maxFrac = minFrac): string {
  if (!Number.isFinite(v)) return v.toLocaleString('en-US', { minimumFractionDigits: minFrac, maximumFractionDigits: maxFrac });
  const sign = v < 0 || Object.is(v, -0) ? '-' : '';
  // the shortest decimal form as digits × 10^(point - digits.length): "1.5e-7" → 15, point -6
  const [mant, expPart] = Math.abs(v).toString().split('e');
  const dot = mant.indexOf('.');
  let digits = mant.replace('.', '');
  let point = (dot < 0 ? mant.length : dot) + (expPart ? Number(expPart) : 0);
  const lead = digits.length - digits.replace(/^0+/, '').length; // "0.05" → digits "005"
  digits = digits.slice(lead);
  point -= lead;
  // round to maxFrac decimals: keep `point + maxFrac` digits, half away from zero
  const keep = point + maxFrac;
  if (keep < 0) digits = '';
  else if (keep < digits.length) {
    const up = digits.charCodeAt(keep) >= 53; // '5'
    digits = digits.slice(0, keep);
    if (up) {
      let i = digits.length - 1;
      while (i >= 0 && digits[i] === '9') i--;
      if (i < 0) {
        digits = '1' + '0'.repeat(digits.length);
        point++;
      } else digits = digits.slice(0, i) + String(Number(digits[i]) + 1) + '0'.repeat(digits.length - i - 1);
    }
  }
  if (!/[1-9]/.test(digits)) {
    digits = '';
    point = 0;
  }
  const int = point > 0 ? (digits.slice(0, point) + '0'.repeat(Math.max(0, point - digits.length))) : '0';
  let frac = (point < 0 ? '0'.repeat(-point) : '') + digits.slice(Math.max(0, point));
  frac = frac.slice(0, maxFrac).padEnd(maxFrac, '0');
  let end = frac.length;
  while (end > minFrac && frac[end - 1] === '0') end--;
  frac = frac.slice(0, end);
  return `${sign}${int.replace(/\B(?=(\d{3})+$)/g, ',')}${frac ? `.${frac}` : ''}`;
}
