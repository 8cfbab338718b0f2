/**
 * yaml.Unmarshal as gopkg.in/yaml.v2 (decode.go) does it, into the two targets aws-iam-authenticator
 * uses: an interface{} (sigs.k8s.io/yaml's first step, for mapRoles/mapUsers) and a []string
 * (mapAccounts). The `yaml` package only parses; every decision is yaml.v2's: the first document
 * only, duplicate keys (the last wins), `<<` merges, aliases with yaml.v2's excessive-aliasing guard,
 * and YAML 1.1 scalar resolution (yaml-v2-scalar.ts).
 */
import { isAlias, isMap, isScalar, isSeq, parseAllDocuments, type Alias, type Node as YamlNode, type Scalar, type YAMLMap, type YAMLSeq } from 'yaml';
import { resolveScalar, YamlV2Failure, type ResolvedScalar, type ScalarStyle } from './yaml-v2-scalar.js';

export { YamlV2Failure };

/** A map key as Go holds it in a map[interface{}]interface{}: typed, so int 1 and "1" are different keys. */
export type GoKey = { kind: 'string'; value: string } | { kind: 'int' | 'uint' | 'float'; value: number } | { kind: 'bool'; value: boolean } | { kind: 'null' };

export class GoMap {
  private readonly byId = new Map<string, { key: GoKey; value: GoValue }>();
  set(key: GoKey, value: GoValue): void {
    const id = `${key.kind}:${'value' in key ? String(key.value) : ''}`;
    this.byId.delete(id); // a later duplicate replaces the earlier one
    this.byId.set(id, { key, value });
  }
  entries(): { key: GoKey; value: GoValue }[] {
    return [...this.byId.values()];
  }
}

/** What yaml.v2 puts in an interface{}. */
export type GoValue = null | boolean | number | string | GoValue[] | GoMap;

type Node = YamlNode | null;

/** decode.go allowedAliasRatio: 99% of decodes may come from aliases up to 400,000 decodes, scaling down to 10% at 4,000,000. */
function allowedAliasRatio(decodeCount: number): number {
  if (decodeCount <= 400_000) return 0.99;
  if (decodeCount >= 4_000_000) return 0.1;
  return 0.99 - 0.89 * ((decodeCount - 400_000) / 3_600_000);
}

function styleOf(s: Scalar): ScalarStyle {
  if (s.type === 'PLAIN' || s.type === undefined) return 'plain';
  return s.type === 'BLOCK_FOLDED' || s.type === 'BLOCK_LITERAL' ? 'block' : 'quoted';
}

function resolveNode(node: Scalar | null): ResolvedScalar {
  if (node === null) return { tag: 'null', value: null };
  return resolveScalar(String(node.value ?? ''), styleOf(node), node.tag);
}

/** decode.go isMerge: a plain, untagged `<<` key (or one tagged !!merge). */
function isMergeKey(node: Node): boolean {
  return isScalar(node) && String(node.value) === '<<' && ((styleOf(node) === 'plain' && node.tag === undefined) || node.tag === 'tag:yaml.org,2002:merge');
}

/**
 * yaml.v2's scanner (scannerc.go yaml_parser_scan_plain_scalar) refuses, inside a flow collection, a
 * plain scalar followed by `:` and one of `,?[]{}` ("found unexpected ':'"), which YAML 1.2 parsers
 * read as a key; so `[node:{{EC2PrivateDNSName}}]` is a syntax error there.
 */
function checkFlowColon(key: Node, source: string): void {
  if (!isScalar(key) || key.type !== 'PLAIN' || !key.range) return;
  const end = key.range[1];
  if (source[end] === ':' && ',?[]{}'.includes(source[end + 1] ?? '')) throw new YamlV2Failure("while scanning a plain scalar: found unexpected ':'");
}

/**
 * One pass in document order: binds each alias to the latest anchor of its name defined before it
 * (libyaml's rule) and applies the scanner rule above, which the YAML 1.2 parser does not have.
 */
function bindAliases(root: Node, source: string): Map<Alias, YamlNode> {
  const anchors = new Map<string, YamlNode>();
  const bound = new Map<Alias, YamlNode>();
  const visit = (n: Node, inFlow = false): void => {
    if (n === null) return;
    if (isAlias(n)) {
      const target = anchors.get(n.source);
      if (!target) throw new YamlV2Failure(`unknown anchor '${n.source}' referenced`);
      bound.set(n, target);
      return;
    }
    if ((n as { anchor?: string }).anchor) anchors.set((n as { anchor: string }).anchor, n);
    const flow = inFlow || (n as { flow?: boolean }).flow === true;
    if (isMap(n)) {
      for (const p of (n as YAMLMap<Node, Node>).items) {
        if (flow) checkFlowColon(p.key, source);
        visit(p.key, flow);
        visit(p.value, flow);
      }
    } else if (isSeq(n)) for (const item of (n as YAMLSeq<Node>).items) visit(item, flow);
  };
  visit(root);
  return bound;
}

class Decoder {
  private decodeCount = 0;
  private aliasCount = 0;
  private aliasDepth = 0;
  private readonly expanding = new Set<Alias>();
  readonly typeErrors: string[] = [];

  constructor(private readonly aliases: Map<Alias, YamlNode>) {}

  /** decode.go unmarshal's entry: every node decoded counts, and those reached through an alias count twice over. */
  private count(): void {
    this.decodeCount++;
    if (this.aliasDepth > 0) this.aliasCount++;
    if (this.aliasCount > 100 && this.decodeCount > 1000 && this.aliasCount / this.decodeCount > allowedAliasRatio(this.decodeCount)) {
      throw new YamlV2Failure('document contains excessive aliasing');
    }
  }

  private throughAlias<T>(alias: Alias, decode: (target: YamlNode) => T): T {
    if (this.expanding.has(alias)) throw new YamlV2Failure(`anchor '${alias.source}' value contains itself`);
    this.expanding.add(alias);
    this.aliasDepth++;
    try {
      return decode(this.aliases.get(alias)!);
    } finally {
      this.aliasDepth--;
      this.expanding.delete(alias);
    }
  }

  document(root: Node, decode: (n: Node) => void): void {
    this.count(); // the document node itself
    decode(root);
  }

  /** Into an interface{}. */
  value(n: Node): GoValue {
    this.count();
    if (n !== null && isAlias(n)) return this.throughAlias(n, (t) => this.value(t));
    if (n === null || isScalar(n)) return resolveNode(n as Scalar | null).value;
    if (isSeq(n)) return (n as YAMLSeq<Node>).items.map((item) => this.value(item));
    const out = new GoMap();
    this.mappingInto(n as YAMLMap<Node, Node>, out);
    return out;
  }

  private mappingInto(n: YAMLMap<Node, Node>, out: GoMap): void {
    for (const pair of n.items) {
      if (isMergeKey(pair.key)) {
        this.merge(pair.value, out);
        continue;
      }
      const k = this.value(pair.key);
      if (Array.isArray(k) || k instanceof GoMap) throw new YamlV2Failure('invalid map key');
      out.set(this.keyOf(pair.key, k), this.value(pair.value));
    }
  }

  private keyOf(node: Node, k: null | boolean | number | string): GoKey {
    if (k === null) return { kind: 'null' };
    if (typeof k === 'boolean') return { kind: 'bool', value: k };
    if (typeof k === 'string') return { kind: 'string', value: k };
    const r = isScalar(node) ? resolveNode(node) : undefined;
    return { kind: r?.tag === 'float' ? 'float' : r?.tag === 'int' && r.unsigned ? 'uint' : 'int', value: k };
  }

  /** A mapping decoded into an existing map (a merge source), counted like any decode. */
  private intoExisting(n: YamlNode, out: GoMap): void {
    this.count();
    if (isAlias(n)) return this.throughAlias(n, (t) => this.intoExisting(t, out));
    this.mappingInto(n as YAMLMap<Node, Node>, out);
  }

  /** decode.go merge: a mapping, an alias of one, or a sequence of those (earlier ones win, so applied last). */
  private merge(n: Node, out: GoMap): void {
    const isMapping = (x: Node) => x !== null && (isMap(x) || (isAlias(x) && isMap(this.aliases.get(x))));
    if (n !== null && isSeq(n)) {
      const items = (n as YAMLSeq<Node>).items;
      for (let i = items.length - 1; i >= 0; i--) {
        if (!isMapping(items[i]!)) throw new YamlV2Failure('map merge requires map or sequence of maps as the value');
        this.intoExisting(items[i]!, out);
      }
      return;
    }
    if (!isMapping(n)) throw new YamlV2Failure('map merge requires map or sequence of maps as the value');
    this.intoExisting(n!, out);
  }

  /** Into a []string: scalars keep their text (a YAML int stays "012"), nulls become "", collections are type errors and dropped. */
  stringList(n: Node): string[] | undefined {
    this.count();
    if (n !== null && isAlias(n)) return this.throughAlias(n, (t) => this.stringList(t));
    if (n === null || isScalar(n)) {
      if (resolveNode(n as Scalar | null).tag === 'null') return undefined;
      this.typeErrors.push(`cannot unmarshal ${describe(n)} into []string`);
      return undefined;
    }
    if (isMap(n)) {
      this.typeErrors.push('cannot unmarshal !!map into []string');
      return undefined;
    }
    const out: string[] = [];
    try {
      for (const item of (n as YAMLSeq<Node>).items) {
        const s = this.stringElement(item);
        if (s !== undefined) out.push(s);
      }
    } catch (e) {
      // decode.go sets the slice before filling it, so a fatal error mid-way leaves what was decoded so far.
      if (e instanceof YamlV2Failure) throw Object.assign(e, { partial: out });
      throw e;
    }
    return out;
  }

  private stringElement(n: Node): string | undefined {
    this.count();
    if (n !== null && isAlias(n)) return this.throughAlias(n, (t) => this.stringElement(t));
    if (n === null || isScalar(n)) {
      const r = resolveNode(n as Scalar | null);
      if (r.tag === 'null') return '';
      return r.tag === 'binary' ? r.value : String((n as Scalar).value ?? '');
    }
    this.typeErrors.push(`cannot unmarshal ${describe(n)} into string`);
    return undefined;
  }
}

function describe(n: Node): string {
  if (n !== null && isMap(n)) return '!!map';
  if (n !== null && isSeq(n)) return '!!seq';
  return `!!${resolveNode(n as Scalar | null).tag}`;
}

export type YamlV2Result<T> = { ok: true; value: T; typeErrors: string[] } | { ok: false; error: string; partial?: T };

function firstDocument(text: string): { ok: true; root: Node; present: boolean; source: string } | { ok: false; error: string } {
  // libyaml's reader (yaml_parser_determine_encoding) consumes a byte-order mark at the start.
  const source = text.replace(/^\ufeff/, '');
  const docs = parseAllDocuments(source, { schema: 'failsafe', uniqueKeys: false, merge: false, version: '1.1', prettyErrors: false });
  const list = Array.isArray(docs) ? docs : [];
  const doc = list[0];
  if (!doc) return { ok: true, root: null, present: false, source };
  if (doc.errors.length > 0) return { ok: false, error: `yaml: ${doc.errors[0]!.message.split('\n')[0]}` };
  return { ok: true, root: (doc.contents ?? null) as Node, present: true, source };
}

function run<T>(text: string, decode: (d: Decoder, root: Node) => T, empty: T): YamlV2Result<T> {
  const doc = firstDocument(text);
  if (!doc.ok) return doc;
  if (!doc.present) return { ok: true, value: empty, typeErrors: [] }; // no document: Unmarshal leaves the target as it was
  let decoder: Decoder;
  try {
    decoder = new Decoder(bindAliases(doc.root, doc.source));
  } catch (e) {
    if (e instanceof YamlV2Failure) return { ok: false, error: `yaml: ${e.message}` };
    throw e;
  }
  try {
    let value = empty;
    decoder.document(doc.root, (n) => void (value = decode(decoder, n)));
    return { ok: true, value, typeErrors: decoder.typeErrors };
  } catch (e) {
    if (e instanceof YamlV2Failure) return { ok: false, error: `yaml: ${e.message}`, partial: (e as { partial?: T }).partial };
    if (e instanceof RangeError) return { ok: false, error: 'yaml: document nests too deeply' };
    throw e;
  }
}

/** yaml.Unmarshal(text, &interface{}). */
export function unmarshalYamlV2(text: string): YamlV2Result<GoValue> {
  return run(text, (d, root) => d.value(root), null);
}

/** yaml.Unmarshal(text, &[]string): type errors are reported but the good elements stay. */
export function unmarshalYamlV2StringList(text: string): YamlV2Result<string[]> {
  return run(text, (d, root) => d.stringList(root) ?? [], []);
}
