/**
 * aws-iam-authenticator pkg/mapper/configmap/configmap.go: ParseMap and the MapStore it fills.
 * Only the case-sensitive keys mapRoles, mapUsers and mapAccounts are read; an empty section (``,
 * `""`, `''`, `` `` ``) is skipped; a section that cannot be converted is dropped whole and the others
 * still load; decoding errors inside a section keep every entry that decoded, and entries that fail
 * Validate are dropped. Whatever is good is saved even when ParseMap reports errors ("Only saving data
 * that was good"). The store keys entries by Key(), so the last duplicate wins, and looks them up by
 * iterating a Go map, whose order is random: when several entries match, any of them may be chosen.
 */
import { ROLE_MAPPING, unmarshalJsonList, USER_MAPPING, type GoStruct, type StructSpec } from './go-json-decode.js';
import { mappingKey, mappingMatches, roleMappingOf, userMappingOf, validateRoleMapping, validateUserMapping, type RoleMapping, type UserMapping } from './mappings.js';
import { yamlToJson } from './yaml-to-json.js';
import { unmarshalYamlV2StringList } from './yaml-v2.js';

export interface ParsedConfigMap {
  roles: RoleMapping[];
  users: UserMapping[];
  accounts: string[];
  /** What ParseMap reports (logged as `Errors parsing configmap`); none of it stops the good data from loading. */
  errors: string[];
}

/** configmap.go isSkippable. */
function isSkippable(data: string): boolean {
  const t = data.trim();
  return t === '' || t === '``' || t === '""' || t === "''";
}

function parseSection<T>(
  data: string | undefined,
  spec: StructSpec,
  build: (s: GoStruct) => T,
  validate: (m: T) => string | undefined,
  errors: string[],
): T[] {
  if (data === undefined || isSkippable(data)) return [];
  const json = yamlToJson(data);
  if (!json.ok) {
    errors.push(json.error);
    return [];
  }
  if ('rawJson' in json) {
    // json.Unmarshal of text starting with `{`: invalid JSON, or an object where a list belongs.
    errors.push(`json: cannot unmarshal object into Go value of type []config.${spec.goName}`);
    return [];
  }
  const decoded = unmarshalJsonList(json.value, spec);
  if (decoded.errors[0]) errors.push(decoded.errors[0]); // json.Unmarshal returns the first error it saved
  const kept: T[] = [];
  for (const item of decoded.items) {
    const m = build(item);
    const invalid = validate(m);
    if (invalid) errors.push(invalid);
    else kept.push(m);
  }
  return kept;
}

/** configmap.go ParseMap, over the ConfigMap's `data`. */
export function parseConfigMap(data: Readonly<Record<string, string | undefined>>): ParsedConfigMap {
  const errors: string[] = [];
  const users = parseSection(data.mapUsers, USER_MAPPING, userMappingOf, validateUserMapping, errors);
  const roles = parseSection(data.mapRoles, ROLE_MAPPING, roleMappingOf, validateRoleMapping, errors);
  let accounts: string[] = [];
  const accountsData = data.mapAccounts;
  if (accountsData !== undefined && !isSkippable(accountsData)) {
    const r = unmarshalYamlV2StringList(accountsData);
    if (r.ok) {
      accounts = r.value;
      if (r.typeErrors.length) errors.push(`yaml: unmarshal errors:\n  ${r.typeErrors.join('\n  ')}`);
    } else {
      accounts = r.partial ?? [];
      errors.push(r.error);
    }
  }
  return { roles, users, accounts, errors };
}

export interface StoreOptions {
  /** The SSORoleMatch feature gate (alpha, off by default); without it `sso:` entries load but match nothing. */
  ssoRoleMatch: boolean;
}

/** configmap.go MapStore after saveMap. */
export class MapStore {
  private readonly roles = new Map<string, RoleMapping>();
  private readonly users = new Map<string, UserMapping>();
  private readonly accounts: Set<string>;

  constructor(
    parsed: ParsedConfigMap,
    readonly options: StoreOptions,
  ) {
    for (const r of parsed.roles) this.roles.set(mappingKey(r), r);
    for (const u of parsed.users) this.users.set(mappingKey(u), u);
    this.accounts = new Set(parsed.accounts);
  }

  /** Every role entry RoleMapping could return for this lower-cased canonical ARN (Go map order is random). */
  roleCandidates(subject: string): RoleMapping[] {
    return [...this.roles.values()].filter((r) => mappingMatches(r, subject, this.options));
  }

  userCandidates(subject: string): UserMapping[] {
    return [...this.users.values()].filter((u) => mappingMatches(u, subject, this.options));
  }

  /** configmap.go AWSAccount. */
  accountAllowed(accountId: string): boolean {
    return this.accounts.has(accountId);
  }
}
