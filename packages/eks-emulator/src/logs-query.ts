/**
 * A small CloudWatch Logs Insights engine over stored events: the commands the EKS runbook query
 * uses (`fields`, `filter`, `sort`, `limit`; CloudWatch Logs user guide, CWL_QuerySyntax.html),
 * applied in order, plus FilterLogEvents filter patterns (FilterAndPatternSyntax.html: terms,
 * quoted phrases, `?` alternatives, `-` exclusions).
 */

export interface QueryRecord {
  '@timestamp': number;
  '@message': string;
  '@logStream': string;
  '@log': string;
  '@ingestionTime': number;
  '@ptr': string;
}

type FieldName = string;

type Predicate =
  | { kind: 'like'; field: FieldName; regex: RegExp; negate: boolean }
  | { kind: 'eq'; field: FieldName; value: string; negate: boolean }
  | { kind: 'and' | 'or'; left: Predicate; right: Predicate }
  | { kind: 'not'; inner: Predicate };

export type Command =
  | { kind: 'fields'; fields: FieldName[] }
  | { kind: 'filter'; predicate: Predicate }
  | { kind: 'sort'; field: FieldName; descending: boolean }
  | { kind: 'limit'; n: number };

export class QuerySyntaxError extends Error {}

/** Splits on `|` outside quotes and regex literals. */
function splitPipes(query: string): string[] {
  const parts: string[] = [];
  let current = '';
  let quote: string | undefined;
  for (let i = 0; i < query.length; i++) {
    const ch = query[i]!;
    if (quote) {
      current += ch;
      if (ch === '\\' && i + 1 < query.length) current += query[++i];
      else if (ch === quote) quote = undefined;
      continue;
    }
    if (ch === '"' || ch === "'" || ch === '/' || ch === '`') quote = ch;
    if (ch === '|') {
      parts.push(current);
      current = '';
      continue;
    }
    current += ch;
  }
  if (quote) throw new QuerySyntaxError(`unterminated ${quote}`);
  parts.push(current);
  return parts.map((p) => p.trim()).filter((p) => p !== '');
}

export function parseInsightsQuery(query: string): Command[] {
  const commands: Command[] = [];
  for (const part of splitPipes(query)) {
    const m = /^(\w+)\s*([\s\S]*)$/.exec(part);
    if (!m) throw new QuerySyntaxError(`cannot parse "${part}"`);
    const [, verb, rest] = m as unknown as [string, string, string];
    switch (verb.toLowerCase()) {
      case 'fields':
      case 'display':
        commands.push({ kind: 'fields', fields: rest.split(',').map((f) => f.trim()).filter(Boolean) });
        break;
      case 'filter':
        commands.push({ kind: 'filter', predicate: new PredicateParser(rest).parse() });
        break;
      case 'sort': {
        const s = /^(@?[\w.]+)(?:\s+(asc|desc))?$/i.exec(rest.trim());
        if (!s) throw new QuerySyntaxError(`cannot parse sort "${rest}"`);
        commands.push({ kind: 'sort', field: s[1]!, descending: (s[2] ?? 'desc').toLowerCase() === 'desc' });
        break;
      }
      case 'limit': {
        const n = Number(rest.trim());
        if (!Number.isInteger(n) || n < 1 || n > 10_000) throw new QuerySyntaxError(`limit must be 1..10000`);
        commands.push({ kind: 'limit', n });
        break;
      }
      default:
        throw new QuerySyntaxError(`unsupported command "${verb}"`);
    }
  }
  return commands;
}

/** Recursive descent: or → and → not → comparison | ( or ). */
class PredicateParser {
  private pos = 0;
  constructor(private readonly src: string) {}

  parse(): Predicate {
    const p = this.or();
    this.ws();
    if (this.pos < this.src.length) throw new QuerySyntaxError(`unexpected "${this.src.slice(this.pos)}" in filter`);
    return p;
  }

  private ws(): void {
    while (/\s/.test(this.src[this.pos] ?? '')) this.pos++;
  }

  private keyword(word: string): boolean {
    this.ws();
    const re = new RegExp(`^${word}\\b`, 'i');
    if (re.test(this.src.slice(this.pos))) {
      this.pos += word.length;
      return true;
    }
    return false;
  }

  private or(): Predicate {
    let left = this.and();
    while (this.keyword('or')) left = { kind: 'or', left, right: this.and() };
    return left;
  }

  private and(): Predicate {
    let left = this.not();
    while (this.keyword('and')) left = { kind: 'and', left, right: this.not() };
    return left;
  }

  private not(): Predicate {
    if (this.keyword('not')) return { kind: 'not', inner: this.not() };
    this.ws();
    if (this.src[this.pos] === '(') {
      this.pos++;
      const inner = this.or();
      this.ws();
      if (this.src[this.pos] !== ')') throw new QuerySyntaxError('missing ) in filter');
      this.pos++;
      return inner;
    }
    return this.comparison();
  }

  private comparison(): Predicate {
    this.ws();
    const field = /^@?[\w.]+/.exec(this.src.slice(this.pos))?.[0];
    if (!field) throw new QuerySyntaxError(`expected a field at "${this.src.slice(this.pos)}"`);
    this.pos += field.length;
    let negate = false;
    if (this.keyword('not')) negate = true;
    if (this.keyword('like')) return { kind: 'like', field, regex: this.pattern(), negate };
    this.ws();
    const op = /^(=~|!=|=)/.exec(this.src.slice(this.pos))?.[0];
    if (!op) throw new QuerySyntaxError(`expected like, =~, = or != after ${field}`);
    this.pos += op.length;
    if (op === '=~') return { kind: 'like', field, regex: this.pattern(), negate };
    return { kind: 'eq', field, value: this.stringLiteral(), negate: negate !== (op === '!=') };
  }

  /** `/regex/flags` or a quoted string (substring match). */
  private pattern(): RegExp {
    this.ws();
    if (this.src[this.pos] === '/') {
      const end = findClosing(this.src, this.pos, '/');
      const body = this.src.slice(this.pos + 1, end);
      this.pos = end + 1;
      const flags = /^[i]*/.exec(this.src.slice(this.pos))?.[0] ?? '';
      this.pos += flags.length;
      try {
        return new RegExp(body, flags);
      } catch {
        throw new QuerySyntaxError(`invalid regular expression /${body}/`);
      }
    }
    return new RegExp(escapeRegExp(this.stringLiteral()));
  }

  private stringLiteral(): string {
    this.ws();
    const q = this.src[this.pos];
    if (q !== '"' && q !== "'") {
      const bare = /^[\w.@:-]+/.exec(this.src.slice(this.pos))?.[0];
      if (!bare) throw new QuerySyntaxError(`expected a string at "${this.src.slice(this.pos)}"`);
      this.pos += bare.length;
      return bare;
    }
    const end = findClosing(this.src, this.pos, q);
    const value = this.src.slice(this.pos + 1, end).replace(/\\(.)/g, '$1');
    this.pos = end + 1;
    return value;
  }
}

function findClosing(src: string, start: number, delim: string): number {
  for (let i = start + 1; i < src.length; i++) {
    if (src[i] === '\\') i++;
    else if (src[i] === delim) return i;
  }
  throw new QuerySyntaxError(`unterminated ${delim}`);
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

function fieldValue(r: QueryRecord, field: string): string | undefined {
  const v = (r as unknown as Record<string, string | number | undefined>)[field];
  if (v === undefined) return undefined;
  return field === '@timestamp' || field === '@ingestionTime' ? formatInsightsTime(v as number) : String(v);
}

function test(p: Predicate, r: QueryRecord): boolean {
  switch (p.kind) {
    case 'and':
      return test(p.left, r) && test(p.right, r);
    case 'or':
      return test(p.left, r) || test(p.right, r);
    case 'not':
      return !test(p.inner, r);
    case 'like': {
      const v = fieldValue(r, p.field);
      return v !== undefined && p.regex.test(v) !== p.negate;
    }
    case 'eq': {
      const v = fieldValue(r, p.field);
      return v !== undefined && (v === p.value) !== p.negate;
    }
  }
}

/** Logs Insights prints times as `YYYY-MM-DD HH:MM:SS.mmm` (UTC). */
export function formatInsightsTime(ms: number): string {
  return new Date(ms).toISOString().replace('T', ' ').replace('Z', '');
}

export interface InsightsResult {
  rows: { field: string; value: string }[][];
  recordsMatched: number;
}

const DEFAULT_FIELDS = ['@timestamp', '@message'];

/** Runs the commands in order; `limit` (from StartQuery) caps rows when the query has none. */
export function runInsightsQuery(commands: Command[], records: QueryRecord[], defaultLimit = 10_000): InsightsResult {
  let rows = records.slice();
  let fields: string[] | undefined;
  let limit: number | undefined;
  let matched = rows.length;
  for (const c of commands) {
    switch (c.kind) {
      case 'fields':
        fields = [...(fields ?? []), ...c.fields.filter((f) => !(fields ?? []).includes(f))];
        break;
      case 'filter':
        rows = rows.filter((r) => test(c.predicate, r));
        matched = rows.length;
        break;
      case 'sort': {
        const dir = c.descending ? -1 : 1;
        const key = (r: QueryRecord) => (r as unknown as Record<string, string | number>)[c.field];
        rows.sort((a, b) => {
          const x = key(a);
          const y = key(b);
          if (x === y) return 0;
          if (x === undefined) return 1;
          if (y === undefined) return -1;
          return (x < y ? -1 : 1) * dir;
        });
        break;
      }
      case 'limit':
        limit = Math.min(limit ?? c.n, c.n);
        rows = rows.slice(0, c.n);
        break;
    }
  }
  rows = rows.slice(0, limit ?? defaultLimit);
  const shown = fields ?? DEFAULT_FIELDS;
  return {
    recordsMatched: matched,
    rows: rows.map((r) => [
      ...shown.flatMap((f) => {
        const v = fieldValue(r, f);
        return v === undefined ? [] : [{ field: f, value: v }];
      }),
      { field: '@ptr', value: r['@ptr'] },
    ]),
  };
}

/** FilterLogEvents pattern: space-separated terms all required; `"a b"` a phrase; `?t` any-of; `-t` must not occur. */
export function matchesFilterPattern(pattern: string | undefined, message: string): boolean {
  if (!pattern || pattern.trim() === '') return true;
  const tokens = [...pattern.matchAll(/([?-]?)(?:"((?:[^"\\]|\\.)*)"|(\S+))/g)].map((m) => ({
    prefix: m[1] ?? '',
    term: (m[2] ?? m[3] ?? '').replace(/\\(.)/g, '$1'),
  }));
  const anyOf = tokens.filter((t) => t.prefix === '?');
  if (anyOf.length > 0) return anyOf.some((t) => message.includes(t.term));
  return tokens.every((t) => (t.prefix === '-' ? !message.includes(t.term) : message.includes(t.term)));
}

/** JSON (`{ $.x = … }`) and space-delimited (`[a, b]`) patterns are outside what the emulator supports. */
export function isSupportedFilterPattern(pattern: string | undefined): boolean {
  return !pattern || !/^\s*[{[]/.test(pattern);
}
