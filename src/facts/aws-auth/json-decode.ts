/**
 * Go encoding/json Unmarshal of one section's JSON into []RoleMapping or []UserMapping
 * (aws-iam-authenticator pkg/config/types.go), as golang/go src/encoding/json/decode.go does it:
 * object keys in json.Marshal's sorted order, each matched to a field exactly or under Unicode case
 * folding (fold.go foldName), so of several spellings the last one wins; a value of the wrong type is
 * a type error that leaves the field as it was; null leaves a string as it was and resets a slice or
 * pointer; a second array decoded into the same slice reuses it (array(): SetLen, Grow).
 */
import { foldKey } from '../../shared/go-strings.js';
import { JsonArray, JsonObject, type JsonValue } from './yaml-to-json.js';

export type MappingField = 'rolearn' | 'userarn' | 'username' | 'groups' | 'userid' | 'sso';

/** pkg/config/types.go: RoleMapping and UserMapping fields by their JSON names. */
const FIELDS: Record<'mapRoles' | 'mapUsers', MappingField[]> = {
  mapRoles: ['rolearn', 'sso', 'username', 'groups', 'userid'],
  mapUsers: ['userarn', 'username', 'groups', 'userid'],
};
const SSO_FIELDS = ['permissionSetName', 'accountID', 'partition'] as const;
type SsoField = (typeof SSO_FIELDS)[number];

export interface SsoMatcher {
  permissionSetName: string;
  accountID: string;
  partition: string;
}

/** One key of an entry as written, and what the decoder made of it. */
export interface DecodedKey {
  key: string;
  line: number;
  value: JsonValue;
  /** The field the key decoded into; undefined for a key no field matches (ignored). */
  field?: MappingField;
  /** Why the value did not go into the field (a Go UnmarshalTypeError). */
  typeError?: string;
  /** For groups: the items that are not strings, each leaving "" (or an earlier value) in its slot. */
  badItems?: { index: number; value: JsonValue }[];
}

export interface DecodedEntry {
  /** 1-based position in the section. */
  entry: number;
  line: number;
  /** What the list item was when it is not an object: the decoder leaves a zero mapping. */
  notAnObject?: JsonValue;
  arn: string;
  username: string;
  /** undefined when JSON never set the field (or null reset it). */
  groups?: string[];
  sso?: SsoMatcher;
  keys: DecodedKey[];
}

/** json.Unmarshal into the section's slice; undefined when the JSON is not an array (a type error: nothing loads). */
export function decodeMappings(json: JsonValue, section: 'mapRoles' | 'mapUsers'): DecodedEntry[] | undefined {
  if (!(json instanceof JsonArray)) return undefined;
  return json.items.map((item, i) => decodeEntry(item, section, i + 1, json.lines[i] ?? 1));
}

function decodeEntry(item: JsonValue, section: 'mapRoles' | 'mapUsers', entry: number, line: number): DecodedEntry {
  const out: DecodedEntry = { entry, line, arn: '', username: '', keys: [] };
  if (!(item instanceof JsonObject)) {
    out.notAnObject = item;
    return out;
  }
  const groups = new GoStringSlice();
  let groupsSet = false;
  for (const { key, value, line: keyLine } of item.members) {
    const field = matchField(key, FIELDS[section]);
    const decoded: DecodedKey = { key, line: keyLine, value, ...(field && { field }) };
    out.keys.push(decoded);
    if (!field) continue;
    if (field === 'groups') {
      const result = groups.decode(value);
      if (result.typeError) decoded.typeError = result.typeError;
      if (result.badItems.length > 0) decoded.badItems = result.badItems;
      groupsSet = !groups.isNil;
    } else if (field === 'sso') {
      decoded.typeError = decodeSso(value, out);
    } else {
      const set = decodeString(value);
      if (set.typeError) decoded.typeError = set.typeError;
      else if (set.value !== undefined) {
        if (field === 'username') out.username = set.value;
        else if (field !== 'userid') out.arn = set.value;
      }
    }
  }
  if (groupsSet) out.groups = groups.values();
  return out;
}

/** decode.go object(): an exact name first, then the folded one (fold.go). */
function matchField<F extends string>(key: string, fields: readonly F[]): F | undefined {
  return fields.find((f) => f === key) ?? fields.find((f) => foldKey(f) === foldKey(key));
}

/** What JSON value kind a Go error message names ("cannot unmarshal bool into … string"). */
export function jsonKind(value: JsonValue): string {
  if (typeof value === 'string') return 'string';
  if (value instanceof JsonArray) return 'array';
  if (value instanceof JsonObject) return 'object';
  return value.kind === 'bool' ? 'bool' : value.kind;
}

/** literalStore into a string: a string sets it, null leaves it, anything else is a type error. */
function decodeString(value: JsonValue): { value?: string; typeError?: string } {
  if (typeof value === 'string') return { value };
  if (!(value instanceof JsonArray) && !(value instanceof JsonObject) && value.kind === 'null') return {};
  return { typeError: `cannot unmarshal ${jsonKind(value)} into a string` };
}

/**
 * A *SSOARNMatcher field: null resets it; anything else first allocates the struct (decode.go
 * indirect), so even `sso: x`, a type error, leaves a non-nil matcher that Validate then judges.
 */
function decodeSso(value: JsonValue, out: DecodedEntry): string | undefined {
  if (!(value instanceof JsonArray) && !(value instanceof JsonObject) && typeof value !== 'string' && value.kind === 'null') {
    delete out.sso;
    return undefined;
  }
  out.sso ??= { permissionSetName: '', accountID: '', partition: '' };
  if (!(value instanceof JsonObject)) return `cannot unmarshal ${jsonKind(value)} into the sso matcher (an object)`;
  for (const member of value.members) {
    const field = matchField<SsoField>(member.key, SSO_FIELDS);
    const set = field && decodeString(member.value);
    if (field && set?.value !== undefined) out.sso[field] = set.value;
  }
  return undefined;
}

/**
 * A Go []string as decode.go array() fills it: decoding reuses the backing array, extending the
 * length within its capacity (slots keep what an earlier decode left there) and growing it like
 * reflect.Value.Grow(1) when full; a shorter array truncates the length; `[]` makes a new empty
 * slice; an element that is not a string leaves its slot as it was.
 */
class GoStringSlice {
  private backing: string[] = [];
  private length = 0;
  isNil = true;

  decode(value: JsonValue): { typeError?: string; badItems: { index: number; value: JsonValue }[] } {
    const badItems: { index: number; value: JsonValue }[] = [];
    if (!(value instanceof JsonArray)) {
      if (typeof value !== 'string' && !(value instanceof JsonObject) && value.kind === 'null') {
        this.backing = [];
        this.length = 0;
        this.isNil = true;
        return { badItems };
      }
      return { typeError: `cannot unmarshal ${jsonKind(value)} into a list of strings`, badItems };
    }
    if (value.items.length === 0) {
      this.backing = [];
      this.length = 0;
      this.isNil = false;
      return { badItems };
    }
    value.items.forEach((item, i) => {
      if (i >= this.backing.length) this.grow();
      if (i >= this.length) this.length = i + 1;
      if (typeof item === 'string') this.backing[i] = item;
      else badItems.push({ index: i, value: item });
    });
    this.length = value.items.length;
    this.isNil = false;
    return { badItems };
  }

  values(): string[] {
    return this.backing.slice(0, this.length);
  }

  /** runtime growslice for one more element: doubling below 256, then by about 1.25 (size-class rounding not modelled). */
  private grow(): void {
    const oldCap = this.backing.length;
    const newLen = this.length + 1;
    let newCap = oldCap;
    if (newLen > oldCap * 2) newCap = newLen;
    else if (oldCap < 256) newCap = oldCap * 2;
    else while (newCap < newLen) newCap += (newCap + 768) >> 2;
    this.backing = [...this.backing.slice(0, this.length), ...Array<string>(newCap - this.length).fill('')];
  }
}
