/**
 * k8s.io/apimachinery/pkg/util/yaml ToJSON, which pkg/mapper/configmap ParseMap runs on mapRoles and
 * mapUsers: text that starts with `{` is taken as JSON as it is; anything else goes through
 * sigs.k8s.io/yaml YAMLToJSON (yaml.v2 into an interface{}, map keys made strings, then json.Marshal,
 * which sorts object keys and refuses NaN and ±Inf).
 */
import { goCompareStrings } from './go-strings.js';
import { GoMap, unmarshalYamlV2, type GoKey, type GoValue } from './yaml-v2.js';

/** A JSON object with its keys in the order json.Marshal writes them (sorted, unique). */
export class JsonObject {
  constructor(readonly entries: readonly (readonly [string, JsonValue])[]) {}
}
export type JsonValue = null | boolean | number | string | JsonValue[] | JsonObject;

export type ToJsonResult = { ok: true; value: JsonValue } | { ok: true; rawJson: string } | { ok: false; error: string };

class ConversionError extends Error {}

/** sigs.k8s.io/yaml convertToJSONableObject: string, int, float and bool keys become strings; any other key is an error. */
function keyString(key: GoKey): string {
  switch (key.kind) {
    case 'string':
      return key.value;
    case 'int':
      return String(key.value);
    case 'bool':
      return key.value ? 'true' : 'false';
    case 'float':
      // strconv.FormatFloat(f, 'g', -1, 32), with .inf/-.inf/.nan; such keys never name a struct field.
      return Number.isNaN(key.value) ? '.nan' : key.value === Infinity ? '.inf' : key.value === -Infinity ? '-.inf' : String(Math.fround(key.value));
    default:
      throw new ConversionError(`unsupported map key of type: ${key.kind === 'uint' ? 'uint64' : '<nil>'}`);
  }
}

function toJsonable(v: GoValue): JsonValue {
  if (v instanceof GoMap) {
    const byKey = new Map<string, JsonValue>();
    for (const { key, value } of v.entries()) byKey.set(keyString(key), toJsonable(value));
    return new JsonObject([...byKey.entries()].sort((a, b) => goCompareStrings(a[0], b[0])));
  }
  if (Array.isArray(v)) return v.map(toJsonable);
  if (typeof v === 'number' && !Number.isFinite(v)) throw new ConversionError(`json: unsupported value: ${Number.isNaN(v) ? 'NaN' : v > 0 ? '+Inf' : '-Inf'}`);
  return v;
}

/** Go's unicode.IsSpace, which hasJSONPrefix trims before looking for `{`. */
const GO_SPACE = /^[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]*\{/;

/** utilyaml.ToJSON: hasJSONPrefix (`{` after leading white space) passes the text through untouched. */
export function yamlToJson(text: string): ToJsonResult {
  if (GO_SPACE.test(text)) return { ok: true, rawJson: text };
  const yaml = unmarshalYamlV2(text);
  if (!yaml.ok) return { ok: false, error: yaml.error };
  try {
    return { ok: true, value: toJsonable(yaml.value) };
  } catch (e) {
    if (e instanceof ConversionError) return { ok: false, error: e.message };
    throw e;
  }
}
