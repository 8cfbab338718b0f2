import { foldKey } from '../../shared/go-strings.js';
import { isRecord } from '../../shared/records.js';
import { isKnownPartition } from '../arn.js';
import { decodeMappings, jsonKind, type DecodedEntry, type DecodedKey } from './json-decode.js';
import { lintMappings } from './lint.js';
import { readSection, MAX_ENTRIES } from './section.js';
import { AWS_AUTH_SECTIONS, awsAuthProblem, type AwsAuthConfig, type AwsAuthMapping, type AwsAuthProblemOf, type AwsAuthSection, type AwsAuthSource } from './types.js';
import { yamlKind } from './yaml-kind.js';
import { JsonArray, JsonObject, type JsonValue } from './yaml-to-json.js';

/** Entry fields the authenticator decodes (pkg/config/types.go RoleMapping / UserMapping), for suggestions. */
const ROLE_FIELDS = ['rolearn', 'username', 'groups', 'userid', 'sso'];
const USER_FIELDS = ['userarn', 'username', 'groups', 'userid'];

/** Maps a line within a section to a line in the source file, as far as the source allows. */
export type Locate = (section: string, sectionLine?: number) => number | undefined;

export function makeLocator(source: AwsAuthSource = {}): Locate {
  return (section, sectionLine) => {
    const offset = source.lineOffsets?.[section as AwsAuthSection];
    if (offset !== undefined && sectionLine !== undefined) return offset + sectionLine;
    return source.keyLines?.[section] ?? (source.lineOffsets ? undefined : sectionLine);
  };
}

/**
 * Parses the ConfigMap `data` as aws-iam-authenticator pkg/mapper/configmap ParseMap does: only the
 * case-sensitive keys mapRoles, mapUsers and mapAccounts count; mapRoles and mapUsers go through
 * sigs.k8s.io/yaml (yaml.v2, YAML 1.1) and Go encoding/json, mapAccounts through yaml.v2 into
 * []string; a section that fails to parse is dropped whole while the others load; an entry that
 * fails Validate is dropped. Every deviation and pitfall becomes a finding. Never throws.
 */
export function parseAwsAuthData(data: Record<string, string | undefined>, source: AwsAuthSource = {}): AwsAuthConfig {
  const config: AwsAuthConfig = { roles: [], users: [], accounts: [], problems: [] };
  const locate = makeLocator(source);
  const base = { file: source.file };
  const problem: Report = (kind, fields) => config.problems.push(awsAuthProblem(kind, { ...base, ...fields } as never));

  const keys = isRecord(data) ? Object.keys(data) : [];
  for (const key of keys) {
    if ((AWS_AUTH_SECTIONS as readonly string[]).includes(key)) continue;
    problem('unknown-key', { section: 'data', key, suggestedKey: closestKey(key, AWS_AUTH_SECTIONS), line: locate(key) });
  }

  for (const section of AWS_AUTH_SECTIONS) {
    if (!keys.includes(section)) continue;
    const raw: unknown = data[section];
    if (raw === undefined || raw === null) continue;
    if (typeof raw !== 'string') {
      problem('invalid-yaml', { section, line: locate(section), reason: `data.${section} is a ${yamlKind(raw)}; ConfigMap data values are strings (write \`${section}: |\` and the list below it)` });
      continue;
    }
    // pkg/mapper/configmap isSkippable: blank values load nothing and are not errors.
    if (['', '``', '""', "''"].includes(raw.trim())) continue;

    const read = readSection(raw, section);
    if (read.extraDocumentLine !== undefined) {
      problem('invalid-yaml', { section, line: locate(section, read.extraDocumentLine), reason: `${section} holds more than one YAML document; the authenticator reads only the first (yaml.v2 Unmarshal)` });
    }
    if (!read.ok) {
      problem('invalid-yaml', { section, line: locate(section, read.line), reason: read.reason, dropped: 'section' });
      if (section === 'mapAccounts') config.accounts.push(...read.accounts.filter((a) => a !== ''));
      continue;
    }
    if (read.notAList) {
      problem('invalid-yaml', { section, line: locate(section, 1), reason: `${section} is a ${read.notAList}, not a list: the authenticator loads nothing from it`, dropped: 'section' });
      continue;
    }
    const count = section === 'mapAccounts' ? read.accounts.length : read.entries.length;
    if (count > MAX_ENTRIES) {
      problem('invalid-yaml', { section, line: locate(section, 1), reason: `${section} has ${count} entries; only the first ${MAX_ENTRIES} were checked` });
    }
    if (section === 'mapAccounts') readAccounts(read.accounts.slice(0, MAX_ENTRIES), read.skipped, config, locate, problem);
    else readMappings(section, read.entries.slice(0, MAX_ENTRIES), config, locate, problem);
  }

  config.problems.push(...lintMappings(config, source.file));
  return config;
}

type Report = <K extends 'invalid-yaml' | 'unknown-key'>(kind: K, fields: AwsAuthProblemOf<K>) => void;

function readAccounts(accounts: string[], skipped: { line: number; kind: string }[], config: AwsAuthConfig, locate: Locate, problem: Report): void {
  // yaml.v2 into []string: every scalar keeps its text (012… too), null is "", which matches no account.
  config.accounts.push(...accounts.filter((a) => a !== ''));
  for (const s of skipped) problem('invalid-yaml', { section: 'mapAccounts', line: locate('mapAccounts', s.line), reason: `a mapAccounts entry is a ${s.kind}, not an account ID` });
}

/** A JSON value as the user wrote it, for messages: `a list`, `a boolean (\`on\`)`. */
function described(value: JsonValue): string {
  if (typeof value === 'string') return 'a string';
  if (value instanceof JsonArray) return 'a list';
  if (value instanceof JsonObject) return 'a mapping';
  if (value.kind === 'null') return 'empty';
  return `a ${value.kind === 'bool' ? 'boolean' : 'number'} (\`${value.text}\`)`;
}

/** Why a plain word is not a string: YAML 1.1 (yaml.v2) reads on/off/yes/no/y/n as booleans and 012, 0x1F, 1_000 as numbers. */
function yaml11Hint(values: JsonValue[]): string {
  const read = values
    .filter((v): v is { kind: 'bool' | 'number'; text: string } => typeof v === 'object' && 'kind' in v && v.kind !== 'null')
    .map((v) => `\`${v.text}\` as a ${v.kind === 'bool' ? 'boolean' : 'number'}`);
  return read.length > 0 ? ` (YAML 1.1 reads unquoted ${read.join(' and ')}: quote ${read.length > 1 ? 'them' : 'it'})` : '';
}

function readMappings(section: 'mapRoles' | 'mapUsers', entries: DecodedEntry[], config: AwsAuthConfig, locate: Locate, problem: Report): void {
  const arnField = section === 'mapRoles' ? 'rolearn' : 'userarn';
  const otherArnField = section === 'mapRoles' ? 'userarn' : 'rolearn';
  const known = section === 'mapRoles' ? ROLE_FIELDS : USER_FIELDS;

  for (const decoded of entries) {
    const { entry } = decoded;
    const keyOf = (field: string): DecodedKey | undefined => decoded.keys.filter((k) => k.field === field).at(-1);
    const at = (field?: string) => locate(section, (field && keyOf(field)?.line) || decoded.line);
    if (decoded.notAnObject !== undefined) {
      const what = typeof decoded.notAnObject !== 'string' && !(decoded.notAnObject instanceof JsonArray) && !(decoded.notAnObject instanceof JsonObject) && decoded.notAnObject.kind === 'null' ? 'empty' : `a ${yamlKindOfJson(decoded.notAnObject)}`;
      problem('invalid-yaml', { section, entry, line: at(), reason: `entry ${entry} is ${what}, not a mapping; the authenticator skips it`, dropped: 'entry' });
      continue;
    }
    for (const k of decoded.keys) {
      if (k.field || foldsTo(k.key, otherArnField)) continue;
      problem('unknown-key', { section, entry, key: k.key, suggestedKey: closestKey(k.key, known), line: locate(section, k.line) });
    }

    // pkg/config/mapper.go Validate: a rolearn or an sso matcher (not both), a userarn for users.
    const arn = decoded.arn;
    const sso = decoded.sso;
    if (arn === '') {
      if (section === 'mapRoles' && sso) {
        if (!validSso(sso)) problem('invalid-yaml', { section, entry, line: at('sso'), reason: `the sso matcher of entry ${entry} needs a 12-digit accountID and a permissionSetName; the authenticator drops it`, dropped: 'entry' });
        continue; // a feature-gated SSO matcher entry (pkg/config RoleMapping.SSO): valid, never an ARN match
      }
      const other = decoded.keys.filter((k) => foldsTo(k.key, otherArnField)).at(-1);
      if (other && typeof other.value === 'string' && other.value !== '') {
        problem('invalid-yaml', {
          section, entry, arn: other.value, line: locate(section, other.line), dropped: 'entry',
          reason: `${section} entries need \`${arnField}\`; \`${otherArnField}\` is not read there, so the authenticator drops the entry (put it under ${section === 'mapRoles' ? 'mapUsers' : 'mapRoles'} or rename the key)`,
        });
      } else {
        const written = keyOf(arnField);
        const reason = !written || written.value === '' || (typeof written.value !== 'string' && jsonKind(written.value) === 'null')
          ? `entry ${entry} has no ${arnField}; the authenticator drops it`
          : `${arnField} is ${described(written.value)}, not a string${yaml11Hint([written.value])}; the authenticator drops the entry`;
        problem('invalid-yaml', { section, entry, line: at(arnField), reason, dropped: 'entry' });
      }
      continue;
    }
    if (section === 'mapRoles' && sso) {
      const ssoKey = keyOf('sso');
      const how = ssoKey?.typeError ? ` (sso is ${described(ssoKey.value)}, which still counts as a matcher)` : '';
      problem('invalid-yaml', { section, entry, arn, line: at('sso'), reason: `an entry may have rolearn or sso, not both${how}; the authenticator drops it`, dropped: 'entry' });
      continue;
    }

    const mapping: AwsAuthMapping = { section, arn, groups: decoded.groups ?? [], line: at(arnField) };
    // A username never set (absent, null or of the wrong type) renders as "", which the matcher notes.
    if (decoded.keys.some((k) => k.field === 'username' && typeof k.value === 'string')) mapping.username = decoded.username;
    for (const k of decoded.keys) reportTypeErrors(k, { section, entry, arn }, locate, problem);
    (section === 'mapRoles' ? config.roles : config.users).push(mapping);
  }
}

/** Go's type errors, which skip a field (or keep an empty group) and keep the entry. */
function reportTypeErrors(k: DecodedKey, at: { section: 'mapRoles' | 'mapUsers'; entry: number; arn: string }, locate: Locate, problem: Report): void {
  const line = locate(at.section, k.line);
  if (k.field === 'username' && k.typeError) {
    problem('invalid-yaml', { ...at, line, reason: `username is ${described(k.value)}, not a string${yaml11Hint([k.value])}; the authenticator ignores it` });
  } else if (k.field === 'groups' && k.typeError) {
    problem('invalid-yaml', { ...at, line, reason: `groups is ${described(k.value)}, not a list${yaml11Hint([k.value])}; the authenticator ignores it and maps the entry with no groups` });
  } else if (k.field === 'groups' && k.badItems) {
    const items = k.badItems.map((b) => `item ${b.index + 1} is ${described(b.value)}`).join(', ');
    const hint = yaml11Hint(k.badItems.map((b) => b.value));
    problem('invalid-yaml', { ...at, line, reason: `groups contains an item that is not a string (${items})${hint}; the authenticator keeps an empty group in its place` });
  }
}

/** pkg/config/mapper.go Validate for an SSO matcher. */
function validSso(sso: { accountID: string; permissionSetName: string; partition: string }): boolean {
  return /^[0-9]{12}$/.test(sso.accountID) && /^[\w+=,.@-]{1,32}$/.test(sso.permissionSetName) && (sso.partition === '' || isKnownPartition(sso.partition));
}

/** The other section's ARN key, spelt in any case (encoding/json would match it there). */
const foldsTo = (key: string, field: string) => foldKey(key) === foldKey(field);

const yamlKindOfJson = (value: JsonValue): string => (typeof value === 'string' ? 'string' : value instanceof JsonArray ? 'list' : value instanceof JsonObject ? 'mapping' : value.kind === 'bool' ? 'boolean' : value.kind);

/** The known key a misspelt one most likely meant (case, punctuation, or up to two typos), if any. */
export function closestKey(key: string, known: readonly string[]): string | undefined {
  const norm = (s: string) => s.toLowerCase().replace(/[^a-z0-9]/g, '');
  const k = norm(key);
  let best: { name: string; d: number } | undefined;
  for (const name of known) {
    const d = editDistance(k, norm(name));
    if (d <= 2 && (!best || d < best.d)) best = { name, d };
  }
  return best?.name;
}

function editDistance(a: string, b: string): number {
  if (Math.abs(a.length - b.length) > 2 || a.length > 64 || b.length > 64) return 99;
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = cur;
  }
  return prev[b.length]!;
}

