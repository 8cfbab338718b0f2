/**
 * sigs.k8s.io/yaml YAMLToJSON after yaml.v2 (kubernetes-sigs/yaml yaml.go yamlToJSONTarget): map keys
 * become strings (convertToJSONableObject: string, int, float and bool keys only), then json.Marshal,
 * which sorts object keys and refuses NaN and ±Inf. json.Unmarshal then refuses nesting deeper than
 * 10,000 (golang/go src/encoding/json/scanner.go maxNestingDepth). The result is a JSON value tree
 * that keeps each member's source line.
 */
import { compareGoStrings } from '../../shared/go-strings.js';
import { GoMap, GoSeq, type GoValue } from './yaml-v2.js';
import { goIntValue, type GoLiteral } from './yaml-v2-resolve.js';

export type JsonValue = string | JsonLiteral | JsonArray | JsonObject;

/** A JSON null, boolean or number, with the YAML text it came from (`on`, `0x1F`, `~`). */
export interface JsonLiteral {
  kind: 'null' | 'bool' | 'number';
  text: string;
}

export class JsonArray {
  constructor(
    readonly items: JsonValue[],
    readonly lines: number[],
  ) {}
}

/** Members in json.Marshal's order (Go string order of the keys), one per key. */
export class JsonObject {
  constructor(readonly members: { key: string; value: JsonValue; line: number }[]) {}
}

export class JsonConversionError extends Error {
  constructor(
    message: string,
    readonly line?: number,
  ) {
    super(message);
  }
}

const MAX_NESTING = 10_000;

export function yamlToJson(value: GoValue): JsonValue {
  return convert(value, 0, undefined);
}

function convert(value: GoValue, depth: number, line: number | undefined): JsonValue {
  if (typeof value === 'string') return value;
  if (value instanceof GoSeq) {
    if (depth >= MAX_NESTING) throw new JsonConversionError('exceeded max depth (encoding/json nests at most 10000 levels)', line);
    return new JsonArray(
      value.items.map((item, i) => convert(item, depth + 1, value.lines[i])),
      value.lines,
    );
  }
  if (value instanceof GoMap) {
    if (depth >= MAX_NESTING) throw new JsonConversionError('exceeded max depth (encoding/json nests at most 10000 levels)', line);
    const byKey = new Map<string, { key: string; value: JsonValue; line: number }>();
    for (const entry of value.entries.values()) {
      const key = jsonKey(entry.key, entry.line);
      byKey.set(key, { key, value: convert(entry.value, depth + 1, entry.line), line: entry.line });
    }
    return new JsonObject([...byKey.values()].sort((a, b) => compareGoStrings(a.key, b.key)));
  }
  return literal(value, line);
}

function literal(value: GoLiteral, line: number | undefined): JsonLiteral {
  if (value.kind === 'nonfinite') throw new JsonConversionError(`json: unsupported value: ${value.text} (JSON has no NaN or infinity)`, line);
  return { kind: value.kind === 'null' ? 'null' : value.kind === 'bool' ? 'bool' : 'number', text: value.text };
}

/** convertToJSONableObject's key switch: null and uint64 keys (and keys yaml.v2 already refused) cannot become JSON. */
function jsonKey(key: string | GoLiteral, line: number): string {
  if (typeof key === 'string') return key;
  switch (key.kind) {
    case 'bool':
      return /^(y|yes|true|on)$/i.test(key.text) ? 'true' : 'false';
    case 'int':
      return String(goIntValue(key.text.replaceAll('_', '')) ?? key.text);
    case 'float':
      return String(Math.fround(Number(key.text.replaceAll('_', ''))));
    case 'nonfinite':
      return /nan/i.test(key.text) ? '.nan' : key.text.startsWith('-') ? '-.inf' : '.inf';
    case 'uint':
      throw new JsonConversionError(`unsupported map key of type uint64 (${key.text})`, line);
    case 'null':
      throw new JsonConversionError(`unsupported map key of type <nil> (\`${key.text || '~'}\`)`, line);
  }
}
