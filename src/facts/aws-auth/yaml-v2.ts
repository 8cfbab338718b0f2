/**
 * One aws-auth section read as gopkg.in/yaml.v2 (v2.4.0) Unmarshal reads it into interface{}, which
 * is what sigs.k8s.io/yaml hands to JSON. The `yaml` package parses (YAML 1.1, first document only:
 * decode.go unmarshal calls p.parse() once); the node tree is then decoded here the way decode.go
 * does: aliases copied (and counted against "excessive aliasing"), a recursive alias refused, `<<`
 * merged where it stands, keys that cannot be map keys refused, scalars resolved by resolve.go.
 */
import { isAlias, isMap, isScalar, isSeq, LineCounter, parseAllDocuments, type Alias, type Document, type Node, type Pair, type Scalar, type YAMLMap, type YAMLSeq } from 'yaml';
import { goIntValue, resolveScalar, TAG_PREFIX, YamlV2Error, type GoLiteral, type GoScalar } from './yaml-v2-resolve.js';
import { libyamlSyntaxError } from './yaml-v2-syntax.js';

export type { GoLiteral, GoScalar } from './yaml-v2-resolve.js';

export type GoValue = GoScalar | GoSeq | GoMap;

/** A decoded sequence ([]interface{}) with the source line of each item. */
export class GoSeq {
  constructor(
    readonly items: GoValue[],
    readonly lines: number[],
  ) {}
}

/** A decoded mapping (map[interface{}]interface{}): one entry per distinct Go key, each with the line it was written on. */
export class GoMap {
  readonly entries = new Map<string, { key: GoScalar; value: GoValue; line: number }>();
  set(key: GoScalar, value: GoValue, line: number): void {
    this.entries.set(goKeyIdentity(key), { key, value, line });
  }
}

export type YamlV2Read =
  | { ok: true; value: GoValue; extraDocumentLine?: number }
  | { ok: false; reason: string; line?: number; partial?: GoSeq };

/** What a section decodes into: interface{} (mapRoles, mapUsers through sigs.k8s.io/yaml) or []string (mapAccounts). */
export type YamlV2Target = 'interface' | 'strings';

/** decode.go: 400,000 decodes allow 99% from aliases, 4,000,000 only 10%, scaled in between. */
function allowedAliasRatio(decodeCount: number): number {
  if (decodeCount <= 400_000) return 0.99;
  if (decodeCount >= 4_000_000) return 0.1;
  return 0.99 - 0.89 * ((decodeCount - 400_000) / 3_600_000);
}

export function unmarshalYamlV2(source: string, target: YamlV2Target): YamlV2Read {
  const { text, lines, list } = parseYaml11(source);
  const doc = list[0];
  const lineOf = (offset: number) => lines.linePos(offset).line;
  if (!doc) return { ok: true, value: NULL };
  const error = doc.errors[0];
  if (error) {
    // A key that runs on over lines is an error where the next line's `:` stands, as libyaml reports it.
    const runOn = doc.errors.find((e) => e.code === 'MULTILINE_IMPLICIT_KEY');
    const line = runOn ? lineOf(runOn.pos[1] - 1) : lineOf(error.pos[0]);
    return { ok: false, reason: error.code === 'RESOURCE_EXHAUSTION' ? TOO_DEEP : firstLine(error.message), line };
  }
  if (doc.directives?.yaml.explicit && doc.directives.yaml.version !== '1.1') return { ok: false, reason: 'found incompatible YAML document (yaml.v2 reads YAML 1.1 only)', line: 1 };
  const syntax = libyamlSyntaxError(text, doc as Document.Parsed);
  if (syntax) return { ok: false, reason: syntax.reason, line: lineOf(syntax.offset) };
  const extraDocumentLine = list[1]?.range ? lineOf(list[1].range[0]) : undefined;
  const decoder = new Decoder(lineOf);
  try {
    const value = target === 'strings' ? decoder.strings(doc.contents) : decoder.document(doc.contents);
    return { ok: true, value, ...(extraDocumentLine !== undefined && { extraDocumentLine }) };
  } catch (err) {
    // A RangeError is JavaScript's stack giving out before yaml.v2's 10,000 levels would.
    const reason = err instanceof RangeError ? TOO_DEEP : err instanceof Error ? err.message : String(err);
    return { ok: false, reason, line: decoder.line, ...(decoder.partial && { partial: decoder.partial }) };
  }
}

/**
 * The `yaml` package's parse, YAML 1.1 tags left unresolved. libyaml knows the escape `\'` in
 * double quotes (scannerc.go), YAML 1.2 does not: such escapes are rewritten as `\x27` and parsed again.
 */
function parseYaml11(source: string): { text: string; lines: LineCounter; list: Document.Parsed[] } {
  const first = parseOnce(source);
  const errors = first.list[0]?.errors ?? [];
  const quotes = errors.filter((e) => e.code === 'BAD_DQ_ESCAPE' && source.startsWith("\\'", e.pos[0]));
  if (quotes.length === 0 || quotes.length !== errors.length) return first;
  let text = source;
  for (const e of quotes.sort((a, b) => b.pos[0] - a.pos[0])) text = `${text.slice(0, e.pos[0])}\\x27${text.slice(e.pos[0] + 2)}`;
  return parseOnce(text);
}

function parseOnce(text: string): { text: string; lines: LineCounter; list: Document.Parsed[] } {
  const lines = new LineCounter();
  const docs = parseAllDocuments(text, { version: '1.1', schema: 'failsafe', uniqueKeys: false, merge: false, lineCounter: lines, prettyErrors: false });
  return { text, lines, list: (Array.isArray(docs) ? docs : [docs]) as Document.Parsed[] };
}

/** Past the depth the `yaml` package (or this decoder) can follow; yaml.v2 itself allows 10,000 levels. */
const TOO_DEEP = 'exceeded max depth: the YAML nests deeper than eksdoctor can follow';

/** An empty node, which yaml.v2 resolves to nil. */
const NULL: GoLiteral = { kind: 'null', text: '' };

const firstLine = (message: string) => message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');

const MERGE_TAG = `${TAG_PREFIX}merge`;

/** decode.go decoder over the `yaml` package's nodes, with the anchors parserc.go binds in event order. */
class Decoder {
  private decodeCount = 0;
  private aliasCount = 0;
  private aliasDepth = 0;
  private readonly active = new Set<Alias>();
  private readonly targets = new Map<Alias, Node>();
  /** Line of the node being decoded, for errors. */
  line?: number;
  /** mapAccounts: the accounts decoded before an error, which yaml.v2 leaves in the slice. */
  partial?: GoSeq;

  constructor(private readonly lineOf: (offset: number) => number) {}

  document(root: Node | null): GoValue {
    this.bind(root, new Map());
    this.count(); // decode.go unmarshal counts the document node too
    return root ? this.decode(root) : NULL;
  }

  /**
   * yaml.v2 into []string (mapAccounts): a scalar keeps its text, null is "", and a list or mapping
   * item is a type error left out of the slice (decode.go sequence); here it stays as a marker so
   * the lint can point at it.
   */
  strings(root: Node | null): GoValue {
    this.bind(root, new Map());
    this.count();
    if (!root) return NULL;
    this.count();
    if (!isSeq(root)) return isScalar(root) ? this.scalar(root) : new GoMap();
    const out = new GoSeq([], []);
    this.partial = out;
    for (const item of root.items as (Node | null)[]) {
      const node = this.resolveAliasChain(item);
      const value = !node ? NULL : isScalar(node) ? this.scalar(node) : isSeq(node) ? new GoSeq([], []) : new GoMap();
      out.items.push(typeof value === 'string' || value instanceof GoSeq || value instanceof GoMap ? value : value.kind === 'null' ? '' : value.text);
      out.lines.push(this.lineAt(item));
    }
    return out;
  }

  /** parserc.go/decode.go alias(): the anchor defined last before the alias; an unknown one is an error. */
  private bind(node: Node | null | undefined, anchors: Map<string, Node>): void {
    if (!node) return;
    if (isAlias(node)) {
      const target = anchors.get(node.source);
      if (!target) this.fail(node, `unknown anchor '${node.source}' referenced`);
      this.targets.set(node, target);
      return;
    }
    if (node.anchor) anchors.set(node.anchor, node);
    if (isSeq(node)) for (const item of node.items as (Node | null)[]) this.bind(item, anchors);
    else if (isMap(node)) {
      for (const pair of node.items as Pair<Node | null, Node | null>[]) {
        this.bind(pair.key, anchors);
        this.bind(pair.value, anchors);
      }
    }
  }

  /** decode.go unmarshal: every call counts; past 1000 decodes with over 100 through aliases, the ratio is checked. */
  private count(): void {
    this.decodeCount++;
    if (this.aliasDepth > 0) this.aliasCount++;
    if (this.aliasCount > 100 && this.decodeCount > 1000 && this.aliasCount / this.decodeCount > allowedAliasRatio(this.decodeCount)) {
      throw new YamlV2Error('document contains excessive aliasing');
    }
  }

  private decode(node: Node | null, into?: GoMap): GoValue {
    this.count();
    if (!node) return NULL;
    this.line = this.lineAt(node);
    if (isAlias(node)) return this.alias(node, into);
    if (isScalar(node)) return this.scalar(node);
    if (isSeq(node)) {
      const seq = node as YAMLSeq<Node | null>;
      return new GoSeq(
        seq.items.map((item) => this.decode(item)),
        seq.items.map((item) => this.lineAt(item)),
      );
    }
    return this.mapping(node as YAMLMap<Node | null, Node | null>, into ?? new GoMap());
  }

  private alias(node: Alias, into?: GoMap): GoValue {
    if (this.active.has(node)) throw new YamlV2Error(`anchor '${node.source}' value contains itself`);
    this.active.add(node);
    this.aliasDepth++;
    const value = this.decode(this.targets.get(node)!, into);
    this.aliasDepth--;
    this.active.delete(node);
    return value;
  }

  private scalar(node: Scalar): GoScalar {
    this.line = this.lineAt(node);
    return resolveScalar(String(node.value ?? ''), node.tag ?? '', node.type === 'PLAIN' || node.type === undefined);
  }

  /** decode.go mapping(): pairs in order, a merge applied where it stands (go-yaml/yaml#410), the last value of a key kept. */
  private mapping(node: YAMLMap<Node | null, Node | null>, out: GoMap): GoMap {
    for (const pair of node.items) {
      if (this.isMerge(pair.key)) {
        this.merge(pair.value, out);
        continue;
      }
      const key = this.decode(pair.key);
      if (key instanceof GoSeq || key instanceof GoMap) this.fail(pair.key, `invalid map key: a ${key instanceof GoSeq ? 'list' : 'mapping'}`);
      const value = this.decode(pair.value);
      out.set(key as GoScalar, value, this.lineAt(pair.key ?? pair.value));
    }
    return out;
  }

  /** decode.go isMerge: a plain (or !!merge-tagged) `<<` key. */
  private isMerge(key: Node | null): boolean {
    return !!key && isScalar(key) && key.value === '<<' && ((key.type === 'PLAIN' && (!key.tag || key.tag === '!')) || key.tag === MERGE_TAG);
  }

  /** decode.go merge(): a mapping, an alias of one, or a list of them applied last to first, so earlier ones win. */
  private merge(value: Node | null, out: GoMap): void {
    const isMapping = (n: Node | null) => !!n && (isMap(n) || (isAlias(n) && isMap(this.targets.get(n))));
    if (value && isSeq(value)) {
      const items = value.items as (Node | null)[];
      for (let i = items.length - 1; i >= 0; i--) {
        if (!isMapping(items[i]!)) this.fail(value, 'map merge requires map or sequence of maps as the value');
        this.decode(items[i]!, out);
      }
      return;
    }
    if (!isMapping(value)) this.fail(value, 'map merge requires map or sequence of maps as the value');
    this.decode(value, out);
  }

  private resolveAliasChain(node: Node | null): Node | null {
    if (node && isAlias(node)) {
      this.count();
      this.aliasDepth++;
      const target = this.targets.get(node)!;
      this.count();
      this.aliasDepth--;
      return target;
    }
    if (node) this.count();
    return node;
  }

  private lineAt(node: Node | null | undefined): number {
    return node?.range ? this.lineOf(node.range[0]) : (this.line ?? 1);
  }

  private fail(node: Node | null | undefined, reason: string): never {
    if (node?.range) this.line = this.lineOf(node.range[0]);
    throw new YamlV2Error(reason);
  }
}

let nanKeys = 0;

/** Go interface equality of a scalar key: same type and value (1 and 0x1 are one key, NaN is never equal to itself). */
function goKeyIdentity(key: GoScalar): string {
  if (typeof key === 'string') return `s:${key}`;
  switch (key.kind) {
    case 'null':
      return 'null';
    case 'bool':
      return `b:${/^(y|yes|true|on)$/i.test(key.text)}`;
    case 'int':
    case 'uint':
      return `${key.kind}:${goIntValue(key.text.replaceAll('_', '')) ?? key.text}`;
    case 'float':
      return `f:${Number(key.text.replaceAll('_', ''))}`;
    case 'nonfinite':
      return /nan/i.test(key.text) ? `nan:${nanKeys++}` : `f:${key.text.startsWith('-') ? '-' : ''}Infinity`;
  }
}
