/**
 * Go's string comparisons, for code that must agree with a Go program byte for byte: case folding
 * (strings.EqualFold, encoding/json field names), strings.ToLower, and the byte order json.Marshal
 * sorts map keys in.
 */

const foldCache = new Map<number, number>();

/**
 * The smallest code point of `c`'s simple case-folding orbit, as Go's encoding/json foldRune returns
 * (golang/go src/encoding/json/fold.go; unicode.SimpleFold). The orbit is found with the regular
 * expression engine, whose /iu matching is Unicode simple case folding: ſ and s fold to S, the
 * Kelvin sign and k to K, while dotless ı stays alone (its only folding is Turkic, which Go skips).
 */
export function foldRune(c: number): number {
  if (c < 0x80) return c >= 0x61 && c <= 0x7a ? c - 0x20 : c;
  const cached = foldCache.get(c);
  if (cached !== undefined) return cached;
  const ch = String.fromCodePoint(c);
  const same = new RegExp(`^${ch.replace(/[\\^$.*+?()[\]{}|/-]/g, '\\$&')}$`, 'iu');
  let min = c;
  for (const candidate of [ch.toLowerCase(), ch.toUpperCase(), ch.toUpperCase().toLowerCase(), ch.toLowerCase().toUpperCase()]) {
    const cp = candidate.codePointAt(0)!;
    if (candidate.length === String.fromCodePoint(cp).length && cp < min && same.test(candidate)) min = cp;
  }
  foldCache.set(c, min);
  return min;
}

/** Go strings.EqualFold: equal under simple Unicode case folding, rune by rune (pkg/config/mapper.go compares ARNs with it). */
export function equalFold(a: string, b: string): boolean {
  if (a === b) return true;
  const x = [...a];
  const y = [...b];
  if (x.length !== y.length) return false;
  return x.every((r, i) => r === y[i] || foldRune(r.codePointAt(0)!) === foldRune(y[i]!.codePointAt(0)!));
}

/** A key under which strings that equalFold are equal: each rune replaced by its foldRune (encoding/json foldName). */
export function foldKey(s: string): string {
  let out = '';
  for (const r of s) out += String.fromCodePoint(foldRune(r.codePointAt(0)!));
  return out;
}

/** Go strings.ToLower: each rune's simple lowercase mapping (JavaScript's full mapping turns İ into two runes; Go gives i). */
export function goToLower(s: string): string {
  let out = '';
  for (const r of s) out += String.fromCodePoint(r.toLowerCase().codePointAt(0)!);
  return out;
}

/** Go's string order (bytes of UTF-8), which json.Marshal sorts map keys by (golang/go src/encoding/json/encode.go mapEncoder). */
export function compareGoStrings(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

/**
 * Bytes as a Go string becomes once json.Marshal has written it: each byte that does not start a
 * valid UTF-8 sequence becomes one U+FFFD (golang/go src/encoding/json/encode.go appendString with
 * utf8.DecodeRuneInString); TextDecoder would merge a truncated sequence into one.
 */
export function goUtf8String(bytes: Uint8Array): string {
  let out = '';
  for (let i = 0; i < bytes.length; ) {
    const size = utf8SequenceLength(bytes, i);
    if (size === 0) {
      out += '\uFFFD';
      i += 1;
    } else {
      out += Buffer.from(bytes.subarray(i, i + size)).toString('utf8');
      i += size;
    }
  }
  return out;
}

/** Length of the valid UTF-8 sequence at `i` (Go unicode/utf8 rules: no overlongs, no surrogates, at most U+10FFFF), or 0. */
function utf8SequenceLength(b: Uint8Array, i: number): number {
  const c = b[i]!;
  if (c < 0x80) return 1;
  const cont = (k: number, lo = 0x80, hi = 0xbf) => i + k < b.length && b[i + k]! >= lo && b[i + k]! <= hi;
  if (c >= 0xc2 && c <= 0xdf) return cont(1) ? 2 : 0;
  if (c === 0xe0) return cont(1, 0xa0) && cont(2) ? 3 : 0;
  if (c === 0xed) return cont(1, 0x80, 0x9f) && cont(2) ? 3 : 0;
  if (c >= 0xe1 && c <= 0xef) return cont(1) && cont(2) ? 3 : 0;
  if (c === 0xf0) return cont(1, 0x90) && cont(2) && cont(3) ? 4 : 0;
  if (c >= 0xf1 && c <= 0xf3) return cont(1) && cont(2) && cont(3) ? 4 : 0;
  if (c === 0xf4) return cont(1, 0x80, 0x8f) && cont(2) && cont(3) ? 4 : 0;
  return 0;
}
