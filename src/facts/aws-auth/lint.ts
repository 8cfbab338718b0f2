import type { Finding } from '../../engine/types.js';
import { canonicalPrincipalArn, isKnownPartition, isSsoRoleArn, parseArn, roleArnWithoutPath } from '../arn.js';
import { correctedTemplate, templateProblems } from './templates.js';
import type { AwsAuthConfig, AwsAuthMapping } from './types.js';

const clean = (o: Record<string, unknown>) => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));

/** The known pitfalls of aws-auth entries (SPEC §5, §9), one finding per pitfall per entry. */
export function lintMappings(config: Pick<AwsAuthConfig, 'roles' | 'users'>, file?: string): Finding[] {
  const findings: Finding[] = [];
  for (const m of [...config.roles, ...config.users]) {
    const at = { file, section: m.section, line: m.line, arn: m.arn, username: m.username, groups: m.groups };
    const report = (rule: string, extra: Record<string, unknown> = {}) => findings.push({ rule, evidence: clean({ ...at, ...extra }) });
    const p = parseArn(m.arn);

    if (/[*?]/.test(m.arn)) report('aws-auth/invalid-arn', { reason: 'wildcard' });
    else if (!p) report('aws-auth/invalid-arn', { reason: 'malformed' });
    else if (!isKnownPartition(p.partition)) report('aws-auth/invalid-arn', { reason: 'partition', partition: p.partition });
    else if (p.kind === 'other') report('aws-auth/invalid-arn', { reason: 'not-a-principal' });
    else if (p.kind === 'assumed-role') {
      // pkg/arn Canonicalize: the caller is matched as the role, never as one of its sessions.
      report('aws-auth/assumed-role-arn', { suggestedArn: canonicalPrincipalArn(m.arn), sessionName: p.sessionName });
    } else if (p.kind === 'role') {
      if (p.path !== '/') report('aws-auth/role-arn-has-path', { suggestedArn: roleArnWithoutPath(m.arn), path: p.path, sso: isSsoRoleArn(m.arn) });
      if (m.section === 'mapUsers') report('aws-auth/role-in-map-users', { suggestedArn: roleArnWithoutPath(m.arn) });
    } else if (p.kind === 'user' && m.section === 'mapRoles') {
      report('aws-auth/user-in-map-roles');
    }

    for (const [field, template] of templatesOf(m)) {
      const problems = templateProblems(template, m.section);
      if (problems.length === 0) continue;
      report('aws-auth/invalid-username-template', {
        field,
        template,
        placeholder: problems[0]!.placeholder,
        reason: problems[0]!.reason,
        suggestedTemplate: correctedTemplate(template, problems),
        problems: problems.map((x) => clean({ ...x })),
      });
    }
  }
  findings.push(...duplicateFindings(config, file));
  return findings;
}

function templatesOf(m: AwsAuthMapping): [string, string][] {
  return [...(m.username !== undefined ? [['username', m.username] as [string, string]] : []), ...m.groups.map((g) => ['groups', g] as [string, string])];
}

/**
 * The same principal mapped more than once. The authenticator keeps one mapping per lower-cased role ARN
 * (the last one) and looks roles up before users (pkg/mapper/configmap saveMap, Map), so one of the
 * entries silently wins. User entries are keyed by the ARN as written, so case variants of one user ARN
 * both survive and the one used is not predictable.
 */
export function duplicateFindings(config: Pick<AwsAuthConfig, 'roles' | 'users'>, file?: string): Finding[] {
  const groups = new Map<string, AwsAuthMapping[]>();
  for (const m of [...config.roles, ...config.users]) {
    const key = m.arn.toLowerCase();
    groups.set(key, [...(groups.get(key) ?? []), m]);
  }
  const out: Finding[] = [];
  for (const entries of groups.values()) {
    if (entries.length < 2) continue;
    const winner = effectiveMapping(entries);
    const users = entries.filter((e) => e.section === 'mapUsers');
    const nondeterministic = winner.section === 'mapUsers' && new Set(users.map((u) => u.arn)).size > 1;
    const identical = entries.every((e) => e.username === winner.username && e.groups.join('\n') === winner.groups.join('\n'));
    out.push({
      rule: 'aws-auth/duplicate-entry',
      evidence: clean({
        file,
        arn: winner.arn,
        section: winner.section,
        line: winner.line,
        count: entries.length,
        lines: entries.map((e) => e.line).filter((l) => l !== undefined),
        sections: entries.map((e) => e.section),
        effectiveLine: nondeterministic ? undefined : winner.line,
        effectiveUsername: winner.username,
        effectiveGroups: winner.groups,
        identical,
        nondeterministic: nondeterministic || undefined,
      }),
    });
  }
  return out;
}

/** Of several entries for one principal, the one the authenticator uses: the last role entry, else the last user entry. */
export function effectiveMapping(entries: AwsAuthMapping[]): AwsAuthMapping {
  const roles = entries.filter((e) => e.section === 'mapRoles');
  const pool = roles.length > 0 ? roles : entries;
  return pool[pool.length - 1]!;
}
