/**
 * Where libyaml's scanner (go-yaml/yaml v2.4.0 scannerc.go) reads text differently from the YAML 1.2
 * lexer of the `yaml` package, for the documents the latter accepted: fixes the node tree in place
 * or names the error yaml.v2 would raise.
 */
import { isMap, isScalar, isSeq, Scalar, visit, type Document, type Node, type Pair, type YAMLMap } from 'yaml';

const FLOW_INDICATORS = ',[]{}';

/** The first libyaml-only syntax error in the document, with its offset; undefined when there is none. */
export function libyamlSyntaxError(text: string, doc: Document.Parsed): { reason: string; offset: number } | undefined {
  let found: { reason: string; offset: number } | undefined;
  const fail = (reason: string, offset: number) => {
    found ??= { reason, offset };
    return visit.BREAK;
  };
  visit(doc, {
    Scalar(_key, node, path) {
      if (!node.range) return undefined;
      if (node.type === 'QUOTE_DOUBLE') {
        const bad = badEscape(text.slice(node.range[0] + 1, node.range[1] - 1));
        if (bad) return fail(bad, node.range[0]);
      }
      // scannerc.go: in flow context `?` ends a plain scalar and starts a key, which cannot follow a scalar.
      if (node.type === 'PLAIN' && String(node.value).includes('?') && path.some(isFlowCollection)) return fail("did not find expected ',' or ']'", node.range[0]);
      return undefined;
    },
    Seq(_key, node) {
      return node.flow ? flowItems(text, node.items as Node[], fail) : undefined;
    },
    Map(_key, node) {
      return node.flow ? flowPairs(text, node as YAMLMap<Node, Node>, fail) : undefined;
    },
  });
  return found;
}

type Fail = (reason: string, offset: number) => symbol;

/**
 * scannerc.go yaml_parser_scan_plain_scalar: in a flow collection a plain scalar ends at `,?[]{}`
 * and at `: `, but takes a `:` followed by anything else, flow indicators included. So `[node:{{X}}]`
 * is the scalar `node:` followed by `{`, a syntax error, and `[a:, b]` is the list "a:", "b", where
 * YAML 1.2 reads a key `a`.
 */
function flowItems(text: string, items: Node[], fail: Fail): symbol | undefined {
  for (let i = 0; i < items.length; i++) {
    const item = items[i]!;
    // `[a: b]` is a single-pair mapping written without braces.
    if (!isMap(item) || !item.flow || !item.range || text[item.range[0]] === '{') continue;
    const pair = item.items[0] as Pair<Node, Node> | undefined;
    const absorbed = pair && colonAbsorbed(text, pair.key);
    if (!absorbed) continue;
    if ('[{'.includes(absorbed.next)) return fail("did not find expected ',' or ']'", absorbed.offset);
    const scalar = new Scalar(`${String((pair.key as Scalar).value)}:`);
    scalar.type = 'PLAIN';
    scalar.range = [item.range[0], absorbed.offset + 1, absorbed.offset + 1];
    items[i] = scalar as unknown as Node;
  }
  return undefined;
}

function flowPairs(text: string, map: YAMLMap<Node, Node>, fail: Fail): symbol | undefined {
  for (const pair of map.items) {
    const key = pair.key;
    const absorbed = colonAbsorbed(text, key);
    if (!absorbed) continue;
    if ('[{'.includes(absorbed.next)) return fail("did not find expected ',' or '}'", absorbed.offset);
    (key as Scalar).value = `${String((key as Scalar).value)}:`;
  }
  return undefined;
}

/** A plain key written as `key:` directly before a flow indicator: libyaml keeps the `:` in the scalar. */
function colonAbsorbed(text: string, key: Node | null): { offset: number; next: string } | undefined {
  if (!key || !isScalar(key) || key.type !== 'PLAIN' || !key.range) return undefined;
  const colon = key.range[1];
  const next = text[colon + 1] ?? '';
  return text[colon] === ':' && next !== '' && FLOW_INDICATORS.includes(next) ? { offset: colon, next } : undefined;
}

/** scannerc.go yaml_parser_scan_flow_scalar: the escapes libyaml knows (no `\/`), and no surrogate code points. */
function badEscape(source: string): string | undefined {
  for (let i = 0; i < source.length; i++) {
    if (source[i] !== '\\') continue;
    const e = source[++i] ?? '';
    if ('0abt\tnvfre "\'\\N_LP\n\r'.includes(e)) continue;
    const width = e === 'x' ? 2 : e === 'u' ? 4 : e === 'U' ? 8 : 0;
    if (width === 0) return 'found unknown escape character';
    const hex = source.slice(i + 1, i + 1 + width);
    if (!new RegExp(`^[0-9a-fA-F]{${width}}$`).test(hex)) return 'did not find expected hexdecimal number';
    const value = Number.parseInt(hex, 16);
    if ((value >= 0xd800 && value <= 0xdfff) || value > 0x10ffff) return 'found invalid Unicode character escape code';
    i += width;
  }
  return undefined;
}

const isFlowCollection = (node: unknown): boolean => (isSeq(node) || isMap(node)) && !!(node as { flow?: boolean }).flow;
