/**
 * encoding/json Unmarshal of the converted aws-auth sections into aws-iam-authenticator's structs
 * (pkg/config/types.go RoleMapping, UserMapping, SSOARNMatcher), with Go's rules: a key names a field
 * exactly or else case-insensitively (EqualFold), unknown keys are ignored, a value of the wrong JSON
 * type leaves its field as it was and records an error while decoding goes on, null leaves a string
 * alone and empties a slice or pointer, and an array decoded into an existing slice reuses its
 * backing array (decode.go array()), which shows when one entry spells `groups` twice.
 */
import { goEqualFold } from './go-strings.js';
import { JsonObject, type JsonValue } from './yaml-to-json.js';

type FieldType = 'string' | 'strings' | { pointerTo: StructSpec };
export interface StructSpec {
  goName: string;
  /** JSON name → type, from the struct's `json:"…"` tags. */
  fields: Record<string, FieldType>;
}

/** A Go []string: nil, or a length within a backing array whose size is the capacity. */
class GoStringSlice {
  constructor(
    public backing: string[],
    public len: number,
  ) {}
  values(): string[] {
    return this.backing.slice(0, this.len);
  }
}

export type GoStruct = { [jsonName: string]: string | GoStringSlice | GoStruct | null };

export const SSO_MATCHER: StructSpec = { goName: 'SSOARNMatcher', fields: { permissionSetName: 'string', accountID: 'string', partition: 'string' } };
export const ROLE_MAPPING: StructSpec = {
  goName: 'RoleMapping',
  fields: { rolearn: 'string', sso: { pointerTo: SSO_MATCHER }, username: 'string', groups: 'strings', userid: 'string' },
};
export const USER_MAPPING: StructSpec = { goName: 'UserMapping', fields: { userarn: 'string', username: 'string', groups: 'strings', userid: 'string' } };

function zeroStruct(spec: StructSpec): GoStruct {
  const s: GoStruct = {};
  for (const [name, type] of Object.entries(spec.fields)) s[name] = type === 'string' ? '' : null;
  return s;
}

function jsonKind(v: JsonValue): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (v instanceof JsonObject) return 'object';
  return typeof v === 'boolean' ? 'bool' : typeof v;
}

/** runtime nextslicecap for 16-byte elements: doubling below 256 (size classes round to powers of two there). */
function grownCapacity(cap: number): number {
  if (cap === 0) return 1;
  return cap < 256 ? cap * 2 : cap + ((cap + 768) >> 2);
}

class JsonDecoder {
  readonly errors: string[] = [];

  private typeError(v: JsonValue, where: string, type: string): void {
    this.errors.push(`json: cannot unmarshal ${jsonKind(v)} into Go ${where} of type ${type}`);
  }

  private strings(v: JsonValue, current: GoStringSlice | null, where: string): GoStringSlice | null {
    if (v === null) return null;
    if (!Array.isArray(v)) {
      this.typeError(v, where, '[]string');
      return current;
    }
    const s = current ?? new GoStringSlice([], 0);
    v.forEach((element, i) => {
      if (i >= s.backing.length) s.backing = [...s.backing.slice(0, s.len), ...Array<string>(grownCapacity(s.backing.length) - s.len).fill('')];
      if (i >= s.len) s.len = i + 1;
      if (typeof element === 'string') s.backing[i] = element;
      else if (element !== null) this.typeError(element, where, 'string');
    });
    if (v.length < s.len) s.len = v.length;
    return v.length === 0 ? new GoStringSlice([], 0) : s;
  }

  /** Decodes `v` into `target` (a struct value) in place. */
  struct(v: JsonValue, spec: StructSpec, target: GoStruct): void {
    if (v === null) return;
    if (!(v instanceof JsonObject)) return this.typeError(v, 'value', `config.${spec.goName}`);
    for (const [key, value] of v.entries) {
      const name = key in spec.fields ? key : Object.keys(spec.fields).find((f) => goEqualFold(f, key));
      if (name === undefined) continue;
      const type = spec.fields[name]!;
      const where = `struct field ${spec.goName}.${name}`;
      if (type === 'string') {
        if (typeof value === 'string') target[name] = value;
        else if (value !== null) this.typeError(value, where, 'string');
      } else if (type === 'strings') {
        target[name] = this.strings(value, target[name] as GoStringSlice | null, where);
      } else if (value === null) {
        target[name] = null;
      } else if (value instanceof JsonObject) {
        const inner = (target[name] as GoStruct | null) ?? zeroStruct(type.pointerTo);
        this.struct(value, type.pointerTo, inner);
        target[name] = inner;
      } else {
        // decode.go literalStore and array() call indirect(v, false) before the kind check: the nil pointer
        // is allocated first, then the type error saved, so the field ends non-nil (a zero struct).
        target[name] = (target[name] as GoStruct | null) ?? zeroStruct(type.pointerTo);
        this.typeError(value, where, `*config.${type.pointerTo.goName}`);
      }
    }
  }

  /** A []T made with make([]T, 0): null → nil, an array → one zero struct per element, anything else → a type error. */
  list(v: JsonValue, spec: StructSpec): GoStruct[] {
    if (v === null) return [];
    if (!Array.isArray(v)) {
      this.typeError(v, 'value', `[]config.${spec.goName}`);
      return [];
    }
    return v.map((element) => {
      const s = zeroStruct(spec);
      this.struct(element, spec, s);
      return s;
    });
  }
}

export function stringField(s: GoStruct, name: string): string {
  return (s[name] as string | undefined) ?? '';
}

/** A []string field as Go holds it; nil reads as []. */
export function stringsField(s: GoStruct, name: string): string[] {
  const v = s[name];
  return v instanceof GoStringSlice ? v.values() : [];
}

export function structField(s: GoStruct, name: string): GoStruct | null {
  return (s[name] as GoStruct | null | undefined) ?? null;
}

/** json.Unmarshal(data, &[]T): the structs decoded and the errors encoding/json reported (it keeps going after a type error). */
export function unmarshalJsonList(v: JsonValue, spec: StructSpec): { items: GoStruct[]; errors: string[] } {
  const d = new JsonDecoder();
  const items = d.list(v, spec);
  return { items, errors: d.errors };
}
