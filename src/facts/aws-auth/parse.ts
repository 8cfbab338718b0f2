import yaml from 'js-yaml';
import { isRecord } from '../../shared/records.js';
import { lintMappings } from './lint.js';
import { AWS_AUTH_SECTIONS, awsAuthProblem, type AwsAuthConfig, type AwsAuthMapping, type AwsAuthProblemOf, type AwsAuthSection, type AwsAuthSource } from './types.js';
import { loadSection, yamlKind, MAX_ENTRIES, type SectionItem } from './yaml-section.js';

/** Entry fields the authenticator decodes (pkg/config/types.go RoleMapping / UserMapping). */
const ROLE_FIELDS = ['rolearn', 'username', 'groups', 'userid', 'sso'];
const USER_FIELDS = ['userarn', 'username', 'groups', 'userid'];
const MAX_GROUPS = 1000;

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
 * case-sensitive keys mapRoles, mapUsers and mapAccounts count; a section that fails to parse is dropped
 * whole while the others load; entry fields are matched case-insensitively (Go encoding/json); an entry
 * without its ARN is dropped. Every deviation and pitfall becomes a finding. Never throws.
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

    const loaded = loadSection(raw, section === 'mapAccounts' ? yaml.FAILSAFE_SCHEMA : yaml.DEFAULT_SCHEMA);
    if (!loaded.ok) {
      problem('invalid-yaml', { section, line: locate(section, loaded.line), reason: loaded.reason, dropped: 'section' });
      continue;
    }
    if (!Array.isArray(loaded.root)) {
      if (loaded.root === null || loaded.root === undefined) continue;
      problem('invalid-yaml', { section, line: locate(section, 1), reason: `${section} is a ${yamlKind(loaded.root)}, not a list: the authenticator loads nothing from it`, dropped: 'section' });
      continue;
    }
    if (loaded.root.length > MAX_ENTRIES) {
      problem('invalid-yaml', { section, line: locate(section, 1), reason: `${section} has ${loaded.root.length} entries; only the first ${MAX_ENTRIES} were checked` });
    }
    if (section === 'mapAccounts') readAccounts(loaded.items, config, locate, problem);
    else readMappings(section, loaded.items, config, locate, problem);
  }

  config.problems.push(...lintMappings(config, source.file));
  return config;
}

type Report = <K extends 'invalid-yaml' | 'unknown-key'>(kind: K, fields: AwsAuthProblemOf<K>) => void;

function readAccounts(items: SectionItem[], config: AwsAuthConfig, locate: Locate, problem: Report): void {
  for (const item of items) {
    if (typeof item.value === 'string' && item.value !== '') config.accounts.push(item.value);
    else problem('invalid-yaml', { section: 'mapAccounts', line: locate('mapAccounts', item.line), reason: `a mapAccounts entry is a ${yamlKind(item.value)}, not an account ID` });
  }
}

function readMappings(section: 'mapRoles' | 'mapUsers', items: SectionItem[], config: AwsAuthConfig, locate: Locate, problem: Report): void {
  const arnField = section === 'mapRoles' ? 'rolearn' : 'userarn';
  const otherArnField = section === 'mapRoles' ? 'userarn' : 'rolearn';
  const known = section === 'mapRoles' ? ROLE_FIELDS : USER_FIELDS;

  items.forEach((item, index) => {
    const at = (field?: string) => locate(section, (field && item.keyLines.get(field)) || item.line);
    const entry = index + 1;
    if (!isRecord(item.value)) {
      problem('invalid-yaml', { section, entry, line: at(), reason: `entry ${entry} is a ${yamlKind(item.value)}, not a mapping; the authenticator skips it`, dropped: 'entry' });
      return;
    }
    const fields = caseInsensitiveFields(item.value);
    for (const [lower, { key }] of fields) {
      if (known.includes(lower) || lower === otherArnField) continue;
      problem('unknown-key', { section, entry, key, suggestedKey: closestKey(lower, known), line: at(lower) });
    }

    const arn = fields.get(arnField)?.value;
    if (typeof arn !== 'string' || arn === '') {
      const other = fields.get(otherArnField)?.value;
      if (section === 'mapRoles' && arn === undefined && fields.has('sso')) return; // feature-gated SSO matcher entry (pkg/config RoleMapping.SSO): valid, never an ARN match
      if (typeof other === 'string' && other !== '') {
        problem('invalid-yaml', {
          section, entry, arn: other, line: at(otherArnField), dropped: 'entry',
          reason: `${section} entries need \`${arnField}\`; \`${otherArnField}\` is not read there, so the authenticator drops the entry (put it under ${section === 'mapRoles' ? 'mapUsers' : 'mapRoles'} or rename the key)`,
        });
      } else {
        const reason = arn === undefined || arn === null || arn === '' ? `entry ${entry} has no ${arnField}; the authenticator drops it` : `${arnField} is a ${yamlKind(arn)}, not a string; the authenticator drops the entry`;
        problem('invalid-yaml', { section, entry, line: at(arnField), reason, dropped: 'entry' });
      }
      return;
    }

    const sso = fields.get('sso')?.value;
    if (section === 'mapRoles' && sso !== undefined && sso !== null) {
      problem('invalid-yaml', { section, entry, arn, line: at('sso'), reason: 'an entry may have rolearn or sso, not both; the authenticator drops it', dropped: 'entry' });
      return;
    }
    const mapping: AwsAuthMapping = { section, arn, groups: [], line: at(arnField) };
    const username = fields.get('username')?.value;
    if (typeof username === 'string') mapping.username = username;
    else if (username !== undefined && username !== null) {
      // Go encoding/json skips a field of the wrong type and keeps the rest of the entry.
      problem('invalid-yaml', { section, entry, arn, line: at('username'), reason: `username is a ${yamlKind(username)}, not a string; the authenticator ignores it` });
    }
    const groups = fields.get('groups')?.value;
    if (Array.isArray(groups)) {
      const strings = groups.slice(0, MAX_GROUPS).filter((g): g is string => typeof g === 'string');
      if (strings.length !== Math.min(groups.length, MAX_GROUPS)) {
        problem('invalid-yaml', { section, entry, arn, line: at('groups'), reason: 'groups contains an item that is not a string; the authenticator ignores it' });
      }
      mapping.groups = strings;
    } else if (groups !== undefined && groups !== null) {
      problem('invalid-yaml', {
        section, entry, arn, line: at('groups'),
        reason: `groups is a ${yamlKind(groups)}, not a list; the authenticator ignores it and maps the entry with no groups`,
      });
    }
    (section === 'mapRoles' ? config.roles : config.users).push(mapping);
  });
}

/**
 * Entry fields by lower-cased name. When several spellings of one field appear, the authenticator's
 * YAML-to-JSON step sorts keys and Go's decoder keeps the last match, so the byte-wise greatest spelling wins.
 */
function caseInsensitiveFields(entry: Record<string, unknown>): Map<string, { key: string; value: unknown }> {
  const out = new Map<string, { key: string; value: unknown }>();
  for (const key of Object.keys(entry).sort()) out.set(key.toLowerCase(), { key, value: entry[key] });
  return out;
}

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

