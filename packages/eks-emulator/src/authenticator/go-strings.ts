/**
 * The Go string semantics aws-iam-authenticator's decisions rest on: strings.ToLower, strings.EqualFold
 * (and encoding/json's field-name folding, which is defined to agree with it), strconv.Quote (logrus
 * quotes values with %q) and fmt.Sprint of a []string.
 */

const codePoints = (s: string): string[] => Array.from(s);

/** strings.ToLower: unicode.ToLower per rune, never context-dependent (no final sigma, `İ` → `i`). */
export function goToLower(s: string): string {
  let out = '';
  for (const ch of codePoints(s)) {
    const lower = ch.toLowerCase();
    out += codePoints(lower).length === 1 ? lower : (codePoints(lower)[0] ?? ch);
  }
  return out;
}

const foldCache = new Map<string, RegExp>();

/** Simple case folding per rune, as unicode.SimpleFold orbits: ECMAScript's /iu uses the same CaseFolding C+S data (`K` U+212A ~ `k`, `ſ` U+017F ~ `s`). */
function runesFoldEqual(a: string, b: string): boolean {
  if (a === b) return true;
  let re = foldCache.get(a);
  if (!re) {
    re = new RegExp(`^${a.replace(/[\\^$.*+?()[\]{}|/]/g, '\\$&')}$`, 'iu');
    foldCache.set(a, re);
  }
  return re.test(b);
}

/** strings.EqualFold: equal under simple Unicode case folding, rune by rune. */
export function goEqualFold(a: string, b: string): boolean {
  if (a === b) return true;
  const x = codePoints(a);
  const y = codePoints(b);
  if (x.length !== y.length) return false;
  return x.every((ch, i) => runesFoldEqual(ch, y[i]!));
}

/** Go's strconv.IsPrint: letters, marks, numbers, punctuation, symbols and the ASCII space. */
const PRINTABLE = /^[\p{L}\p{M}\p{N}\p{P}\p{S} ]$/u;
const SHORT_ESCAPES: Record<string, string> = { '\x07': '\\a', '\b': '\\b', '\f': '\\f', '\n': '\\n', '\r': '\\r', '\t': '\\t', '\v': '\\v' };

/** strconv.Quote (what fmt's %q prints for a string): `"` and `\` escaped, non-printable runes as \a…\v, \xNN, \uNNNN or \UNNNNNNNN. */
export function goQuote(s: string): string {
  let out = '"';
  for (const ch of codePoints(s)) {
    const cp = ch.codePointAt(0)!;
    if (ch === '"' || ch === '\\') out += '\\' + ch;
    else if (cp >= 0xd800 && cp <= 0xdfff) out += '\ufffd'; // a lone surrogate reaches Go as invalid UTF-8, printed as U+FFFD
    else if (PRINTABLE.test(ch)) out += ch;
    else if (SHORT_ESCAPES[ch]) out += SHORT_ESCAPES[ch];
    else if (cp < 0x20 || cp === 0x7f) out += '\\x' + cp.toString(16).padStart(2, '0');
    else if (cp < 0x10000) out += '\\u' + cp.toString(16).padStart(4, '0');
    else out += '\\U' + cp.toString(16).padStart(8, '0');
  }
  return out + '"';
}

/** fmt.Sprint of a []string: `[a b c]` (nil and empty alike: `[]`). */
export function goSprintStrings(values: readonly string[]): string {
  return `[${values.join(' ')}]`;
}

/** Byte-wise comparison of the UTF-8 encodings, Go's string order (sort.Strings, json.Marshal's map keys). */
export function goCompareStrings(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}
