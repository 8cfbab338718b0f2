/**
 * time.Parse("20060102T150405Z", X-Amz-Date) as token.go runs it, with Go's error text, and
 * time.Time.String() for the expiry message. In that layout the hour takes one or two digits, the
 * other fields exactly their width, a fraction of a second after the seconds is accepted (format.go's
 * special case), the trailing Z is a literal, and the time is UTC.
 */

export const AMZ_DATE_LAYOUT = '20060102T150405Z';

/** The time package's own quote(): bytes outside printable ASCII as \xNN. */
function timeQuote(s: string): string {
  let out = '"';
  for (const ch of s) {
    const cp = ch.codePointAt(0)!;
    if (cp >= 0x80 || cp < 0x20) for (const b of Buffer.from(ch, 'utf8')) out += '\\x' + b.toString(16).padStart(2, '0');
    else out += ch === '"' || ch === '\\' ? '\\' + ch : ch;
  }
  return out + '"';
}

type Parsed = { ok: true; date: Date; nanos: number } | { ok: false; error: string };

const isDigit = (s: string, i: number) => i < s.length && s[i]! >= '0' && s[i]! <= '9';

/** format.go getnum. */
function getnum(s: string, fixed: boolean): { n: number; rest: string } | undefined {
  if (!isDigit(s, 0)) return undefined;
  if (!isDigit(s, 1)) return fixed ? undefined : { n: Number(s[0]), rest: s.slice(1) };
  return { n: Number(s.slice(0, 2)), rest: s.slice(2) };
}

function daysIn(month: number, year: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

export function parseAmzDate(value: string): Parsed {
  const cannot = (rest: string, elem: string): Parsed => ({
    ok: false,
    error: `parsing time ${timeQuote(value)} as ${timeQuote(AMZ_DATE_LAYOUT)}: cannot parse ${timeQuote(rest)} as ${timeQuote(elem)}`,
  });
  const outOfRange = (what: string): Parsed => ({ ok: false, error: `parsing time ${timeQuote(value)}: ${what} out of range` });
  let v = value;
  if (v.length < 4 || !isDigit(v, 0) || !/^[+-]?\d+$/.test(v.slice(0, 4))) return cannot(v, '2006');
  const year = Number(v.slice(0, 4));
  v = v.slice(4);
  const fields: [string, boolean, string, number][] = [
    ['01', true, 'month', 12],
    ['02', true, '', 0],
    ['15', false, 'hour', 23],
    ['04', true, 'minute', 59],
    ['05', true, 'second', 59],
  ];
  const got: number[] = [];
  for (const [elem, fixed, name, max] of fields) {
    if (elem === '15') {
      if (v[0] !== 'T') return cannot(v, 'T');
      v = v.slice(1);
    }
    const r = getnum(v, fixed);
    const n = r?.n ?? 0;
    if (name && (n > max || (name === 'month' && r && n < 1))) return outOfRange(name);
    if (!r) return cannot(v, elem);
    got.push(n);
    v = r.rest;
  }
  let nanos = 0;
  if (v.length >= 2 && (v[0] === '.' || v[0] === ',') && isDigit(v, 1)) {
    let n = 2;
    while (n < v.length && isDigit(v, n)) n++;
    nanos = Number(v.slice(1, Math.min(n, 10)).padEnd(9, '0'));
    v = v.slice(n);
  }
  if (v[0] !== 'Z') return cannot(v, 'Z');
  v = v.slice(1);
  if (v.length > 0) return { ok: false, error: `parsing time ${timeQuote(value)}: extra text: ${timeQuote(v)}` };
  const [month, day, hour, minute, second] = got as [number, number, number, number, number];
  if (day < 1 || day > daysIn(month, year)) return { ok: false, error: `parsing time ${timeQuote(value)}: day out of range` };
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  date.setUTCHours(hour, minute, second, Math.floor(nanos / 1e6));
  return { ok: true, date, nanos };
}

/** time.Time.String() of a UTC time: `2006-01-02 15:04:05.999999999 +0000 UTC`. */
export function goTimeString(date: Date, nanos = date.getUTCMilliseconds() * 1e6): string {
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  const frac = nanos > 0 ? '.' + String(nanos).padStart(9, '0').replace(/0+$/, '') : '';
  return (
    `${p(date.getUTCFullYear(), 4)}-${p(date.getUTCMonth() + 1)}-${p(date.getUTCDate())} ` +
    `${p(date.getUTCHours())}:${p(date.getUTCMinutes())}:${p(date.getUTCSeconds())}${frac} +0000 UTC`
  );
}
