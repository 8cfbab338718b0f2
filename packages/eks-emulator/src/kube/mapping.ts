/**
 * Who an authenticated AWS identity is inside the cluster, by the cluster's authentication mode:
 * access entries (API, API_AND_CONFIG_MAP; the entry wins), aws-auth (CONFIG_MAP,
 * API_AND_CONFIG_MAP), and the cluster creator's admin rights (bootstrapClusterCreatorAdminPermissions).
 * aws-auth is decided by the emulator's own aws-iam-authenticator (../authenticator), never by eksdoctor's code.
 */
import { createHash } from 'node:crypto';
import { parseArn } from '../authenticator/arn.js';
import { MapStore, parseConfigMap, type StoreOptions } from '../authenticator/config-map.js';
import { mapThroughConfigMap } from '../authenticator/config-map-mapper.js';
import type { AuthenticatorIdentity } from '../authenticator/identity.js';
import { renderMapping, type PrivateDnsLookup } from '../authenticator/templates.js';
import type { AuthenticationMode, Scenario, ScenarioAccessEntry, ScenarioAccessPolicy } from '../scenario.js';
import { accessEntryCreatedAt, clusterAgeDays, principalCreatedAt } from '../timeline.js';

export const CLUSTER_ADMIN_POLICY_ARN = 'arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy';

/**
 * EKS runs the authenticator without the alpha SSORoleMatch feature gate (its default is off, and
 * aws/containers-roadmap#474, asking for role-ARN wildcards in aws-auth, is still open): `sso:` entries
 * load but match nobody; IAM Identity Center roles are mapped by their ARN without the path.
 */
export const EKS_AUTHENTICATOR_FEATURES: StoreOptions = { ssoRoleMatch: false };

/** pkg/mapper ModeDynamicFile: the backend EKS serves access entries from. */
const ACCESS_ENTRY_MAPPER = 'DynamicFile';

export interface KubeCaller extends AuthenticatorIdentity {
  /** The IAM principal with its path, when the emulator knows it (a role session's ARN has no path). */
  principalArn: string;
}

export type KubeMapping =
  | {
      ok: true;
      via: 'access-entry' | 'aws-auth' | 'creator';
      username: string;
      /** Mapped groups, without `system:authenticated`. */
      groups: string[];
      /** Access policies of the matching access entry (none through aws-auth). */
      accessPolicies: ScenarioAccessPolicy[];
      /** The access entry's principal ARN, for authorizer reasons. */
      entryPrincipalArn?: string;
    }
  /** `error` is set when a mapping matched but its templates could not be rendered (the authenticator denies). */
  | { ok: false; error?: string };

export function authenticationModeOf(scenario: Scenario): AuthenticationMode {
  return scenario.cluster.authenticationMode ?? 'CONFIG_MAP';
}

/** IAM names are unique regardless of case, so an ARN names the same principal in any case. */
function samePrincipal(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}

/** The scenario's creator principal, when bootstrapClusterCreatorAdminPermissions (default true) applies. */
function bootstrapCreatorArn(scenario: Scenario): string | undefined {
  if (scenario.cluster.bootstrapClusterCreatorAdminPermissions === false || !scenario.cluster.creator) return undefined;
  return scenario.principals.find((p) => p.name === scenario.cluster.creator)?.arn;
}

/**
 * Access entries as EKS holds them: the scenario's, plus the one EKS creates for the cluster creator
 * in API modes (AmazonEKSClusterAdminPolicy, cluster scope; EKS user guide, access-entries.html).
 * AWS's EKS API should list the same (ListAccessEntries shows the creator's entry).
 */
export function effectiveAccessEntries(scenario: Scenario): ScenarioAccessEntry[] {
  const entries = [...(scenario.accessEntries ?? [])];
  if (materialized.has(scenario) || authenticationModeOf(scenario) === 'CONFIG_MAP') return entries;
  const creator = bootstrapCreatorArn(scenario);
  if (creator && !entries.some((e) => samePrincipal(e.principalArn, creator))) {
    entries.push({ principalArn: creator, type: 'STANDARD', policies: [{ policyArn: CLUSTER_ADMIN_POLICY_ARN, accessScope: { type: 'cluster' } }], createdDaysAgo: clusterAgeDays(scenario) });
  }
  return entries;
}

/** Scenarios whose access entries are held as EKS holds them (the creator's included), so that deleting one sticks. */
const materialized = new WeakSet<Scenario>();

/**
 * Makes the access entries a list the EKS write APIs change: the creator's entry becomes an ordinary one
 * (in API modes), and is not added again once deleted. Returns the list.
 */
export function materializeAccessEntries(scenario: Scenario): ScenarioAccessEntry[] {
  if (!materialized.has(scenario)) {
    scenario.accessEntries = effectiveAccessEntries(scenario);
    if (authenticationModeOf(scenario) !== 'CONFIG_MAP') materialized.add(scenario);
  }
  return (scenario.accessEntries ??= []);
}

/** The aws-auth ConfigMap as the authenticator holds it after ParseMap; undefined when there is none. */
export function awsAuthStoreOf(scenario: Scenario, options: StoreOptions = EKS_AUTHENTICATOR_FEATURES): MapStore | undefined {
  return scenario.awsAuth ? new MapStore(parseConfigMap(scenario.awsAuth), options) : undefined;
}

/**
 * What EKS would find with ec2:DescribeInstances for `{{EC2PrivateDNSName}}` (node mappings): a
 * stable `ip-…` name derived from the instance ID, since the emulator has no EC2.
 */
export function emulatedEc2(region: string): PrivateDnsLookup {
  return (instanceId) => {
    const h = createHash('sha256').update(instanceId).digest();
    return { ok: true, name: `ip-192-168-${h[0]!}-${h[1]!}.${region}.compute.internal` };
  };
}

/** The IAM principal behind a canonical ARN, with its path when the scenario knows the role (session ARNs drop it). */
export function principalArnOf(scenario: Scenario, canonicalArn: string): string {
  const c = parseArn(canonicalArn);
  if (!c.ok || !c.arn.resource.startsWith('role/')) return canonicalArn;
  const name = c.arn.resource.split('/').pop()!.toLowerCase();
  const known = scenario.principals.find((p) => {
    const q = parseArn(p.arn);
    return q.ok && q.arn.resource.startsWith('role/') && q.arn.accountId === c.arn.accountId && q.arn.resource.split('/').pop()!.toLowerCase() === name;
  });
  return known?.arn ?? canonicalArn;
}

/**
 * EKS keeps the principal's unique ID in the entry (access-entries.html: a deleted and re-created
 * principal with the same ARN no longer matches): an entry made before its principal's CreateDate
 * belongs to the old principal.
 */
function entryOutlivedItsPrincipal(scenario: Scenario, entry: ScenarioAccessEntry, startedAt: number): boolean {
  const p = scenario.principals.find((q) => samePrincipal(q.arn, entry.principalArn));
  return !!p && accessEntryCreatedAt(entry, startedAt) < principalCreatedAt(scenario, p, startedAt);
}

/** Maps a verified caller; the aws-auth store is passed in so the server parses the ConfigMap once. */
export function mapCaller(scenario: Scenario, caller: KubeCaller, awsAuth: MapStore | undefined, startedAt: number = Date.now()): KubeMapping {
  const mode = authenticationModeOf(scenario);
  const ec2 = emulatedEc2(scenario.region);
  if (mode !== 'CONFIG_MAP') {
    const entry = effectiveAccessEntries(scenario).find((e) => samePrincipal(e.principalArn, caller.principalArn) && !entryOutlivedItsPrincipal(scenario, e, startedAt));
    if (entry) {
      const rendered = renderMapping({ username: accessEntryUsername(entry), groups: entry.kubernetesGroups ?? [] }, caller, ec2);
      if (!rendered.ok) return { ok: false, error: `mapper ${ACCESS_ENTRY_MAPPER} renderTemplates error: ${rendered.error}` };
      return { ok: true, via: 'access-entry', username: rendered.username, groups: rendered.groups, accessPolicies: entry.policies ?? [], entryPrincipalArn: entry.principalArn };
    }
  }
  if (mode === 'API') return { ok: false };
  // CONFIG_MAP: the creator is mapped outside aws-auth, invisibly (SPEC §9: kubernetes-admin, system:masters).
  if (mode === 'CONFIG_MAP') {
    const creator = bootstrapCreatorArn(scenario);
    if (creator && samePrincipal(creator, caller.principalArn)) {
      return { ok: true, via: 'creator', username: 'kubernetes-admin', groups: ['system:masters'], accessPolicies: [] };
    }
  }
  const mapped = awsAuth ? mapThroughConfigMap(awsAuth, caller, ec2) : { kind: 'not-mapped' as const };
  if (mapped.kind === 'not-mapped') return { ok: false };
  if (mapped.kind === 'denied') return { ok: false, error: mapped.error };
  return { ok: true, via: 'aws-auth', username: mapped.username, groups: mapped.groups, accessPolicies: [] };
}

/** EKS default usernames (access-entries.html, "creating access entries"): a user's ARN; for a role its session ARN without the path. */
function accessEntryUsername(entry: ScenarioAccessEntry): string {
  if (entry.username) return entry.username;
  const parsed = parseArn(entry.principalArn);
  if (!parsed.ok || parsed.arn.service !== 'iam' || !parsed.arn.resource.startsWith('role/')) return entry.principalArn;
  const { partition, accountId, resource } = parsed.arn;
  return `arn:${partition}:sts::${accountId}:assumed-role/${resource.split('/').pop()}/{{SessionName}}`;
}
