import { parseArn } from '../facts/arn.js';
import type { AwsAuthProblemKind, AwsAuthProblemOf, MappingAt } from '../facts/aws-auth/types.js';
import { accessEntryCommands, accessEntryPlaceholders, clusterOf, contextFlag, listOf, regionOf, shq, updateKubeconfigCommand } from './commands.js';
import { DOCS } from './docs.js';
import type { AuthenticationMode, AwsAuthContent, AwsAuthEntry, Fixer, NotMappedEvidence } from './evidence.js';
import { accessEntryGrant, awsAuthEntryFor, createAwsAuthCommands, describeFixer, fixerContext, fixerProfile, grantFix, notMappedDetail, patchSectionsCommand, renderSection, runAs, runnerFor } from './grant.js';
import { rule, type Fix, type Target } from './rule.js';

/** Where aws-auth content came from when it was not the live ConfigMap: the audit log's newest change (SPEC §10.2). */
export interface AuditStamp {
  source?: 'audit-log';
  changedAt?: string;
  changedBy?: string;
}

/** What a diagnosis adds to an aws-auth lint finding, so that its fix is one exact write by someone who may make it. */
export interface LintContext {
  /** Present when the caller is locked out: who can apply the fix instead (empty when nobody could be seen). */
  fixers?: Fixer[];
  /** The section the problem drops, corrected (a misspelt key renamed, one indent repaired), as the authenticator reads it. */
  corrected?: { section: 'mapRoles' | 'mapUsers'; entries: AwsAuthEntry[]; change: string };
}

/** What every aws-auth lint finding carries besides the problem: the mode that decides whether aws-auth counts, and its origin. */
interface AwsAuthContext extends AuditStamp, LintContext {
  authenticationMode?: AuthenticationMode;
}
type Lint<K extends AwsAuthProblemKind> = AwsAuthProblemOf<K> & AwsAuthContext;

const KUBECTL_EDIT = (t: Target) => `kubectl edit configmap aws-auth -n kube-system${contextFlag(t)}`;

/** `mapRoles line 12` or `aws-auth.yaml:12 (mapRoles)`: where the evidence points. */
function where(e: { file?: string; section?: string; line?: number } & AuditStamp): string {
  const section = e.section ?? 'aws-auth';
  if (e.file) return `${e.file}${e.line !== undefined ? `:${e.line}` : ''} (${section})`;
  const at = e.line !== undefined ? `${section} line ${e.line}` : section;
  return e.source === 'audit-log' ? `${at} (as the audit log shows aws-auth after ${e.changedBy}'s change at ${e.changedAt})` : at;
}

/** Commands that apply an edited aws-auth: re-lint and apply the file, or edit the ConfigMap in place. */
function applyEdit(e: { file?: string }, t: Target): string[] {
  if (e.file && e.file !== '-') return [`eksdoctor lint ${shq(e.file)}`, `kubectl apply -f ${shq(e.file)}${contextFlag(t)}`];
  return [KUBECTL_EDIT(t)];
}

export function eksctlMapping(t: Target, arn: string, username: string | undefined, groups: string[]): string {
  const parts = ['eksctl create iamidentitymapping', `--cluster ${clusterOf(t)}`, `--region ${regionOf(t)}`, `--arn ${shq(arn)}`];
  if (username) parts.push(`--username ${shq(username)}`);
  for (const g of groups) parts.push(`--group ${shq(g)}`);
  return parts.join(' ');
}

type Sections = Partial<Record<'mapRoles' | 'mapUsers', AwsAuthEntry[]>>;

const sameEntry = (a: AwsAuthEntry, b: MappingAt) => a.arn === b.arn && a.username === b.username && JSON.stringify(a.groups) === JSON.stringify(b.groups);

/**
 * The sections after the entry `at` (matched by section, ARN, username and groups in the content as read)
 * becomes `to`, in its own section or moved to the other: only the sections that change. Undefined when
 * the content is unknown or does not hold the entry (then the fix is a hand edit).
 */
function editedSections(content: AwsAuthContent | undefined, at: MappingAt, to: AwsAuthEntry | undefined, toSection: 'mapRoles' | 'mapUsers' = at.section): Sections | undefined {
  if (!content || content.missing || !content[at.section].some((m) => sameEntry(m, at))) return undefined;
  const replacement = to ? [to] : [];
  if (toSection === at.section) return { [at.section]: content[at.section].flatMap((m) => (sameEntry(m, at) ? replacement : [m])) };
  return { [at.section]: content[at.section].filter((m) => !sameEntry(m, at)), [toSection]: [...content[toSection], ...replacement] };
}

/**
 * A lint fix on the cluster: one `kubectl patch --type merge` writing the corrected sections whole when the
 * content is known (exact, the same when run twice), eksctl beside it where eksctl can say it; else
 * `kubectl edit` with the lines to write. A file's fix edits the file.
 */
function lintFix(e: MappingAt & AwsAuthContext, t: Target, how: { summary: string; fileSummary?: string; sections?: Sections; eksctl?: string[]; insert?: Fix['insert'] }): Fix {
  if (e.file) return { summary: how.fileSummary ?? how.summary, commands: applyEdit(e, t) };
  const run = runnerFor(e.fixers, t);
  const base = { ...(run.placeholders && { placeholders: run.placeholders }) };
  if (how.sections) {
    return {
      summary: `${run.who}${how.summary} The patch writes the whole ${Object.keys(how.sections).join(' and ')} section${Object.keys(how.sections).length > 1 ? 's' : ''} as read, corrected.`,
      commands: [...run.setup, patchSectionsCommand(how.sections, run.flag)],
      ...base,
      ...(how.eksctl && { alternative: { summary: 'The same with eksctl:', commands: how.eksctl.map((c) => `${c}${run.profile}`) } }),
    };
  }
  return { summary: `${run.who}${how.summary}`, commands: [...run.setup, `kubectl edit configmap aws-auth -n kube-system${run.flag}`], ...base, ...(how.insert && { insert: how.insert }) };
}

/** A lint fix of a problem that is not one mapping: the whole sections when known, else `kubectl edit`. */
function kubectlLintFix(e: AwsAuthContext, t: Target, summary: string, sections?: Record<string, AwsAuthEntry[] | null>): Fix {
  const run = runnerFor(e.fixers, t);
  const base = { ...(run.placeholders && { placeholders: run.placeholders }) };
  if (sections) return { summary: `${run.who}${summary} The patch writes the corrected section whole.`, commands: [...run.setup, patchSectionsCommand(sections, run.flag)], ...base };
  return { summary: `${run.who}${summary}`, commands: [...run.setup, `kubectl edit configmap aws-auth -n kube-system${run.flag}`], ...base };
}

/** eksctl's way to change one mapping: delete it, create the corrected one. */
function eksctlRemap(t: Target, e: MappingAt, to: AwsAuthEntry): string[] {
  return [`eksctl delete iamidentitymapping --cluster ${clusterOf(t)} --region ${regionOf(t)} --arn ${shq(e.arn)}`, eksctlMapping(t, to.arn, to.username, to.groups)];
}

/** The lines to write in `kubectl edit` when the content is unknown: the corrected entry in place of the one at `where`. */
function entryInsert(e: MappingAt, to: AwsAuthEntry, section: 'mapRoles' | 'mapUsers' = e.section): Fix['insert'] {
  const place = section === e.section ? `in data.${section}, in place of the entry at ${where(e)}` : `at the end of data.${section}, after deleting the entry at ${where(e)}`;
  return { where: place, lines: renderSection(section, [to]).trimEnd().split('\n') };
}

/** Moving an entry to the section its kind belongs in. */
function moveSectionFix(e: MappingAt & AwsAuthContext & { suggestedArn?: string }, t: Target, to: 'mapRoles' | 'mapUsers'): Fix {
  const [fromKey, toKey] = to === 'mapRoles' ? ['userarn', 'rolearn'] : ['rolearn', 'userarn'];
  const entry = { arn: to === 'mapRoles' ? (e.suggestedArn ?? e.arn) : e.arn, ...(e.username !== undefined && { username: e.username }), groups: e.groups };
  return lintFix(e, t, {
    summary: `Move ${e.arn} from ${e.section} to ${to}, with the same username and groups.`,
    fileSummary: `Move the entry at ${where(e)} to ${to} and rename ${fromKey} to ${toKey}.`,
    sections: editedSections(t.awsAuth, e, entry, to),
    eksctl: eksctlRemap(t, e, entry),
    insert: entryInsert(e, entry, to),
  });
}

/** A readable Kubernetes username for a principal: `<role>:{{SessionName}}` for roles, the user name for users. */
export function suggestedUsername(arn: string): string {
  const p = parseArn(arn);
  if (!p) return 'admin';
  return p.kind === 'role' ? `${p.name}:{{SessionName}}` : p.name;
}

/** Replace-the-ARN fix shared by the rules whose entry can never match as written (moved to mapRoles when it names a role). */
function replaceArnFix(e: MappingAt & AwsAuthContext & { suggestedArn: string }, t: Target, why: string, section: 'mapRoles' | 'mapUsers' = e.section): Fix {
  // Already mapped by another entry (the caller's first fix may have added it): written here too, the role would
  // have two entries of which the authenticator uses one (mapRoles is keyed by the lowercased ARN, the last entry
  // wins; mapUsers by the ARN as written: aws-iam-authenticator pkg/config/mapper.go Key). Removing this one,
  // which never matched, changes no one's access.
  const sameArn = (arn: string) => (section === 'mapRoles' ? arn.toLowerCase() === e.suggestedArn.toLowerCase() : arn === e.suggestedArn);
  const other = t.awsAuth?.missing ? undefined : t.awsAuth?.[section].find((m) => sameArn(m.arn) && !sameEntry(m, e));
  if (other) {
    const principal = section === 'mapRoles' ? 'role' : 'user';
    return lintFix(e, t, {
      summary: `${where(e)} (${e.arn}) never matches, and ${e.suggestedArn} is already mapped in ${section} (groups: ${other.groups.join(', ') || 'none'}): remove the entry at ${where(e)}; written as ${e.suggestedArn}, it would be a second entry for the ${principal}, and the authenticator uses only one of the two. To give the ${principal} this entry's groups (${e.groups.join(', ') || 'none'}) instead, change them on the other entry.`,
      sections: editedSections(t.awsAuth, e, undefined),
      eksctl: [`eksctl delete iamidentitymapping --cluster ${clusterOf(t)} --region ${regionOf(t)} --arn ${shq(e.arn)}`],
    });
  }
  const entry = { arn: e.suggestedArn, ...(e.username !== undefined && { username: e.username }), groups: e.groups };
  return lintFix(e, t, {
    summary: `In ${where(e)}, replace ${e.arn} with ${e.suggestedArn}${why ? ` (${why})` : ''}.`,
    sections: editedSections(t.awsAuth, e, entry, section),
    eksctl: eksctlRemap(t, e, entry),
    insert: entryInsert(e, entry, section),
  });
}

/** A principal mapped only in aws-auth, on a cluster in mode API: the mapping it had, and who can give it an access entry. */
interface IgnoredInApiMode {
  principalArn: string;
  fullArn?: string;
  section: 'mapRoles' | 'mapUsers' | 'mapAccounts';
  line?: number;
  username?: string;
  groups: string[];
  fixers: Fixer[];
  switchedToApi?: { at: string; by: string };
  unseen: string[];
  source?: 'audit-log';
  changedAt?: string;
  changedBy?: string;
}

const INVALID_ARN_REASON = {
  wildcard: 'wildcards are not supported',
  malformed: 'it is not a valid ARN',
  partition: 'its partition is not an AWS partition',
  'not-a-principal': 'it is not an IAM user or role',
} as const;

const TEMPLATE_REASON = {
  'unknown-placeholder': 'is not a template the authenticator knows and stays literally in the name',
  'unclosed-braces': 'is an unclosed template',
  'no-session-for-users': 'is empty for IAM users (they have no session)',
  'ec2-dns-for-users': 'needs an EC2 instance session, so the authenticator denies this user',
  'no-instance-session': 'needs a session named after an EC2 instance (i-…), so the authenticator denies this session',
} as const;

export const awsAuthRules = {
  'aws-auth/not-found': rule({
    severity: 'warning',
    title: 'There is no aws-auth ConfigMap',
    explain:
      'In authentication modes CONFIG_MAP and API_AND_CONFIG_MAP the cluster maps IAM principals to Kubernetes users through the ConfigMap aws-auth in kube-system. Without it only the cluster creator (and, in API_AND_CONFIG_MAP, principals with access entries) can authenticate, and nodes whose role is not mapped cannot join.',
    docs: [DOCS.authConfigMap, DOCS.accessEntries, DOCS.migratingAccessEntries],
    rootCause: true,
    example: { authenticationMode: 'CONFIG_MAP', principalArn: 'arn:aws:iam::111122223333:role/dev' },
    message: (e: { authenticationMode: AuthenticationMode; principalArn?: string; deletedAt?: string; deletedBy?: string }) =>
      `ConfigMap kube-system/aws-auth does not exist${e.deletedAt ? ` (deleted at ${e.deletedAt} by ${e.deletedBy}, says the audit log)` : ''}`,
    detail: (e) => `Authentication mode: ${e.authenticationMode}.`,
    fix: (e, t) => {
      if (!e.principalArn) {
        // No identity to map: create it empty and add the entry by hand (a placeholder in a pasted patch would not expand).
        return {
          summary: 'As the cluster creator (the only one who can get in without aws-auth), create aws-auth and add the principals that need access, the node role first, or nodes cannot join.',
          commands: [`kubectl create configmap aws-auth -n kube-system${contextFlag(t)}`, `kubectl edit configmap aws-auth -n kube-system${contextFlag(t)}`],
          insert: { where: 'a data section, one entry per role (ROLE_ARN without its path)', lines: ['data:', '  mapRoles: |', '    - rolearn: ROLE_ARN', '      username: ROLE_NAME:{{SessionName}}', '      groups:', '        - KUBERNETES_GROUP'] },
          placeholders: { ROLE_ARN: 'the role ARN without its IAM path', ROLE_NAME: 'the role name', KUBERNETES_GROUP: 'a group that RBAC binds to what the role needs' },
        };
      }
      if (e.authenticationMode === 'API_AND_CONFIG_MAP') {
        return { summary: `Give ${e.principalArn} an access entry (read-only shown; access entries replace aws-auth).`, commands: accessEntryCommands(t, e.principalArn, 'AmazonEKSViewPolicy'), ...(accessEntryPlaceholders(e.principalArn) && { placeholders: accessEntryPlaceholders(e.principalArn) }) };
      }
      const { entry, section, viewGroup } = awsAuthEntryFor(e.principalArn, { level: 'view' });
      return {
        summary: `As the cluster creator (the only one who can get in without aws-auth), create aws-auth mapping ${e.principalArn} read-only (its own group, bound to view). Map the node role too, or nodes cannot join. Or switch to access entries: a one-way change to API_AND_CONFIG_MAP.`,
        commands: [...createAwsAuthCommands(section, [entry], contextFlag(t)), `kubectl create clusterrolebinding ${shq(viewGroup!)} --clusterrole=view --group=${shq(viewGroup!)}${contextFlag(t)}`],
        alternative: { summary: 'With eksctl (it creates aws-auth):', commands: [eksctlMapping(t, entry.arn, entry.username, entry.groups)] },
      };
    },
  }),
  'aws-auth/unreadable': rule({
    severity: 'info',
    title: 'The aws-auth ConfigMap could not be read',
    explain:
      'Reading kube-system/aws-auth needs a Kubernetes identity that may get ConfigMaps in kube-system. Without it the mappings cannot be checked from here; an admin can export the ConfigMap and lint it offline.',
    docs: [DOCS.authConfigMap, DOCS.rbac],
    rootCause: false,
    example: { status: 401, reason: "kubectl's credential is not accepted" },
    message: (e: { status: number; reason?: string; as?: string }) => `Cannot read ConfigMap kube-system/aws-auth (${e.status})`,
    detail: (e) => e.reason ?? 'The request was refused or failed.',
  }),
  'aws-auth/invalid-yaml': rule({
    severity: 'error',
    title: 'aws-auth has malformed content the authenticator drops',
    explain:
      'aws-iam-authenticator parses mapRoles, mapUsers and mapAccounts separately. A YAML error in one of them drops that whole section (every mapping in it stops working) while the others still load; an entry without rolearn/userarn is dropped; a field of the wrong type (groups written as a string) is ignored.',
    docs: [DOCS.authConfigMap, DOCS.troubleshootingUnauthorized],
    rootCause: true,
    example: { section: 'mapRoles', line: 4, reason: 'bad indentation of a mapping entry', dropped: 'section', authenticationMode: 'CONFIG_MAP' },
    explains: ['aws-auth/principal-not-mapped', 'kube/unauthorized', 'logs/access-denied'],
    message: (e: Lint<'invalid-yaml'>) => `${where(e)}: ${e.reason}`,
    detail: (e) =>
      e.dropped === 'section'
        ? `Every mapping in ${e.section} is ignored until this is fixed.`
        : e.dropped === 'entry'
          ? 'This entry is ignored; the rest of the section still loads.'
          : e.arn
            ? `The value is ignored; ${e.arn} is still mapped without it.`
            : 'The authenticator cannot use this file as it is.',
    fix: (e, t) => {
      const summary =
        e.dropped === 'section'
          ? `Fix the YAML of ${e.section} at ${where(e)}: indent with spaces only, one \`- rolearn:\`/\`- userarn:\` mapping per entry with username and a groups list.`
          : e.dropped === 'entry'
            ? `Give the entry at ${where(e)} its ${e.section === 'mapUsers' ? 'userarn' : 'rolearn'}, or delete it.`
            : `Correct ${where(e)}: ${e.reason}.`;
      if (e.file) return { summary, commands: applyEdit(e, t) };
      const c = e.dropped === 'section' ? e.corrected : undefined;
      return kubectlLintFix(e, t, c ? `${where(e)} does not parse: ${c.change} makes it load again.` : summary, c && { [c.section]: c.entries });
    },
  }),
  'aws-auth/unknown-key': rule({
    severity: 'warning',
    title: 'aws-auth has a key the authenticator ignores',
    explain:
      'Only the data keys mapRoles, mapUsers and mapAccounts are read, and they are case-sensitive: maproles or MapRoles is silently ignored, and so is every mapping under it. Inside an entry, fields other than rolearn/userarn, username and groups (e.g. group or roleArn2) are ignored too.',
    docs: [DOCS.authConfigMap],
    rootCause: true,
    example: { section: 'data', key: 'maproles', suggestedKey: 'mapRoles', line: 6, authenticationMode: 'CONFIG_MAP' },
    explains: ['aws-auth/principal-not-mapped', 'kube/unauthorized', 'logs/access-denied'],
    message: (e: Lint<'unknown-key'>) => `${where(e)}: "${e.key}" is ignored by the authenticator${e.suggestedKey ? ` (did you mean "${e.suggestedKey}"?)` : ''}`,
    detail: (e) => (e.section === 'data' ? 'Nothing under this key is mapped.' : `The entry is read without this field${e.entry !== undefined ? ` (entry ${e.entry})` : ''}.`),
    fix: (e, t) => {
      const summary = e.suggestedKey ? `Rename "${e.key}" to "${e.suggestedKey}" in ${where(e)}.` : `Remove or rename "${e.key}" in ${where(e)}.`;
      if (e.file) return { summary, commands: applyEdit(e, t) };
      const c = e.section === 'data' ? e.corrected : undefined;
      return kubectlLintFix(e, t, summary, c && { [c.section]: c.entries, [e.key]: null });
    },
  }),
  'aws-auth/invalid-arn': rule({
    severity: 'error',
    title: 'aws-auth ARN that can never match',
    explain:
      "The authenticator compares the caller's canonical ARN (arn:PARTITION:iam::ACCOUNT:role/NAME or user/NAME) with each rolearn/userarn as a plain, case-insensitive string. A malformed ARN, a wildcard (not supported), an unknown partition or an ARN that is not an IAM user or role never matches anyone.",
    docs: [DOCS.authConfigMap],
    rootCause: true,
    example: { section: 'mapRoles', line: 2, arn: 'arn:aws:iam::111122223333:instance-profile/eks-ci-runner', groups: ['system:masters'], reason: 'not-a-principal', authenticationMode: 'CONFIG_MAP' },
    explains: ['aws-auth/principal-not-mapped', 'kube/unauthorized', 'logs/access-denied'],
    message: (e: Lint<'invalid-arn'>) => `${where(e)}: ${e.arn} never matches (${INVALID_ARN_REASON[e.reason]})`,
    fix: (e, t) =>
      e.suggestedArn
        ? replaceArnFix({ ...e, suggestedArn: e.suggestedArn }, t, `the role of instance profile ${e.arn.split('/').pop()}, which the EC2 console and eksctl name the same; \`aws iam get-instance-profile\` shows it`)
        : lintFix(e, t, { summary: `Write the exact ARN of an IAM role (arn:aws:iam::ACCOUNT:role/NAME) or user in ${where(e)}; list one entry per role instead of a wildcard.` }),
  }),
  'aws-auth/role-arn-has-path': rule({
    severity: 'error',
    title: 'aws-auth role ARN includes a path',
    explain:
      "A role session ARN (arn:aws:sts::ACCOUNT:assumed-role/NAME/SESSION) never carries the role's path, so the authenticator matches the role as arn:aws:iam::ACCOUNT:role/NAME. An aws-auth rolearn written with its path (role/team/NAME, or role/aws-reserved/sso.amazonaws.com/… for IAM Identity Center) never matches. Map it without the path. Access entries are the opposite: they take the full ARN with the path.",
    docs: [DOCS.authConfigMap, DOCS.ssoUser, DOCS.unauthorizedKnowledgeCenter],
    rootCause: true,
    example: { section: 'mapRoles', line: 1, arn: 'arn:aws:iam::111122223333:role/teams/dev/developer', username: 'developer:{{SessionName}}', groups: ['system:masters'], suggestedArn: 'arn:aws:iam::111122223333:role/developer', path: '/teams/dev/', sso: false, authenticationMode: 'CONFIG_MAP' },
    explains: ['aws-auth/principal-not-mapped', 'kube/unauthorized', 'logs/access-denied'],
    message: (e: Lint<'role-arn-has-path'>) => `${where(e)}: role ARN has path ${e.path} and never matches; use ${e.suggestedArn}`,
    detail: (e) => `The authenticator sees this role as ${e.suggestedArn}.${e.sso ? ' This is an IAM Identity Center (SSO) permission-set role.' : ''}`,
    fix: (e, t) => {
      const fix = replaceArnFix(e, t, 'the authenticator drops role paths');
      // One fix per problem: the access entry is the other way to the same end, said, not run as well.
      if (!e.file && (e.authenticationMode === 'API_AND_CONFIG_MAP' || e.authenticationMode === 'API')) {
        return { ...fix, summary: `${fix.summary} Or, instead, give the role an access entry with its full ARN (path included): ${accessEntryCommands(t, e.arn, 'AmazonEKSViewPolicy')[0]}.` };
      }
      return fix;
    },
  }),
  'aws-auth/assumed-role-arn': rule({
    severity: 'error',
    title: 'aws-auth maps an STS session ARN',
    explain:
      'arn:aws:sts::ACCOUNT:assumed-role/ROLE/SESSION is one session of a role. The authenticator converts every session to the role ARN arn:aws:iam::ACCOUNT:role/ROLE before looking it up, so an entry with a session ARN never matches. Map the role itself, in mapRoles.',
    docs: [DOCS.authConfigMap, DOCS.unauthorizedKnowledgeCenter],
    rootCause: true,
    example: { section: 'mapRoles', line: 1, arn: 'arn:aws:sts::111122223333:assumed-role/dev/alice', groups: ['system:masters'], suggestedArn: 'arn:aws:iam::111122223333:role/dev', sessionName: 'alice', authenticationMode: 'CONFIG_MAP' },
    explains: ['aws-auth/principal-not-mapped', 'kube/unauthorized', 'logs/access-denied'],
    message: (e: Lint<'assumed-role-arn'>) => `${where(e)}: ${e.arn} is a session ARN and never matches; map ${e.suggestedArn}`,
    fix: (e, t) => replaceArnFix(e, t, e.section === 'mapUsers' ? 'and move the entry to mapRoles' : '', 'mapRoles'),
  }),
  'aws-auth/role-in-map-users': rule({
    severity: 'error',
    title: 'An IAM role is mapped under mapUsers',
    explain:
      'Roles belong in mapRoles, users in mapUsers. Current aws-iam-authenticator versions compare the ARN string in both sections, so such an entry may still match, but eksctl, the EKS console and the migration to access entries treat mapUsers entries as IAM users, and the entry reads as a mistake to the next person editing it.',
    docs: [DOCS.authConfigMap, DOCS.migratingAccessEntries],
    // Today's authenticator still matches such an entry (plain ARN compare): a defect, not the cause of a failure.
    rootCause: false,
    example: { section: 'mapUsers', line: 1, arn: 'arn:aws:iam::111122223333:role/dev', username: 'dev', groups: ['dev-team'], suggestedArn: 'arn:aws:iam::111122223333:role/dev' },
    message: (e: Lint<'role-in-map-users'>) => `${where(e)}: role ${e.arn} is listed under mapUsers`,
    fix: (e, t) => moveSectionFix(e, t, 'mapRoles'),
  }),
  'aws-auth/user-in-map-roles': rule({
    severity: 'error',
    title: 'An IAM user is mapped under mapRoles',
    explain:
      'Users belong in mapUsers, roles in mapRoles. Current aws-iam-authenticator versions compare the ARN string in both sections, so such an entry may still match, but eksctl, the EKS console and the migration to access entries treat mapRoles entries as roles, and templates such as {{SessionName}} are empty for users.',
    docs: [DOCS.authConfigMap, DOCS.migratingAccessEntries],
    rootCause: false,
    example: { section: 'mapRoles', line: 1, arn: 'arn:aws:iam::111122223333:user/alice', username: 'alice', groups: ['system:masters'] },
    message: (e: Lint<'user-in-map-roles'>) => `${where(e)}: user ${e.arn} is listed under mapRoles`,
    fix: (e, t) => moveSectionFix(e, t, 'mapUsers'),
  }),
  'aws-auth/duplicate-entry': rule({
    severity: 'warning',
    title: 'The same principal is mapped more than once',
    explain:
      'The authenticator keeps one mapping per principal: for roles the last entry wins, and a role entry wins over a user entry for the same ARN. Case variants of one user ARN are both kept and which one applies is unpredictable. The other entries are silently ignored.',
    docs: [DOCS.authConfigMap],
    rootCause: true,
    example: { arn: 'arn:aws:iam::111122223333:role/dev', section: 'mapRoles', line: 9, count: 2, lines: [1, 9], effectiveUsername: 'dev', effectiveGroups: ['dev-team'], identical: false, nondeterministic: false },
    message: (e: Lint<'duplicate-entry'>) => `${e.arn} is mapped ${e.count} times (lines ${listOf(e.lines.map(String))})`,
    detail: (e) =>
      e.nondeterministic
        ? 'The entries differ only in the case of the ARN; the one the authenticator uses is not predictable.'
        : `The authenticator uses the entry at ${where(e)}: username ${e.effectiveUsername ?? '(none)'}, groups ${listOf(e.effectiveGroups)}.${e.identical ? ' The entries are identical.' : ''}`,
    fix: (e, t) => {
      const summary = `Keep one entry for ${e.arn} (the one at ${where(e)} is the one in effect) and delete the others.`;
      if (e.file) return { summary, commands: applyEdit(e, t) };
      // Known content: drop the entries the authenticator ignores (all but the last), so nothing changes in effect.
      const entries = t.awsAuth && !t.awsAuth.missing && !e.nondeterministic ? t.awsAuth[e.section] : undefined;
      const same = (m: AwsAuthEntry) => m.arn.toLowerCase() === e.arn.toLowerCase();
      const last = entries ? entries.findLastIndex(same) : -1;
      return kubectlLintFix(e, t, summary, entries && last >= 0 ? { [e.section]: entries.filter((m, i) => !same(m) || i === last) } : undefined);
    },
  }),
  'aws-auth/invalid-username-template': rule({
    severity: 'error',
    title: 'aws-auth username or group uses a template that does not work',
    explain:
      'The authenticator fills in exactly five placeholders, case-sensitive: {{AccountID}}, {{SessionName}} (with @ replaced by -), {{SessionNameRaw}}, {{AccessKeyID}} and {{EC2PrivateDNSName}}. Anything else stays in the name literally. IAM users have no session, so session placeholders render empty in mapUsers, and {{EC2PrivateDNSName}} (which needs an EC2 instance session i-…) makes the authenticator deny the request.',
    docs: [DOCS.authConfigMap],
    rootCause: true,
    example: { section: 'mapUsers', line: 1, arn: 'arn:aws:iam::111122223333:user/alice', username: 'system:node:{{EC2PrivateDNSName}}', groups: ['system:nodes'], field: 'username', template: 'system:node:{{EC2PrivateDNSName}}', placeholder: '{{EC2PrivateDNSName}}', reason: 'ec2-dns-for-users' },
    explains: ['aws-auth/principal-not-mapped', 'kube/unauthorized', 'logs/access-denied'],
    message: (e: Lint<'invalid-username-template'>) => `${where(e)}: ${e.placeholder} in ${e.field} "${e.template}" ${TEMPLATE_REASON[e.reason]}`,
    fix: (e, t) => {
      const summary = e.suggestedTemplate
        ? `In ${where(e)}, write ${e.field} "${e.suggestedTemplate}".`
        : e.reason === 'no-session-for-users' || e.reason === 'ec2-dns-for-users'
          ? `In ${where(e)}, give the IAM user a fixed ${e.field} (only {{AccountID}} and {{AccessKeyID}} mean something for users)${e.field === 'username' ? `: ${suggestedUsername(e.arn)}` : ', or drop the group'}.`
          : e.reason === 'no-instance-session'
            ? `${e.arn} is a node role: sessions that are not EC2 instances cannot use this entry. Map the people or pipelines that assume it with a role of their own, or give them an entry without {{EC2PrivateDNSName}}.`
          : `In ${where(e)}, use only {{AccountID}}, {{SessionName}}, {{SessionNameRaw}}, {{AccessKeyID}} or {{EC2PrivateDNSName}}.`;
      // The corrected entry: the suggested template, or for a user a fixed name (a group that cannot render is dropped).
      const fixedUser = e.reason === 'no-session-for-users' || e.reason === 'ec2-dns-for-users';
      const value = e.suggestedTemplate ?? (fixedUser && e.field === 'username' ? suggestedUsername(e.arn) : undefined);
      const entry: AwsAuthEntry | undefined =
        e.reason === 'no-instance-session' || (value === undefined && !(fixedUser && e.field === 'groups'))
          ? undefined
          : e.field === 'username'
            ? { arn: e.arn, username: value, groups: e.groups }
            : { arn: e.arn, ...(e.username !== undefined && { username: e.username }), groups: e.groups.flatMap((g) => (g === e.template ? (value === undefined ? [] : [value]) : [g])) };
      if (!entry) return lintFix(e, t, { summary });
      return lintFix(e, t, { summary, sections: editedSections(t.awsAuth, e, entry), eksctl: eksctlRemap(t, e, entry), insert: entryInsert(e, entry) });
    },
  }),
  'aws-auth/account-only-mapping': rule({
    severity: 'warning',
    title: 'Mapped only through mapAccounts',
    explain:
      'mapAccounts lets every IAM principal of the account authenticate, as a user named after its ARN with no groups. RBAC grants nothing to that user unless a binding names the ARN, so every request is forbidden.',
    docs: [DOCS.authConfigMap, DOCS.rbac],
    rootCause: true,
    example: { principalArn: 'arn:aws:iam::111122223333:user/alice', username: 'arn:aws:iam::111122223333:user/alice', accountId: '111122223333' },
    explains: ['kube/forbidden'],
    message: (e: { principalArn: string; username: string; accountId: string; source?: 'SelfSubjectReview'; fixers?: Fixer[] }) => `${e.principalArn} is mapped only through mapAccounts (user "${e.username}", no groups)`,
    fix: (e, t) => {
      const name = (parseArn(e.principalArn)?.name ?? 'principal').toLowerCase().replace(/[^a-z0-9-]+/g, '-').slice(0, 40);
      // Forbidden everywhere, the principal cannot create the binding itself: a cluster administrator does.
      const run = runnerFor(e.fixers ?? [], t);
      return {
        summary: `${run.who}Bind a ClusterRole to the user "${e.username}" (view shown), or map ${e.principalArn} explicitly with a group that RBAC binds.`,
        commands: [...run.setup, `kubectl create clusterrolebinding ${shq(`${name}-view`)} --clusterrole=view --user=${shq(e.username)}${run.flag}`],
        ...(run.placeholders && { placeholders: run.placeholders }),
      };
    },
  }),
  'aws-auth/principal-not-mapped': rule({
    severity: 'error',
    title: 'The IAM principal is not mapped',
    explain:
      'The token is valid, but neither an access entry nor aws-auth maps this principal (the canonical ARN: a role, not its session) to a Kubernetes user, so the API server answers 401 Unauthorized and the authenticator logs "identity is not mapped". Either use a principal that is mapped, or map this one.',
    docs: [DOCS.troubleshootingUnauthorized, DOCS.unauthorizedKnowledgeCenter, DOCS.authConfigMap, DOCS.accessEntries],
    rootCause: true,
    example: {
      principalArn: 'arn:aws:iam::111122223333:role/eks-ci-runner',
      callerArn: 'arn:aws:sts::111122223333:assumed-role/eks-ci-runner/i-0a1b2c3d4e5f67890',
      authenticationMode: 'CONFIG_MAP',
      cluster: 'prod',
      fixers: [{ arn: 'arn:aws:iam::111122223333:user/ops-jane', reason: 'creator', seenIn: 'CloudTrail', profile: 'ops-jane' }],
      grant: { level: 'view' },
      sources: ['authenticator logs'],
      unseen: ['aws-auth: 401 with this token'],
    },
    explains: ['kube/unauthorized', 'logs/access-denied', 'aws-auth/not-found'],
    message: (e: NotMappedEvidence) => `${e.principalArn} is not mapped`,
    detail: (e) => notMappedDetail(e),
    fix: (e, t) => grantFix(e, t),
  }),
  'aws-auth/ignored-in-api-mode': rule({
    severity: 'warning',
    title: 'aws-auth is ignored in authentication mode API',
    explain:
      'In authentication mode API the cluster reads only access entries; the aws-auth ConfigMap is ignored, so principals mapped only there cannot authenticate. Mode changes are one-way: the cluster cannot go back to reading aws-auth, so give each principal an access entry with the access it had.',
    docs: [DOCS.migratingAccessEntries, DOCS.accessEntries, DOCS.creatingAccessEntries],
    rootCause: true,
    example: {
      principalArn: 'arn:aws:iam::111122223333:role/dev',
      section: 'mapRoles',
      line: 1,
      username: 'dev:{{SessionName}}',
      groups: ['dev-team'],
      fixers: [{ arn: 'arn:aws:iam::111122223333:role/platform-admin', reason: 'access-entry-admin', seenIn: 'access entries' }],
      switchedToApi: { at: '2026-11-30T21:12:00.000Z', by: 'arn:aws:iam::111122223333:role/platform-admin' },
      unseen: [],
    },
    explains: ['kube/unauthorized'],
    message: (e: IgnoredInApiMode) => `${e.principalArn} is mapped in aws-auth, which mode API ignores${e.switchedToApi ? ` since ${e.switchedToApi.at}` : ''}`,
    detail: (e) =>
      `It is mapped by ${where(e)}; only access entries are read.${e.switchedToApi ? ` The mode was switched to API at ${e.switchedToApi.at} by ${e.switchedToApi.by} (CloudTrail).` : ''}${e.fixers.length ? ` Who can fix it: ${e.fixers.map(describeFixer).join('; ')}.` : ''}`,
    fix: (e, t) => {
      // The access it had: system:masters cannot be an access-entry group (EKS refuses system: groups), so that is ClusterAdmin.
      const wasAdmin = e.groups.includes('system:masters');
      const groups = e.groups.filter((g) => !g.startsWith('system:'));
      const grant = wasAdmin ? ({ level: 'admin', because: 'aws-auth had it in system:masters' } as const) : ({ level: 'view' } as const);
      return accessEntryGrant({ principalArn: e.principalArn, fullArn: e.fullArn, fixers: e.fixers, grant, unseen: e.unseen, kubernetesGroups: groups }, t);
    },
  }),
  'aws-auth/granted': rule({
    severity: 'info',
    title: 'Mapped by aws-auth',
    explain: 'The principal matches an aws-auth entry; the API server knows it by this username and these groups, and RBAC decides what it may do.',
    docs: [DOCS.authConfigMap, DOCS.rbac],
    rootCause: false,
    example: { principalArn: 'arn:aws:iam::111122223333:role/dev', section: 'mapRoles', line: 1, username: 'dev:alice', groups: ['dev-team'] },
    message: (e: { principalArn: string; section: 'mapRoles' | 'mapUsers' | 'mapAccounts'; line?: number; username: string; groups: string[]; notes?: string[] } & AuditStamp) =>
      `${e.principalArn} is mapped by ${where(e)} as "${e.username}" with groups ${listOf(e.groups)}`,
    detail: (e) => (e.notes && e.notes.length > 0 ? e.notes.join('; ') : `Matched via ${e.section}.`),
  }),
};
