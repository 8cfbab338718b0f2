/**
 * One aws-auth section through the authenticator's pipeline (pkg/mapper/configmap ParseMap):
 * mapRoles and mapUsers by utilyaml.ToJSON (sigs.k8s.io/yaml: yaml.v2, then JSON) and json.Unmarshal,
 * mapAccounts by yaml.v2 Unmarshal into []string.
 */
import { decodeMappings, type DecodedEntry } from './json-decode.js';
import { JsonConversionError, yamlToJson } from './yaml-to-json.js';
import { GoMap, GoSeq, unmarshalYamlV2, type GoValue } from './yaml-v2.js';

/** Kubernetes refuses a ConfigMap over 1 MiB, so a larger section cannot come from a real cluster. */
export const MAX_SECTION_CHARS = 1024 * 1024;
/** Far above any real aws-auth; bounds the work of the lint that follows. */
export const MAX_ENTRIES = 5000;

export type SectionRead =
  | { ok: false; reason: string; line?: number; accounts: string[]; extraDocumentLine?: number }
  | {
      ok: true;
      /** What the section is when it is not a list (nothing loads from it). */
      notAList?: string;
      entries: DecodedEntry[];
      accounts: string[];
      /** mapAccounts items yaml.v2 skips (lists and mappings are no strings). */
      skipped: { line: number; kind: string }[];
      extraDocumentLine?: number;
    };

export function readSection(text: string, section: 'mapRoles' | 'mapUsers' | 'mapAccounts'): SectionRead {
  if (text.length > MAX_SECTION_CHARS) return { ok: false, reason: `section is larger than ${MAX_SECTION_CHARS / 1048576} MiB, the ConfigMap size limit`, accounts: [] };
  if (text.includes('\u0000')) return { ok: false, reason: 'section contains binary data, not YAML', accounts: [] };
  const read = unmarshalYamlV2(text, section === 'mapAccounts' ? 'strings' : 'interface');
  const extra = read.ok && read.extraDocumentLine !== undefined ? { extraDocumentLine: read.extraDocumentLine } : {};
  if (!read.ok) return { ok: false, reason: read.reason, line: read.line, accounts: read.partial instanceof GoSeq ? accountsOf(read.partial) : [] };
  if (section === 'mapAccounts') return { ok: true, entries: [], ...accountList(read.value), ...extra };
  let json;
  try {
    json = yamlToJson(read.value);
  } catch (err) {
    if (!(err instanceof JsonConversionError)) throw err;
    return { ok: false, reason: `${err.message}: sigs.k8s.io/yaml cannot turn the section into JSON, so the authenticator drops it`, line: err.line, accounts: [], ...extra };
  }
  const entries = decodeMappings(json, section);
  if (entries) return { ok: true, entries, accounts: [], skipped: [], ...extra };
  return { ok: true, entries: [], accounts: [], skipped: [], ...extra, ...(!isNull(read.value) && { notAList: kindOf(read.value) }) };
}

function accountList(value: GoValue): { accounts: string[]; skipped: { line: number; kind: string }[]; notAList?: string } {
  if (value instanceof GoSeq) {
    const skipped = value.items.flatMap((item, i) => (typeof item === 'string' ? [] : [{ line: value.lines[i]!, kind: kindOf(item) }]));
    return { accounts: accountsOf(value), skipped };
  }
  return { accounts: [], skipped: [], ...(!isNull(value) && { notAList: kindOf(value) }) };
}

const accountsOf = (seq: GoSeq) => seq.items.filter((item): item is string => typeof item === 'string');

const isNull = (value: GoValue) => typeof value !== 'string' && !(value instanceof GoSeq) && !(value instanceof GoMap) && value.kind === 'null';

function kindOf(value: GoValue): string {
  if (typeof value === 'string') return 'string';
  if (value instanceof GoSeq) return 'list';
  if (value instanceof GoMap) return 'mapping';
  return value.kind === 'bool' ? 'boolean' : value.kind === 'null' ? 'empty' : 'number';
}
