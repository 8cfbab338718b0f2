import { goToLower } from '../../shared/go-strings.js';
import { arnKey, canonicalPrincipalArn, isKnownPartition, isSsoRoleArn, parseArn, roleArnWithoutPath } from '../arn.js';
import { correctedTemplate, templateProblems } from './templates.js';
import { awsAuthProblem, type AwsAuthConfig, type AwsAuthMapping, type AwsAuthProblem } from './types.js';

/** The known pitfalls of aws-auth entries (SPEC §5, §9), one problem per pitfall per entry. */
export function lintMappings(config: Pick<AwsAuthConfig, 'roles' | 'users'>, file?: string): AwsAuthProblem[] {
  const problems: AwsAuthProblem[] = [];
  for (const m of [...config.roles, ...config.users]) {
    const at = { file, section: m.section, line: m.line, arn: m.arn, username: m.username, groups: m.groups };
    const p = parseArn(m.arn);

    if (/[*?]/.test(m.arn)) problems.push(awsAuthProblem('invalid-arn', { ...at, reason: 'wildcard' }));
    else if (!p) problems.push(awsAuthProblem('invalid-arn', { ...at, reason: 'malformed' }));
    else if (!isKnownPartition(p.partition)) problems.push(awsAuthProblem('invalid-arn', { ...at, reason: 'partition', partition: p.partition }));
    else if (p.kind === 'other') problems.push(awsAuthProblem('invalid-arn', { ...at, reason: 'not-a-principal', suggestedArn: instanceProfileRole(m.arn) }));
    else if (p.kind === 'assumed-role') {
      // pkg/arn Canonicalize: the caller is matched as the role, never as one of its sessions.
      problems.push(awsAuthProblem('assumed-role-arn', { ...at, suggestedArn: canonicalPrincipalArn(m.arn), sessionName: p.sessionName }));
    } else if (p.kind === 'role') {
      if (p.path !== '/') problems.push(awsAuthProblem('role-arn-has-path', { ...at, suggestedArn: roleArnWithoutPath(m.arn), path: p.path, sso: isSsoRoleArn(m.arn) }));
      if (m.section === 'mapUsers') problems.push(awsAuthProblem('role-in-map-users', { ...at, suggestedArn: roleArnWithoutPath(m.arn) }));
    } else if (p.kind === 'user' && m.section === 'mapRoles') {
      problems.push(awsAuthProblem('user-in-map-roles', at));
    }

    for (const [field, template] of templatesOf(m)) {
      const found = templateProblems(template, m.section);
      if (found.length === 0) continue;
      problems.push(
        awsAuthProblem('invalid-username-template', {
          ...at,
          field,
          template,
          placeholder: found[0]!.placeholder,
          reason: found[0]!.reason,
          suggestedTemplate: correctedTemplate(template, found),
        }),
      );
    }
  }
  problems.push(...duplicateProblems(config, file));
  return problems;
}

/** The role an instance profile most likely holds: the one of the same name (EC2 console, eksctl). */
function instanceProfileRole(arn: string): string | undefined {
  const m = /^arn:([^:]+):iam::(\d{12}):instance-profile\/(?:[^:]*\/)?([^/]+)$/.exec(arn);
  return m ? `arn:${m[1]}:iam::${m[2]}:role/${m[3]}` : undefined;
}

function templatesOf(m: AwsAuthMapping): (readonly ['username' | 'groups', string])[] {
  return [...(m.username !== undefined ? [['username', m.username] as const] : []), ...m.groups.map((g) => ['groups', g] as const)];
}

/**
 * The same principal (ARNs equal under case folding) mapped more than once. The authenticator keeps
 * one mapping per lower-cased role ARN (the last one) and looks roles up before users
 * (pkg/mapper/configmap saveMap, Map), so one of the entries silently wins. User entries are keyed
 * by the ARN as written, so case variants of one user ARN both survive and the one used is not
 * predictable; so do role ARNs that fold together but lower-case apart (ſ and s).
 */
export function duplicateProblems(config: Pick<AwsAuthConfig, 'roles' | 'users'>, file?: string): AwsAuthProblem[] {
  const groups = new Map<string, AwsAuthMapping[]>();
  for (const m of [...config.roles, ...config.users]) {
    const key = arnKey(m.arn);
    groups.set(key, [...(groups.get(key) ?? []), m]);
  }
  const out: AwsAuthProblem[] = [];
  for (const entries of groups.values()) {
    if (entries.length < 2) continue;
    const winner = effectiveMapping(entries);
    const users = entries.filter((e) => e.section === 'mapUsers');
    const roleKeys = new Set(entries.filter((e) => e.section === 'mapRoles').map((r) => goToLower(r.arn)));
    const nondeterministic = winner.section === 'mapUsers' ? new Set(users.map((u) => u.arn)).size > 1 : roleKeys.size > 1;
    const identical = entries.every((e) => e.username === winner.username && e.groups.join('\n') === winner.groups.join('\n'));
    out.push(
      awsAuthProblem('duplicate-entry', {
        file,
        arn: winner.arn,
        section: winner.section,
        line: winner.line,
        count: entries.length,
        lines: entries.map((e) => e.line).filter((l): l is number => l !== undefined),
        effectiveUsername: winner.username,
        effectiveGroups: winner.groups,
        identical,
        nondeterministic,
      }),
    );
  }
  return out;
}

/** Of several entries for one principal, the one the authenticator uses: the last role entry, else the last user entry. */
export function effectiveMapping(entries: AwsAuthMapping[]): AwsAuthMapping {
  const roles = entries.filter((e) => e.section === 'mapRoles');
  const pool = roles.length > 0 ? roles : entries;
  return pool[pool.length - 1]!;
}
