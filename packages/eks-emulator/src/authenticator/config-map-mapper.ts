/**
 * The aws-auth ConfigMap mapper as pkg/server/server.go doMapping runs it (pkg/mapper/configmap
 * mapper.go Map): a role entry matching the lower-cased canonical ARN, else a user entry; a match is
 * rendered and a rendering failure denies the caller (nothing else is tried); without a match an
 * account in mapAccounts maps the caller to its canonical ARN with no groups; else it is not mapped.
 */
import type { MapStore } from './config-map.js';
import { goToLower } from './go-strings.js';
import type { AuthenticatorIdentity } from './identity.js';
import type { RoleMapping, UserMapping } from './mappings.js';
import { renderMapping, type PrivateDnsLookup } from './templates.js';

/** pkg/mapper ModeEKSConfigMap: the name doMapping puts in its errors. */
export const CONFIG_MAP_MAPPER = 'EKSConfigMap';

export type MappingOutcome =
  | { kind: 'mapped'; via: 'mapRoles' | 'mapUsers' | 'mapAccounts'; username: string; groups: string[] }
  | { kind: 'denied'; error: string }
  | { kind: 'not-mapped' };

function outcomeOf(entry: RoleMapping | UserMapping, identity: AuthenticatorIdentity, ec2: PrivateDnsLookup): MappingOutcome {
  const rendered = renderMapping(entry, identity, ec2);
  if (!rendered.ok) return { kind: 'denied', error: `mapper ${CONFIG_MAP_MAPPER} renderTemplates error: ${rendered.error}` };
  return { kind: 'mapped', via: entry.kind === 'role' ? 'mapRoles' : 'mapUsers', username: rendered.username, groups: rendered.groups };
}

/**
 * Every outcome the authenticator may reach: one, unless several entries match (the store iterates a
 * Go map, so which of them wins is up to chance in the real authenticator).
 */
export function possibleOutcomes(store: MapStore, identity: AuthenticatorIdentity, ec2: PrivateDnsLookup): MappingOutcome[] {
  const subject = goToLower(identity.canonicalArn);
  const roles = store.roleCandidates(subject);
  const matched: (RoleMapping | UserMapping)[] = roles.length > 0 ? roles : store.userCandidates(subject);
  if (matched.length > 0) return matched.map((m) => outcomeOf(m, identity, ec2));
  if (store.accountAllowed(identity.accountId)) return [{ kind: 'mapped', via: 'mapAccounts', username: identity.canonicalArn, groups: [] }];
  return [{ kind: 'not-mapped' }];
}

/** The emulator's pick among possibleOutcomes: the entry that came first in the ConfigMap. */
export function mapThroughConfigMap(store: MapStore, identity: AuthenticatorIdentity, ec2: PrivateDnsLookup): MappingOutcome {
  return possibleOutcomes(store, identity, ec2)[0]!;
}
