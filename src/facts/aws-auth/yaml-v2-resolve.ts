/**
 * What yaml.v2 makes of one scalar when it decodes into interface{} (go-yaml/yaml v2.4.0 resolve.go
 * resolve, decode.go scalar): YAML 1.1 booleans (y, yes, on, off, …), ints through Go's
 * strconv.ParseInt with base prefixes and `_` dropped, floats, and no sexagesimal numbers. Only the
 * kind of a non-string matters downstream, so its text is kept for messages.
 */

import { goUtf8String } from '../../shared/go-strings.js';

export const TAG_PREFIX = 'tag:yaml.org,2002:';
const STR = `${TAG_PREFIX}str`;
const BINARY = `${TAG_PREFIX}binary`;
const TIMESTAMP = `${TAG_PREFIX}timestamp`;
const FLOAT = `${TAG_PREFIX}float`;
const INT = `${TAG_PREFIX}int`;
/** resolve.go resolvableTag: any other tag (`!foo`, `!`, `!!set`) keeps the scalar's text. */
const RESOLVABLE = new Set(['', STR, `${TAG_PREFIX}bool`, INT, FLOAT, `${TAG_PREFIX}null`, TIMESTAMP]);

/** A scalar yaml.v2 does not decode to a Go string. `nonfinite` is ±Inf or NaN, which JSON cannot hold. */
export interface GoLiteral {
  kind: 'null' | 'bool' | 'int' | 'uint' | 'float' | 'nonfinite';
  text: string;
}

export type GoScalar = string | GoLiteral;

export class YamlV2Error extends Error {}

const literal = (kind: GoLiteral['kind'], text: string): GoLiteral => ({ kind, text });

/** resolve.go resolveMap. */
const WORDS = new Map<string, GoLiteral['kind']>();
for (const w of ['y', 'Y', 'yes', 'Yes', 'YES', 'true', 'True', 'TRUE', 'on', 'On', 'ON', 'n', 'N', 'no', 'No', 'NO', 'false', 'False', 'FALSE', 'off', 'Off', 'OFF']) WORDS.set(w, 'bool');
for (const w of ['', '~', 'null', 'Null', 'NULL']) WORDS.set(w, 'null');
for (const w of ['.nan', '.NaN', '.NAN', '.inf', '.Inf', '.INF', '+.inf', '+.Inf', '+.INF', '-.inf', '-.Inf', '-.INF']) WORDS.set(w, 'nonfinite');

const tagKind: Record<string, GoLiteral['kind'] | 'str' | 'timestamp'> = {
  [`${TAG_PREFIX}bool`]: 'bool',
  [INT]: 'int',
  [FLOAT]: 'float',
  [`${TAG_PREFIX}null`]: 'null',
  [STR]: 'str',
  [TIMESTAMP]: 'timestamp',
};

/**
 * The value of a scalar: `text` as the parser gave it, `plain` for an untagged plain scalar
 * (decode.go scalar: a quoted or block scalar without a tag is always a string), `tag` the resolved
 * tag or '' (a lone `!` counts as plain, parserc.go plain_implicit).
 */
export function resolveScalar(text: string, tag: string, plain: boolean): GoScalar {
  if (tag === BINARY) return decodeBinary(text);
  if (tag === '' && !plain) return text;
  if (tag === '!' || !RESOLVABLE.has(tag)) return text;
  const found = resolveUntagged(text, tag);
  if (tag === '') return found.kind === 'timestamp' ? text : found.value;
  const want = tagKind[tag]!;
  const got = found.kind === 'nonfinite' ? 'float' : found.kind === 'uint' ? 'int' : found.kind;
  if (want === 'str' || (want === got && want === 'timestamp')) return text;
  if (want === got) return found.value;
  // resolve.go's deferred check: an explicit tag must agree with what the text resolves to; !!float takes an int.
  if (want === 'float' && got === 'int') return literal('float', text);
  throw new YamlV2Error(`cannot decode ${shortTag(got)} \`${text}\` as a ${shortTag(tag)}`);
}

function shortTag(tagOrKind: string): string {
  if (tagOrKind.startsWith(TAG_PREFIX)) return `!!${tagOrKind.slice(TAG_PREFIX.length)}`;
  return `!!${tagOrKind}`;
}

/** resolve.go resolve for an untagged (or resolvable-tagged) scalar: the first character hints at the type. */
function resolveUntagged(text: string, tag: string): { kind: GoLiteral['kind'] | 'str' | 'timestamp'; value: GoScalar } {
  const str = { kind: 'str' as const, value: text };
  if (tag === STR) return str;
  const word = WORDS.get(text);
  if (word) return { kind: word, value: literal(word, text) };
  const first = text[0]!;
  if (first === '.') {
    // strconv.ParseFloat on the text as written: `_` only between digits, and no overflow.
    if (/^\.\d(?:_?\d)*(?:[eE][-+]?\d(?:_?\d)*)?$/.test(text) && Number.isFinite(Number(text.replaceAll('_', '')))) return { kind: 'float', value: literal('float', text) };
    return str;
  }
  if (!/[-+0-9]/.test(first)) return str;
  if ((tag === '' || tag === TIMESTAMP) && isTimestamp(text)) return { kind: 'timestamp', value: text };
  const plain = text.replaceAll('_', '');
  const int = parseGoInt(plain);
  if (int) return { kind: int, value: literal(int, text) };
  if (/^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/.test(plain) && Number.isFinite(Number(plain))) return { kind: 'float', value: literal('float', text) };
  return str;
}

const INT64_MAX = 2n ** 63n - 1n;
const UINT64_MAX = 2n ** 64n - 1n;

/** strconv.ParseInt(s, 0, 64), then ParseUint(s, 0, 64): 'int' within int64, 'uint' beyond it, undefined when neither parses. */
function parseGoInt(s: string): 'int' | 'uint' | undefined {
  const value = goIntValue(s);
  if (value === undefined) return undefined;
  if (value >= -INT64_MAX - 1n && value <= INT64_MAX) return 'int';
  return !/^[-+]/.test(s) && value <= UINT64_MAX ? 'uint' : undefined;
}

/** The value of a Go integer literal as strconv with base 0 reads it (`0x`, `0o`, `0b`, a leading `0` for octal), `_` already dropped. */
export function goIntValue(s: string): bigint | undefined {
  const m = /^([-+]?)(0[xX][0-9a-fA-F]+|0[oO][0-7]+|0[bB][01]+|0[0-7]*|[1-9][0-9]*)$/.exec(s) ?? /^()0b([-+]?[01]+)$/.exec(s);
  if (!m) return undefined;
  const body = m[2]!;
  if (/^[-+]/.test(body)) return (body[0] === '-' ? -1n : 1n) * BigInt(`0b${body.slice(1)}`);
  const n = BigInt(/^0[0-7]+$/.test(body) ? `0o${body.slice(1)}` : body.replace(/^0[xXoObB]/, (p) => p.toLowerCase()));
  return m[1] === '-' ? -n : n;
}

/**
 * resolve.go parseTimestamp: `YYYY-` then one of the layouts it tries with Go's time.Parse (month and
 * day of one or two digits, checked against the calendar). Decoded into interface{}, a timestamp is
 * kept as its text; this only decides whether an explicit !!timestamp is valid.
 */
function isTimestamp(s: string): boolean {
  const m = /^(\d{4})-(\d{1,2})-(\d{1,2})(?:([Tt ])(\d{1,2}):(\d{1,2}):(\d{1,2})(\.\d+)?(Z|[-+]\d{2}:\d{2})?)?$/.exec(s);
  if (!m) return false;
  const [, y, mo, d, sep, h, mi, sec, , zone] = m;
  const year = Number(y);
  const month = Number(mo);
  const day = Number(d);
  const daysIn = new Date(Date.UTC(year, month, 0)).getUTCDate();
  if (month < 1 || month > 12 || day < 1 || day > daysIn) return false;
  if (sep === undefined) return true;
  if (Number(h) > 23 || Number(mi) > 59 || Number(sec) > 59) return false;
  // Layouts: `T`/`t` need a zone (Z07:00); a space takes none.
  return sep === ' ' ? zone === undefined : zone !== undefined && (zone === 'Z' || (Number(zone.slice(1, 3)) <= 23 && Number(zone.slice(4)) <= 59));
}

/**
 * decode.go scalar: !!binary is base64 (Go's StdEncoding: padding required, line breaks ignored); its
 * bytes become the string json.Marshal writes (invalid UTF-8 as U+FFFD, encoding/json encode.go).
 */
function decodeBinary(text: string): GoScalar {
  const compact = text.replace(/[\r\n]/g, '');
  if (compact.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(compact) || /=[^=]/.test(compact)) throw new YamlV2Error('!!binary value contains invalid base64 data');
  return goUtf8String(Buffer.from(compact, 'base64'));
}

