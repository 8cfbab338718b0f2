/**
 * How gopkg.in/yaml.v2 (resolve.go; sigs.k8s.io/yaml vendors it as goyaml.v2) resolves a scalar:
 * YAML 1.1 booleans (`y`, `yes`, `on`, `off`, `n`, …), nulls, Go `strconv.ParseInt(s, 0, 64)` ints
 * (so `012` is octal, `0x1F` hex, `1_000` a thousand), floats, and explicit `!!tags`. Base-60 numbers
 * (`190:20:30`) are NOT resolved: resolve.go says they are "purposefully unsupported".
 */

export type ScalarStyle = 'plain' | 'quoted' | 'block';

/** A resolved scalar: its YAML tag (short form) and the Go value it decodes to in an interface{}. */
export type ResolvedScalar =
  | { tag: 'null'; value: null }
  | { tag: 'bool'; value: boolean }
  | { tag: 'int'; value: number; unsigned?: boolean }
  | { tag: 'float'; value: number }
  | { tag: 'str' | 'timestamp' | 'binary' | 'other'; value: string };

export class YamlV2Failure extends Error {}

const TAG_PREFIX = 'tag:yaml.org,2002:';
/** resolve.go resolvableTag: only these tags are resolved; any other tag keeps the text as a string. */
const RESOLVABLE = new Set(['', 'str', 'bool', 'null', 'int', 'float', 'timestamp']);

const MAP = new Map<string, ResolvedScalar>();
const add = (r: ResolvedScalar, words: string[]) => words.forEach((w) => MAP.set(w, r));
add({ tag: 'bool', value: true }, ['y', 'Y', 'yes', 'Yes', 'YES', 'true', 'True', 'TRUE', 'on', 'On', 'ON']);
add({ tag: 'bool', value: false }, ['n', 'N', 'no', 'No', 'NO', 'false', 'False', 'FALSE', 'off', 'Off', 'OFF']);
add({ tag: 'null', value: null }, ['', '~', 'null', 'Null', 'NULL']);
add({ tag: 'float', value: NaN }, ['.nan', '.NaN', '.NAN']);
add({ tag: 'float', value: Infinity }, ['.inf', '.Inf', '.INF', '+.inf', '+.Inf', '+.INF']);
add({ tag: 'float', value: -Infinity }, ['-.inf', '-.Inf', '-.INF']);

/** resolve.go resolveTable: the first character decides which resolutions are tried. */
function hintOf(text: string): 'M' | 'S' | 'D' | '.' | undefined {
  if (text === '') return 'M';
  const c = text[0]!;
  if (c === '+' || c === '-') return 'S';
  if (c >= '0' && c <= '9') return 'D';
  if ('yYnNtTfFoO~'.includes(c)) return 'M';
  if (c === '.') return '.';
  return undefined;
}

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const UINT64_MAX = 2n ** 64n - 1n;

/** strconv.ParseUint(s, 0, 64) digits after Go's base prefixes: 0x, 0o, 0b, a leading 0 (octal), else decimal. */
function parseUnsignedBase0(s: string): bigint | undefined {
  if (s === '') return undefined;
  let digits = s;
  let base = 10;
  if (s[0] === '0') {
    const p = s[1]?.toLowerCase();
    if (s.length >= 3 && (p === 'x' || p === 'o' || p === 'b')) {
      base = p === 'x' ? 16 : p === 'o' ? 8 : 2;
      digits = s.slice(2);
    } else {
      base = 8;
      digits = s.slice(1);
    }
  }
  const valid = { 2: /^[01]*$/, 8: /^[0-7]*$/, 10: /^[0-9]+$/, 16: /^[0-9a-fA-F]+$/ }[base]!;
  if (!valid.test(digits)) return undefined;
  if (digits === '') return 0n;
  const prefix = { 2: '0b', 8: '0o', 10: '', 16: '0x' }[base]!;
  const n = BigInt(prefix + digits);
  return n <= UINT64_MAX ? n : undefined;
}

/** strconv.ParseInt(s, 0, 64): an optional sign, then ParseUint's syntax, within int64. */
function parseIntBase0(s: string): bigint | undefined {
  const neg = s[0] === '-';
  const body = s[0] === '+' || s[0] === '-' ? s.slice(1) : s;
  const u = parseUnsignedBase0(body);
  if (u === undefined) return undefined;
  const n = neg ? -u : u;
  return n >= INT64_MIN && n <= INT64_MAX ? n : undefined;
}

const YAML_STYLE_FLOAT = /^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/;

/** strconv.ParseFloat for the syntax yaml.v2 lets through: an overflow (±Inf) is an error, not a value. */
function parseFloat(text: string): number | undefined {
  const v = Number(text);
  return Number.isFinite(v) ? v : undefined;
}

/** The value an untagged plain scalar (or one tagged with a resolvable tag) resolves to (resolve.go resolve). */
function resolvePlain(text: string, tag: string): ResolvedScalar {
  const hint = hintOf(text);
  if (hint === undefined || tag === 'str') return { tag: 'str', value: text };
  const known = MAP.get(text);
  if (known) return known;
  if (hint === '.') {
    const f = /^\.[0-9]+([eE][-+]?[0-9]+)?$/.test(text) ? parseFloat(text) : undefined;
    return f === undefined ? { tag: 'str', value: text } : { tag: 'float', value: f };
  }
  if (hint === 'D' || hint === 'S') {
    // A timestamp-looking value (2001-12-14) decodes to its text in an interface{} either way.
    if (tag === 'timestamp' && /^\d{4}-\d{1,2}-\d{1,2}([Tt ]\d{1,2}:\d{1,2}:\d{1,2}(\.\d+)?(Z|[+-]\d{1,2}:\d{2})?)?$/.test(text)) {
      return { tag: 'timestamp', value: text };
    }
    const plain = text.replaceAll('_', '');
    const i = parseIntBase0(plain);
    if (i !== undefined) return { tag: 'int', value: Number(i) };
    const u = parseUnsignedBase0(plain);
    if (u !== undefined) return { tag: 'int', value: Number(u), unsigned: true };
    if (YAML_STYLE_FLOAT.test(plain)) {
      const f = parseFloat(plain);
      if (f !== undefined) return { tag: 'float', value: f };
    }
  }
  return { tag: 'str', value: text };
}

/** Go's base64.StdEncoding.DecodeString (line breaks ignored, padding required), for `!!binary`. */
function decodeBinary(text: string): string {
  const s = text.replace(/[\r\n]/g, '');
  if (s.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(s)) throw new YamlV2Failure('!!binary value contains invalid base64 data');
  return Buffer.from(s, 'base64').toString('utf8');
}

/**
 * One scalar as yaml.v2's decoder sees it. `explicitTag` is the node's tag (long form or a local `!tag`)
 * when written; quoted and block scalars without a tag are plain strings (libyaml: not plain-implicit).
 */
export function resolveScalar(text: string, style: ScalarStyle, explicitTag?: string): ResolvedScalar {
  if (explicitTag === undefined || explicitTag === '!') {
    if (style !== 'plain') return { tag: 'str', value: text };
    if (explicitTag === '!') return { tag: 'other', value: text }; // the non-specific tag is not resolvable
    return resolvePlain(text, '');
  }
  const tag = explicitTag.startsWith(TAG_PREFIX) ? explicitTag.slice(TAG_PREFIX.length) : explicitTag;
  if (tag === 'binary') return { tag: 'binary', value: decodeBinary(text) };
  if (!RESOLVABLE.has(tag)) return { tag: 'other', value: text };
  const r = resolvePlain(text, tag);
  // resolve.go's deferred check: an explicit tag must agree with what the text resolves to (an int may be a !!float).
  if (r.tag === tag || tag === 'str') return tag === 'str' ? { tag: 'str', value: text } : r;
  if (tag === 'float' && r.tag === 'int') return { tag: 'float', value: r.value };
  throw new YamlV2Failure(`cannot decode !!${r.tag} \`${text}\` as a !!${tag}`);
}
