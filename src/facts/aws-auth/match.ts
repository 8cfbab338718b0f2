import { goToLower } from '../../shared/go-strings.js';
import { arnKey, canonicalPrincipalArn, parseArn, sameArn } from '../arn.js';
import { effectiveMapping } from './lint.js';
import { renderTemplate, type TemplateValues } from './templates.js';
import type { AwsAuthConfig, AwsAuthMapping } from './types.js';

export interface CallerIdentity {
  /** The ARN STS returned (a session ARN for roles). */
  arn: string;
  /** The principal the authenticator maps (see canonicalPrincipalArn). */
  canonicalArn: string;
  accountId: string;
  /** STS UserId: `AIDA…` for users, `AROA…:session` for role sessions, `account:name` for federated users. */
  userId?: string;
  accessKeyId?: string;
  sessionName?: string;
  /** The instance's private DNS name, when known; EKS looks it up with ec2:DescribeInstances. */
  ec2PrivateDnsName?: string;
}

export interface MappedIdentity {
  via: 'mapRoles' | 'mapUsers' | 'mapAccounts';
  entry?: AwsAuthMapping;
  username: string;
  groups: string[];
  /**
   * Set when the authenticator finds the mapping but cannot render its templates (e.g. {{EC2PrivateDNSName}}
   * for a session that is not an instance): it then denies access with this error and tries nothing else.
   */
  error?: string;
  /** Why a value is not final, e.g. a placeholder left unresolved because only EKS can look it up. */
  notes?: string[];
}

/**
 * Whom the authenticator maps the caller to through aws-auth, or undefined when nothing matches
 * (pkg/server/server.go doMapping; pkg/mapper/configmap Map): a role entry, else a user entry (both
 * compared case-insensitively with the canonical ARN), else mapAccounts, which makes the canonical
 * ARN the username with no groups.
 */
export function mapIdentity(config: AwsAuthConfig, caller: CallerIdentity): MappedIdentity | undefined {
  const subject = caller.canonicalArn || canonicalPrincipalArn(caller.arn);
  // pkg/mapper/configmap/mapper.go Map lower-cases the canonical ARN, then Matches folds case.
  const lowered = goToLower(subject);
  for (const via of ['mapRoles', 'mapUsers'] as const) {
    const matches = (via === 'mapRoles' ? config.roles : config.users).filter((m) => sameArn(m.arn, lowered));
    if (matches.length > 0) return render(effectiveMapping(matches), via, templateValues(caller));
  }
  if (config.accounts.includes(caller.accountId)) return { via: 'mapAccounts', username: subject, groups: [] };
  return undefined;
}

function render(entry: AwsAuthMapping, via: 'mapRoles' | 'mapUsers', values: TemplateValues): MappedIdentity {
  const notes = new Set<string>();
  const parts = [entry.username ?? '', ...entry.groups].map((t) => renderTemplate(t, values));
  const failed = parts.find((p) => p.error);
  for (const p of parts) {
    if (p.unresolved.includes('EC2PrivateDNSName')) notes.add(`{{EC2PrivateDNSName}} is the private DNS name of instance ${values.sessionName}; EKS looks it up with ec2:DescribeInstances`);
    if (p.unresolved.includes('AccessKeyID')) notes.add('{{AccessKeyID}} is the access key ID of the token, which is not known here');
  }
  if (entry.username === undefined) notes.add('the entry has no username');
  const [username, ...groups] = parts.map((p) => p.value);
  return {
    via,
    entry,
    username: username!,
    groups,
    ...(failed ? { error: failed.error } : {}),
    ...(notes.size > 0 ? { notes: [...notes] } : {}),
  };
}

/** The values the authenticator substitutes (pkg/server/server.go renderTemplate). */
function templateValues(caller: CallerIdentity): TemplateValues {
  return { accountId: caller.accountId, sessionName: sessionNameOf(caller), accessKeyId: caller.accessKeyId, ec2PrivateDnsName: caller.ec2PrivateDnsName };
}

/**
 * pkg/token/token.go getIdentityFromSTSResponse: users, root and federated users keep their whole
 * UserId and have no session name; a role session's is the part after `:` of `AROA…:session`.
 */
function sessionNameOf(caller: CallerIdentity): string {
  const kind = parseArn(caller.arn)?.kind;
  if (kind === 'user' || kind === 'root' || kind === 'federated-user') return '';
  const idParts = caller.userId?.split(':');
  if (idParts?.length === 2) return idParts[1]!;
  return idParts ? '' : (caller.sessionName ?? parseArn(caller.arn)?.sessionName ?? '');
}

/** The mappings that grant system:masters and can match someone (no path, not a session), one per principal. */
export function adminMappings(config: AwsAuthConfig): AwsAuthMapping[] {
  const byArn = new Map<string, AwsAuthMapping[]>();
  for (const m of [...config.roles, ...config.users]) byArn.set(arnKey(m.arn), [...(byArn.get(arnKey(m.arn)) ?? []), m]);
  const out: AwsAuthMapping[] = [];
  for (const entries of byArn.values()) {
    const m = effectiveMapping(entries);
    const p = parseArn(m.arn);
    const usable = p !== undefined && (p.kind === 'user' || p.kind === 'root' || (p.kind === 'role' && p.path === '/'));
    if (usable && m.groups.includes('system:masters')) out.push(m);
  }
  return out;
}
