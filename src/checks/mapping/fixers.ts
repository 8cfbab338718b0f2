/**
 * Who can fix a principal's access, and how much access to give it (SPEC §10 "who can fix it"; issue 13
 * least privilege), joined from every source the run read: access entries, aws-auth (live or from the
 * audit log), CloudTrail, the authenticator logs, and the local AWS profiles.
 */
import { parseArn, roleArnWithoutPath, sameArn } from '../../facts/arn.js';
import { adminMappings } from '../../facts/aws-auth.js';
import type { ProfilePrincipal } from '../../facts/aws-profiles.js';
import { modeSetBy, subjectOf, type TrailEvent } from '../../facts/cloudtrail.js';
import type { AwsAuthContent, Fixer, FixerReason, Grant } from '../../rules/evidence.js';
import type { Facts, Principal } from '../facts.js';
import type { CheckContext } from '../types.js';

/** Two ARNs name the same principal for aws-auth and access entries: roles compare without their path. */
export function samePrincipal(a: string, b: string): boolean {
  return sameArn(roleArnWithoutPath(a), roleArnWithoutPath(b));
}

/** A principal someone could log in as (not an AWS service, not a bare Kubernetes username). */
function isPrincipal(arn: string): boolean {
  const p = parseArn(arn);
  return p !== undefined && (p.kind === 'role' || p.kind === 'user' || p.kind === 'root' || p.kind === 'federated-user');
}

/** The local profile that resolves to `arn`: same role, same SSO permission set, or the access key it signed with. */
function profileFor(arn: string, accessKeyIds: string[], profiles: readonly ProfilePrincipal[]): string | undefined {
  const p = parseArn(arn);
  return profiles.find(
    (x) =>
      (x.roleArn !== undefined && samePrincipal(x.roleArn, arn)) ||
      (x.sso !== undefined && p?.kind === 'role' && p.accountId === x.sso.accountId && p.name.startsWith(`AWSReservedSSO_${x.sso.roleName}_`)) ||
      (x.accessKeyId !== undefined && accessKeyIds.includes(x.accessKeyId)),
  )?.name;
}

/**
 * In SPEC §10's order: access entries with AmazonEKSClusterAdminPolicy; aws-auth system:masters (live or
 * audit log, never in API mode); the creator (CloudTrail, or the authenticator's kubernetes-admin); who
 * last changed aws-auth or the access entries. Never the caller.
 */
export function fixersOf(facts: Facts, caller: Principal, profiles: readonly ProfilePrincipal[], working?: { profile?: string }): Fixer[] {
  const mode = facts.cluster?.authenticationMode;
  const seen: { arn: string; reason: FixerReason; seenIn: string; keys: string[] }[] = [];
  const add = (arn: string | undefined, reason: FixerReason, seenIn: string, keys: (string | undefined)[] = []) => {
    if (!arn || !isPrincipal(arn) || samePrincipal(arn, caller.principalArn)) return;
    const known = seen.find((s) => samePrincipal(s.arn, arn));
    const k = keys.filter((x): x is string => typeof x === 'string');
    if (known) known.keys.push(...k);
    else seen.push({ arn, reason, seenIn, keys: k });
  };
  if (mode !== 'CONFIG_MAP') for (const a of facts.accessEntries?.admins ?? []) add(a, 'access-entry-admin', 'access entries');
  if (mode !== 'API' && facts.awsAuth?.config) {
    for (const m of adminMappings(facts.awsAuth.config)) add(m.arn, 'aws-auth-admin', facts.awsAuth.fromAudit ? 'aws-auth (audit log)' : 'aws-auth');
  }
  const trail = facts.cloudtrail?.ok ? facts.cloudtrail : undefined;
  if (trail?.creation) add(trail.creation.actor.arn, 'creator', 'CloudTrail', [trail.creation.actor.accessKeyId]);
  if (facts.logs?.creatorArn) add(facts.logs.creatorArn, 'creator', 'authenticator logs');
  const newestChange = trail?.changes[0];
  const audit = facts.auditLog?.ok ? facts.auditLog.newest : undefined;
  const changers = [
    ...(newestChange ? [{ arn: newestChange.actor.arn, at: newestChange.time, key: newestChange.actor.accessKeyId, seenIn: 'CloudTrail' }] : []),
    ...(audit ? [{ arn: audit.by, at: audit.at, key: audit.accessKeyId, seenIn: 'the audit log' }] : []),
  ].sort((a, b) => (a.at < b.at ? 1 : -1));
  for (const c of changers) add(c.arn, 'changed-access', c.seenIn, [c.key]);
  // aws-auth admins without a proven write are still admins; the authenticator's recent admin grants too.
  for (const a of facts.logs?.admins ?? []) add(a, mode === 'API' ? 'access-entry-admin' : 'aws-auth-admin', 'authenticator logs');
  // The profile this run signs with is known to be its working principal (sts:GetCallerIdentity), whatever its
  // files say; so is the shell's own when the exec plugin runs as another.
  const own = [
    ...(working?.profile && facts.sdkIdentity ? [{ profile: working.profile, arn: facts.sdkIdentity.principalArn }] : []),
    ...(facts.shell?.profile !== undefined ? [{ profile: facts.shell.profile, arn: facts.shell.identity.principalArn }] : []),
  ];
  return seen.map(({ keys, ...f }) => {
    const profile = own.find((o) => samePrincipal(o.arn, f.arn))?.profile ?? profileFor(f.arn, keys, profiles);
    return { ...f, ...(profile && { profile }) };
  });
}

/**
 * How much access a fix should give (least privilege): admin when the principal created the cluster;
 * the policies it had when CloudTrail shows its entry was deleted; in API mode what aws-auth gave it
 * (system:masters → admin, else its groups); otherwise view.
 */
export function grantFor(facts: Facts, principal: Principal): Grant {
  const trail = facts.cloudtrail?.ok ? facts.cloudtrail : undefined;
  if (trail?.creation && samePrincipal(trail.creation.actor.arn, principal.principalArn)) return { level: 'admin', because: 'it created the cluster' };
  const deleted = deletionOf(facts, principal);
  if (deleted && trail) {
    const before = trail.changes.filter((e) => e.time <= deleted.time && e.name === 'AssociateAccessPolicy' && concernsPrincipal(e, principal));
    const policies = [...new Set(before.map((e) => e.parameters.policyArn).filter((p): p is string => typeof p === 'string'))];
    if (policies.length) return { level: 'restore', policies, because: `CloudTrail shows them associated before the entry was deleted at ${deleted.time}` };
  }
  // In API mode an aws-auth mapping no longer counts, but it says what the principal was meant to have.
  const mapped = facts.cluster?.authenticationMode === 'API' ? facts.awsAuth?.mapped : undefined;
  if (mapped?.groups.includes('system:masters')) return { level: 'admin', because: 'aws-auth made it system:masters, which authentication mode API ignores' };
  // Access entries refuse groups that start with `system:` (CreateAccessEntry); RBAC binds the others already.
  const groups = mapped?.groups.filter((g) => !g.startsWith('system:')) ?? [];
  if (groups.length) return { level: 'groups', groups, because: 'aws-auth gave them, which authentication mode API ignores' };
  return { level: 'view' };
}

function concernsPrincipal(e: TrailEvent, principal: Principal): boolean {
  const subject = subjectOf(e);
  return subject !== undefined && samePrincipal(subject, principal.principalArn);
}

/** The newest DeleteAccessEntry of the principal's entry, when CloudTrail has one. */
export function deletionOf(facts: Facts, principal: Principal): TrailEvent | undefined {
  const trail = facts.cloudtrail?.ok ? facts.cloudtrail : undefined;
  return trail?.changes.find((e) => e.name === 'DeleteAccessEntry' && concernsPrincipal(e, principal));
}

/** The newest UpdateClusterConfig that set the mode to API, when CloudTrail has one. */
export function switchToApiOf(facts: Facts): TrailEvent | undefined {
  const trail = facts.cloudtrail?.ok ? facts.cloudtrail : undefined;
  return trail?.changes.find((e) => modeSetBy(e) === 'API');
}

/** The aws-auth sections as read, for an exact patch; undefined when the content is unknown. */
export function awsAuthContentOf(facts: Facts): AwsAuthContent | undefined {
  const a = facts.awsAuth;
  if (!a?.config || a.config.problems.some((p) => p.kind === 'invalid-yaml' || p.kind === 'unknown-key')) return undefined;
  const entry = (m: { arn: string; username?: string; groups: string[] }) => ({ arn: m.arn, ...(m.username !== undefined && { username: m.username }), groups: m.groups });
  return {
    mapRoles: a.config.roles.map(entry),
    mapUsers: a.config.users.map(entry),
    mapAccounts: a.config.accounts,
    ...(a.fromAudit && { source: 'audit-log' as const, changedAt: a.fromAudit.at, changedBy: a.fromAudit.by }),
  };
}

/** What the run could not see that would have made a not-mapped finding more exact. */
export function unseenOf(facts: Facts): string[] {
  const out: string[] = [];
  for (const [name, s] of facts.sources ?? []) if (s.status !== 'read') out.push(`${SOURCE_TEXT[name]}: ${s.status}${s.reason ? ` (${s.reason})` : ''}`);
  if (facts.awsAuth && !facts.awsAuth.readable && !facts.awsAuth.config && facts.cluster?.authenticationMode !== 'API') out.push('aws-auth: not readable with this credential');
  return out;
}

const SOURCE_TEXT = {
  'kubernetes-api': 'Kubernetes API',
  eks: 'EKS',
  'authenticator-log': 'authenticator logs',
  cloudtrail: 'CloudTrail',
  'audit-log': 'audit log',
  iam: 'IAM',
} as const;

/** Who can fix what the run's principal may not fix itself, with the local profiles (read once per run) and the run's own. */
export async function fixersHere(ctx: Pick<CheckContext, 'facts' | 'options' | 'target' | 'once'>): Promise<Fixer[]> {
  const { facts, options, target, once } = ctx;
  const { readProfilePrincipals } = await import('../../facts/aws-profiles.js');
  const env = options.env;
  const profiles = await once(`profiles:${env.HOME ?? ''}:${env.AWS_CONFIG_FILE ?? ''}:${env.AWS_SHARED_CREDENTIALS_FILE ?? ''}`, () => readProfilePrincipals(env));
  return fixersOf(facts, facts.identity!, profiles, { profile: options.profile ?? target.profile });
}
