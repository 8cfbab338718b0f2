/**
 * Who an authenticated AWS identity is inside the cluster, by the cluster's authentication mode:
 * access entries (API, API_AND_CONFIG_MAP; the entry wins), aws-auth (CONFIG_MAP,
 * API_AND_CONFIG_MAP), and the cluster creator's admin rights (bootstrapClusterCreatorAdminPermissions).
 */
import { parseArn, sameArn } from '../../../../src/facts/arn.js';
import { mapIdentity, type CallerIdentity } from '../../../../src/facts/aws-auth/match.js';
import { parseAwsAuthData } from '../../../../src/facts/aws-auth/parse.js';
import { renderTemplate } from '../../../../src/facts/aws-auth/templates.js';
import type { AwsAuthConfig } from '../../../../src/facts/aws-auth/types.js';
import type { AuthenticationMode, Scenario, ScenarioAccessEntry, ScenarioAccessPolicy } from '../scenario.js';

export const CLUSTER_ADMIN_POLICY_ARN = 'arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy';

export interface KubeCaller extends CallerIdentity {
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
  if (authenticationModeOf(scenario) === 'CONFIG_MAP') return entries;
  const creator = bootstrapCreatorArn(scenario);
  if (creator && !entries.some((e) => sameArn(e.principalArn, creator))) {
    entries.push({ principalArn: creator, type: 'STANDARD', policies: [{ policyArn: CLUSTER_ADMIN_POLICY_ARN, accessScope: { type: 'cluster' } }] });
  }
  return entries;
}

/** The aws-auth ConfigMap as the authenticator reads it; undefined when there is none. */
export function awsAuthConfigOf(scenario: Scenario): AwsAuthConfig | undefined {
  return scenario.awsAuth ? parseAwsAuthData(scenario.awsAuth) : undefined;
}

/** Maps a verified caller; `awsAuth` is passed in so the server parses the ConfigMap once. */
export function mapCaller(scenario: Scenario, caller: KubeCaller, awsAuth: AwsAuthConfig | undefined): KubeMapping {
  const mode = authenticationModeOf(scenario);
  if (mode !== 'CONFIG_MAP') {
    const entry = effectiveAccessEntries(scenario).find((e) => accessEntryMatches(e, caller));
    if (entry) {
      return {
        ok: true,
        via: 'access-entry',
        username: accessEntryUsername(entry, caller),
        groups: [...(entry.kubernetesGroups ?? [])],
        accessPolicies: entry.policies ?? [],
        entryPrincipalArn: entry.principalArn,
      };
    }
  }
  if (mode === 'API') return { ok: false };
  // CONFIG_MAP: the creator is mapped outside aws-auth, invisibly (SPEC §9: kubernetes-admin, system:masters).
  if (mode === 'CONFIG_MAP') {
    const creator = bootstrapCreatorArn(scenario);
    if (creator && principalMatches(creator, caller)) {
      return { ok: true, via: 'creator', username: 'kubernetes-admin', groups: ['system:masters'], accessPolicies: [] };
    }
  }
  const mapped = awsAuth ? mapIdentity(awsAuth, caller) : undefined;
  if (!mapped) return { ok: false };
  if (mapped.error) return { ok: false, error: mapped.error };
  return { ok: true, via: 'aws-auth', username: mapped.username, groups: mapped.groups, accessPolicies: [] };
}

/**
 * EKS keys an access entry on the IAM principal itself (its unique ID), so a role entry written with
 * the role's path matches that role's sessions, and one written without a path that the role has
 * does not name the role at all.
 */
function accessEntryMatches(entry: ScenarioAccessEntry, caller: KubeCaller): boolean {
  return principalMatches(entry.principalArn, caller);
}

function principalMatches(principalArn: string, caller: KubeCaller): boolean {
  return sameArn(principalArn, caller.principalArn);
}

/** EKS default usernames (set-custom-username.html): a user's ARN; for a role its session ARN without the path. */
function accessEntryUsername(entry: ScenarioAccessEntry, caller: KubeCaller): string {
  let template = entry.username;
  if (!template) {
    const p = parseArn(entry.principalArn);
    template =
      p?.kind === 'role' ? `arn:${p.partition}:sts::${p.accountId}:assumed-role/${p.name}/{{SessionName}}` : entry.principalArn;
  }
  const sessionName = caller.userId?.includes(':') ? caller.userId.split(':')[1]! : (caller.sessionName ?? '');
  return renderTemplate(template, { accountId: caller.accountId, sessionName, accessKeyId: caller.accessKeyId }).value;
}
