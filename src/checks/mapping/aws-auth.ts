import type { Facts } from '../facts.js';
import { parseArn, sameArn } from '../../facts/arn.js';
import type { AwsAuthConfig, AwsAuthMapping, AwsAuthProblem, AwsAuthProblemKind, parseAwsAuthData as ParseAwsAuthData } from '../../facts/aws-auth.js';
import type { AuthenticationMode } from '../../facts/eks-cluster.js';
import type { AuditStamp, LintContext } from '../../rules/aws-auth.js';
import { finding, type FindingOf, type RuleId } from '../../rules/index.js';
import { defineCheck, type CheckContext } from '../types.js';
import { callOptions } from '../kube/kube-auth.js';
import { awsAuthContentOf, fixersHere, switchToApiOf, unseenOf } from './fixers.js';

/** The rule for each problem the authenticator's parser and linter report (facts speak in problems, checks in rules). */
export const AWS_AUTH_PROBLEM_RULES = {
  'invalid-yaml': 'aws-auth/invalid-yaml',
  'unknown-key': 'aws-auth/unknown-key',
  'invalid-arn': 'aws-auth/invalid-arn',
  'role-arn-has-path': 'aws-auth/role-arn-has-path',
  'assumed-role-arn': 'aws-auth/assumed-role-arn',
  'role-in-map-users': 'aws-auth/role-in-map-users',
  'user-in-map-roles': 'aws-auth/user-in-map-roles',
  'duplicate-entry': 'aws-auth/duplicate-entry',
  'invalid-username-template': 'aws-auth/invalid-username-template',
} as const satisfies Record<AwsAuthProblemKind, RuleId>;

export type AwsAuthLintRule = (typeof AWS_AUTH_PROBLEM_RULES)[AwsAuthProblemKind];
export const AWS_AUTH_LINT_RULES = Object.values(AWS_AUTH_PROBLEM_RULES);

/** A parser or linter problem as a finding of its rule, with the authentication mode that decides whether it matters. */
export function awsAuthFinding(p: AwsAuthProblem, authenticationMode?: AuthenticationMode, stamp: AuditStamp = {}, context: LintContext = {}): FindingOf<AwsAuthLintRule> {
  const { kind, ...evidence } = p;
  return { rule: AWS_AUTH_PROBLEM_RULES[kind], evidence: { ...evidence, ...(authenticationMode && { authenticationMode }), ...stamp, ...context } } as FindingOf<AwsAuthLintRule>;
}

/** The section a misspelt key or one bad indent drops, corrected, when the authenticator reads the correction cleanly. */
async function correctionOf(p: AwsAuthProblem, data: Record<string, string | undefined> | undefined): Promise<LintContext['corrected']> {
  if (!data) return undefined;
  const { renamedSection, reindentedSection } = await import('../../facts/aws-auth/repair.js');
  const c =
    p.kind === 'unknown-key' && p.section === 'data' ? renamedSection(data, p.key, p.suggestedKey)
    : p.kind === 'invalid-yaml' && p.dropped === 'section' ? reindentedSection(data, p.section ?? '', p.line)
    : undefined;
  return c && { section: c.section, change: c.change, entries: c.entries.map((m) => ({ arn: m.arn, ...(m.username !== undefined && { username: m.username }), groups: m.groups })) };
}

const EMITS = [
  ...AWS_AUTH_LINT_RULES,
  'aws-auth/not-found',
  'aws-auth/unreadable',
  'aws-auth/granted',
  'aws-auth/account-only-mapping',
  'aws-auth/ignored-in-api-mode',
  'cluster/audit-logging-disabled',
  'history/unavailable',
] as const;
type Emitted = FindingOf<(typeof EMITS)[number]>;

/**
 * The aws-auth ConfigMap (modes CONFIG_MAP and API_AND_CONFIG_MAP), read through the Kubernetes API
 * or from --aws-auth-file, parsed with the authenticator's semantics, and matched against the principal.
 * When the caller may not read it, its content comes from the audit log's newest change (SPEC §10.2),
 * and every finding from it says so.
 */
export const awsAuthCheck = defineCheck({
  id: 'aws-auth',
  title: 'aws-auth ConfigMap',
  dependsOn: ['kubeconfig'],
  after: ['identity', 'cluster', 'kube-auth', 'access-entries', 'audit-log', 'cloudtrail', 'iam'],
  emits: EMITS,
  async run(ctx) {
    const { facts, options, target } = ctx;
    const mode = facts.cluster?.authenticationMode;
    const live = options.awsAuthFile ? await readFile(options.awsAuthFile) : mode ? await readThroughApi(ctx) : undefined;
    if (!live) return { findings: [], skip: options.offline ? 'offline: no --aws-auth-file' : facts.cluster ? 'the API server could not be reached' : 'the cluster could not be described' };
    // Only where aws-auth decides anything: not in API mode, not for a principal an access entry maps.
    const matters = mode !== 'API' && !facts.accessEntries?.entry;
    const findings: Emitted[] = [];
    const fallback = live.kind === 'unreadable' && !options.awsAuthFile ? fromAuditLog(facts, (await import('../../facts/aws-auth.js')).parseAwsAuthData) : undefined;
    const read = fallback?.read ?? live;
    const origin = fallback?.origin;
    if (read.kind === 'missing') {
      facts.awsAuth = { readable: origin === undefined, exists: false, ...(origin && { fromAudit: origin }) };
      target.awsAuth = { missing: true, mapRoles: [], mapUsers: [], mapAccounts: [] };
      if (matters) findings.push(finding('aws-auth/not-found', { authenticationMode: mode ?? 'CONFIG_MAP', principalArn: facts.identity?.principalArn, ...(origin && { deletedAt: origin.at, deletedBy: origin.by }) }));
      return { findings };
    }
    if (read.kind === 'unreadable') {
      facts.awsAuth = { readable: false, exists: true };
      const inferred = accountOnlyFromKube(facts);
      if (inferred) return { findings: [{ ...inferred, evidence: { ...inferred.evidence, fixers: await fixersHere(ctx) } }] };
      if (matters) findings.push(finding('aws-auth/unreadable', { status: read.status, ...(read.reason && { reason: read.reason }), ...(read.as && { as: read.as }) }), ...(fallback?.gap ?? []));
      return { findings, skip: `not readable with this credential (${read.status})` };
    }
    const config = read.config;
    const principal = facts.identity;
    const stamp: AuditStamp = origin ? { source: 'audit-log', changedAt: origin.at, changedBy: origin.by } : {};
    facts.awsAuth = { readable: origin === undefined, exists: true, config, ...(origin && { fromAudit: origin }) };
    const problems = config.problems.filter((p) => !principal || concernsPrincipal(p, principal.principalArn));
    // A caller that may not write aws-auth (refused, or let in without admin rights) cannot apply the fix:
    // name who can (their kubectl context), as the not-mapped fix does.
    const lockedOut = principal && problems.length > 0 && !mayEditAwsAuth(facts);
    const fixers = lockedOut ? await fixersHere(ctx) : undefined;
    for (const p of problems) {
      const corrected = await correctionOf(p, read.data);
      findings.push(awsAuthFinding(p, mode, stamp, { ...(fixers && { fixers }), ...(corrected && { corrected }) }));
    }
    target.awsAuth = awsAuthContentOf(facts);
    if (!principal) return { findings };

    const { mapIdentity } = await import('../../facts/aws-auth.js');
    const mapped = mapIdentity(config, {
      arn: principal.arn,
      canonicalArn: principal.principalArn,
      accountId: principal.accountId,
      userId: principal.userId,
      sessionName: /:assumed-role\/[^/]+\/(.+)$/.exec(principal.arn)?.[1],
    });
    facts.awsAuth.mapped = mapped;
    if (!mapped) return { findings };
    const entryWins = facts.accessEntries?.entry !== undefined;
    const line = mapped.entry?.line;
    if (mode === 'API') {
      if (!entryWins) {
        const switched = switchToApiOf(facts);
        findings.push(
          finding('aws-auth/ignored-in-api-mode', {
            principalArn: principal.principalArn,
            ...(facts.iam?.ok && facts.iam.exists && facts.iam.arn !== principal.principalArn && { fullArn: facts.iam.arn }),
            section: mapped.via,
            ...(line !== undefined && { line }),
            ...(mapped.entry?.username !== undefined && { username: mapped.entry.username }),
            groups: mapped.entry?.groups ?? [],
            fixers: await fixersHere(ctx),
            ...(switched && { switchedToApi: { at: switched.time, by: switched.actor.arn } }),
            unseen: unseenOf(facts),
            ...stamp,
          }),
        );
      }
    } else if (!entryWins && mapped.via === 'mapAccounts' && !rbacNamesThem(facts, options.principal)) {
      findings.push(finding('aws-auth/account-only-mapping', { principalArn: principal.principalArn, username: mapped.username, accountId: principal.accountId, fixers: await fixersHere(ctx) }));
    } else if (!entryWins && mapped.error && mapped.entry) {
      // The authenticator found the entry but cannot render its templates for this caller, and denies it.
      if (!findings.some((f) => f.rule === 'aws-auth/invalid-username-template')) findings.push(unrenderable(mapped.entry, mode, stamp));
    } else if (!entryWins && !mapped.error) {
      findings.push(finding('aws-auth/granted', { principalArn: principal.principalArn, section: mapped.via, ...(line !== undefined && { line }), username: mapped.username, groups: mapped.groups, ...(mapped.notes && { notes: mapped.notes }), ...stamp }));
    }
    return { findings };
  },
});

/**
 * aws-auth from the audit log when the live read was refused: the content of its newest change, or that
 * it was deleted; else what the audit log could not tell (off, denied, nothing found, content not logged).
 */
function fromAuditLog(facts: Facts, parse: typeof ParseAwsAuthData): { read?: Read; origin?: { at: string; by: string }; gap: Emitted[] } {
  const audit = facts.auditLog;
  if (!audit) return { gap: [] };
  const wouldTell = 'what aws-auth maps now, and who changed it last';
  const auditOff = facts.cluster !== undefined && !facts.cluster.enabledLogTypes.includes('audit');
  if (!audit.ok || !audit.newest) {
    if (auditOff) return { gap: [finding('cluster/audit-logging-disabled', { enabledTypes: facts.cluster!.enabledLogTypes })] };
    if (!audit.ok) return { gap: [finding('history/unavailable', { source: 'audit-log', status: audit.problem, reason: audit.message, wouldTell })] };
    const since = audit.searchedFromMs !== undefined ? ` since ${new Date(audit.searchedFromMs).toISOString()}` : '';
    return { gap: [finding('history/unavailable', { source: 'audit-log', status: audit.complete ? 'absent' : 'incomplete', reason: `no change of aws-auth in the audit log${since}`, wouldTell })] };
  }
  const n = audit.newest;
  const origin = { at: n.at, by: n.by };
  if (n.verb === 'delete') return { read: { kind: 'missing' }, origin, gap: [] };
  if (!n.data) {
    const reason = `its newest change (${n.verb} at ${n.at} by ${n.by}) is logged without the ConfigMap (EKS logs a create at Metadata level)`;
    return { gap: [finding('history/unavailable', { source: 'audit-log', status: 'incomplete', reason, wouldTell })] };
  }
  return { read: { kind: 'ok', config: parse(n.data, { file: undefined }), data: n.data }, origin, gap: [] };
}

/** The entry whose {{EC2PrivateDNSName}} the authenticator cannot fill in for a session that is not an instance. */
function unrenderable(entry: AwsAuthMapping, mode: AuthenticationMode | undefined, stamp: AuditStamp): FindingOf<'aws-auth/invalid-username-template'> {
  const field = entry.username?.includes('{{EC2PrivateDNSName}}') ? 'username' : 'groups';
  const template = field === 'username' ? entry.username! : (entry.groups.find((g) => g.includes('{{EC2PrivateDNSName}}')) ?? '');
  const { section, arn, groups, line, username } = entry;
  return finding('aws-auth/invalid-username-template', {
    section, arn, groups, ...(line !== undefined && { line }), ...(username !== undefined && { username }),
    field, template, placeholder: '{{EC2PrivateDNSName}}', reason: 'no-instance-session', ...(mode && { authenticationMode: mode }), ...stamp,
  });
}

/** `data`: the ConfigMap's data as read (not from a file, whose fix edits the file), for corrections. */
type Read = { kind: 'ok'; config: AwsAuthConfig; data?: Record<string, string | undefined> } | { kind: 'missing' } | { kind: 'unreadable'; status: number; reason?: string; as?: string };

/** Aws-auth manifests are kilobytes; a ConfigMap holds at most 1 MiB. */
const MAX_AWS_AUTH_FILE_BYTES = 4 * 1024 * 1024;

async function readFile(file: string): Promise<Read> {
  const [{ readBoundedFile }, { parseAwsAuthManifest }] = await Promise.all([import('../../facts/files.js'), import('../../facts/aws-auth.js')]);
  const read = await readBoundedFile(file, MAX_AWS_AUTH_FILE_BYTES);
  // The CLI checked the file before the run; if it changed since, say so as a parse problem.
  const parsed = read.ok ? parseAwsAuthManifest(read.text, file) : { config: undefined, problems: [{ kind: 'invalid-yaml' as const, file, reason: read.message }] };
  const config = parsed.config ?? { roles: [], users: [], accounts: [], problems: [] };
  return { kind: 'ok', config: { ...config, problems: parsed.problems } };
}

/**
 * Reads kube-system/aws-auth with kubectl's own credential; when that principal may not (401/403) and
 * the working credentials are another principal (--profile), with a token minted for them as
 * `aws eks get-token` would, so an administrator can diagnose someone else's access.
 */
async function readThroughApi(ctx: CheckContext): Promise<Read | undefined> {
  const { facts } = ctx;
  const { parseAwsAuthData } = await import('../../facts/aws-auth.js');
  // The other principal at hand: the working credentials (--profile), else the shell's own when the
  // exec plugin runs as someone else.
  const other = facts.sdkIdentity && facts.sdkIdentity.principalArn !== facts.identity?.principalArn ? { identity: facts.sdkIdentity, clients: facts.aws } : facts.shell;
  if (!facts.kube && !other) return undefined; // API server not reached
  let answer = facts.kube?.authenticated ? await facts.kube.api.getConfigMap('kube-system', 'aws-auth', callOptions(ctx)) : undefined;
  let as = facts.identity?.arn;
  const callerRefused = !answer || (!answer.ok && (answer.status === 401 || answer.status === 403));
  const reader = other?.identity;
  const readerClients = other?.clients;
  if (callerRefused && reader && readerClients && facts.aws && facts.cluster) {
    const [{ presignEksToken }, { createKubeApiClient }] = await Promise.all([import('../../facts/eks-token-presign.js'), import('../../facts/kube-api.js')]);
    const { untilAborted } = await import('../../facts/aws-identity.js');
    const credentials = await untilAborted(readerClients.credentials(), ctx.signal).catch(() => undefined);
    if (!credentials) return { kind: 'unreadable', status: 401, reason: 'the working credentials could not be resolved', as: reader.arn };
    const token = await presignEksToken({ credentials, region: facts.aws.region, clusterName: facts.cluster.name });
    const kc = facts.kubeconfig!;
    const c = kc.cluster;
    const api = createKubeApiClient({ server: c.server!, caPem: kc.caPem, insecure: c.insecureSkipTlsVerify, tlsServerName: c.tlsServerName, proxyUrl: c.proxyUrl, env: ctx.options.env, credential: { kind: 'token', token } });
    try {
      answer = await api.getConfigMap('kube-system', 'aws-auth', callOptions(ctx));
    } finally {
      api.close();
    }
    as = reader.arn;
  }
  if (!answer) return { kind: 'unreadable', status: 401, reason: "kubectl's credential is not accepted", as };
  if (answer.ok) return { kind: 'ok', config: parseAwsAuthData(answer.data, { file: undefined }), data: answer.data };
  if (answer.status === 404) return { kind: 'missing' };
  return { kind: 'unreadable', status: answer.status, reason: answer.reason ?? answer.message, as };
}

/**
 * A lint problem matters to this run when it breaks a whole section, names an ARN that cannot even be
 * read (it might have been meant for the principal), or names the principal's own entry.
 */
function concernsPrincipal(p: AwsAuthProblem, principalArn: string): boolean {
  const arns = ['arn' in p ? p.arn : undefined, 'suggestedArn' in p ? p.suggestedArn : undefined].filter((a): a is string => typeof a === 'string');
  if (arns.length === 0 || arns.some((a) => !parseArn(a))) return true;
  const name = (arn: string) => arn.split(':').pop()!.split('/').slice(1).pop()?.toLowerCase();
  const account = (arn: string) => arn.split(':')[4];
  return arns.some((a) => sameArn(a, principalArn) || (account(a) === account(principalArn) && name(a) === name(principalArn)));
}

/** The API server let kubectl's own principal read something: RBAC names its ARN username already. */
function rbacNamesThem(facts: Facts, principalOption: string | undefined): boolean {
  return !principalOption && facts.kube?.authenticated === true && (facts.kube.allowed?.length ?? 0) > 0;
}

/** The caller is let in as an admin: system:masters (aws-auth) or AmazonEKSClusterAdminPolicy at cluster scope (its access entry). */
function mayEditAwsAuth(facts: Facts): boolean {
  if (!facts.kube?.authenticated) return false;
  return (facts.kube.groups ?? []).includes('system:masters') || (facts.accessEntries?.entry?.policies ?? []).some((p) => p.policy === 'AmazonEKSClusterAdminPolicy' && p.scope === 'cluster');
}

/**
 * Without the ConfigMap, the API server's own answer can still tell a mapAccounts match: the
 * authenticator makes the canonical ARN the username and adds no groups (pkg/server/server.go).
 */
function accountOnlyFromKube(facts: Facts): FindingOf<'aws-auth/account-only-mapping'> | undefined {
  const kube = facts.kube;
  const principal = facts.identity;
  if (!kube?.authenticated || !principal || facts.accessEntries?.entry) return undefined;
  const extraGroups = (kube.groups ?? []).filter((g) => g !== 'system:authenticated');
  if (kube.username?.toLowerCase() !== principal.principalArn.toLowerCase() || extraGroups.length > 0) return undefined;
  return finding('aws-auth/account-only-mapping', { principalArn: principal.principalArn, username: kube.username, accountId: principal.accountId, source: 'SelfSubjectReview' });
}
