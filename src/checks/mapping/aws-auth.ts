import type { Facts } from '../../engine/facts.js';
import type { Check, Finding } from '../../engine/types.js';
import { parseArn } from '../../facts/arn.js';
import type { AwsAuthConfig } from '../../facts/aws-auth.js';

const LINT_RULES = [
  'aws-auth/invalid-yaml',
  'aws-auth/unknown-key',
  'aws-auth/invalid-arn',
  'aws-auth/role-arn-has-path',
  'aws-auth/assumed-role-arn',
  'aws-auth/role-in-map-users',
  'aws-auth/user-in-map-roles',
  'aws-auth/duplicate-entry',
  'aws-auth/invalid-username-template',
] as const;

/**
 * The aws-auth ConfigMap (modes CONFIG_MAP and API_AND_CONFIG_MAP), read through the Kubernetes API
 * or from --aws-auth-file, parsed with the authenticator's semantics, and matched against the principal.
 */
export const awsAuthCheck: Check = {
  id: 'aws-auth',
  title: 'aws-auth ConfigMap',
  dependsOn: ['kubeconfig'],
  after: ['identity', 'cluster', 'kube-auth', 'access-entries'],
  emits: [...LINT_RULES, 'aws-auth/not-found', 'aws-auth/unreadable', 'aws-auth/granted', 'aws-auth/account-only-mapping', 'aws-auth/ignored-in-api-mode'],
  async run(ctx) {
    const { facts, options } = ctx;
    const mode = facts.cluster?.authenticationMode ?? (facts.cluster ? 'CONFIG_MAP' : undefined);
    const read = options.awsAuthFile ? await readFile(options.awsAuthFile) : mode ? await readThroughApi(facts, ctx.signal, ctx.remainingMs()) : undefined;
    if (!read) return { findings: [], skip: options.offline ? 'offline: no --aws-auth-file' : facts.cluster ? 'the API server could not be reached' : 'the cluster could not be described' };
    // Only where aws-auth decides anything: not in API mode, not for a principal an access entry maps.
    const matters = mode !== 'API' && !facts.accessEntries?.entry;
    if (read.kind === 'missing') {
      facts.awsAuth = { readable: true, exists: false };
      return { findings: matters ? [{ rule: 'aws-auth/not-found', evidence: { authenticationMode: mode, principalArn: facts.identity?.principalArn } }] : [] };
    }
    if (read.kind === 'unreadable') {
      facts.awsAuth = { readable: false, exists: true };
      const inferred = accountOnlyFromKube(facts);
      if (inferred) return { findings: [inferred] };
      return { findings: matters ? [{ rule: 'aws-auth/unreadable', evidence: { status: read.status, reason: read.reason, as: read.as } }] : [] };
    }
    const config = read.config;
    const principal = facts.identity;
    const relevant = (f: Finding) => !principal || concernsPrincipal(f, principal.principalArn);
    const findings: Finding[] = config.problems.filter(relevant).map((f) => ({ rule: f.rule, evidence: { ...f.evidence, authenticationMode: mode } }));
    facts.awsAuth = { readable: true, exists: true, config };
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
    if (mode === 'API') {
      if (!entryWins) findings.push({ rule: 'aws-auth/ignored-in-api-mode', evidence: { principalArn: principal.principalArn, section: mapped.via, line: mapped.entry?.line } });
    } else if (!entryWins && mapped.via === 'mapAccounts') {
      findings.push({ rule: 'aws-auth/account-only-mapping', evidence: { principalArn: principal.principalArn, username: mapped.username, accountId: principal.accountId } });
    } else if (!entryWins && !mapped.error) {
      // With mapped.error the authenticator found the entry but denies (e.g. a template it cannot render).
      findings.push({ rule: 'aws-auth/granted', evidence: { principalArn: principal.principalArn, section: mapped.via, line: mapped.entry?.line, username: mapped.username, groups: mapped.groups, via: mapped.via, notes: mapped.notes } });
    }
    return { findings };
  },
};

type Read =
  | { kind: 'ok'; config: AwsAuthConfig }
  | { kind: 'missing' }
  | { kind: 'unreadable'; status: number; reason?: string; as?: string };

async function readFile(file: string): Promise<Read> {
  const [{ readFile }, { parseAwsAuthManifest }] = await Promise.all([import('node:fs/promises'), import('../../facts/aws-auth.js')]);
  const text = await readFile(file, 'utf8');
  const parsed = parseAwsAuthManifest(text, file);
  const config = parsed.config ?? { roles: [], users: [], accounts: [], problems: [] };
  return { kind: 'ok', config: { ...config, problems: parsed.problems } };
}

/**
 * Reads kube-system/aws-auth with kubectl's own token; when that principal may not (401/403) and the
 * working credentials are another principal (--profile), with a token minted for them as
 * `aws eks get-token` would, so an administrator can diagnose someone else's access.
 */
async function readThroughApi(facts: Facts, signal: AbortSignal, remainingMs: number): Promise<Read | undefined> {
  const { parseAwsAuthData } = await import('../../facts/aws-auth.js');
  if (!facts.kube && facts.sdkIdentity?.principalArn === facts.identity?.principalArn) return undefined; // API server not reached
  let answer = facts.kube?.authenticated ? await facts.kube.api.getConfigMap('kube-system', 'aws-auth') : undefined;
  let as = facts.identity?.arn;
  const callerRefused = !answer || (!answer.ok && (answer.status === 401 || answer.status === 403));
  const reader = facts.sdkIdentity;
  if (callerRefused && reader && facts.aws && facts.cluster && reader.principalArn !== facts.identity?.principalArn) {
    const [{ presignEksToken }, { createKubeApiClient }] = await Promise.all([import('../../facts/eks-token.js'), import('../../facts/kube-api.js')]);
    const token = await presignEksToken({ credentials: await facts.aws.credentials(), region: facts.aws.region, clusterName: facts.cluster.name });
    const kc = facts.kubeconfig!;
    const api = createKubeApiClient({ server: kc.cluster.server!, caPem: kc.caPem, insecure: kc.cluster.insecureSkipTlsVerify, token, timeoutMs: Math.min(10_000, remainingMs), signal });
    answer = await api.getConfigMap('kube-system', 'aws-auth');
    api.close();
    as = reader.arn;
  }
  if (!answer) return { kind: 'unreadable', status: 401, reason: 'kubectl\'s token is not accepted', as };
  if (answer.ok) return { kind: 'ok', config: parseAwsAuthData(answer.data, { file: 'configmap/aws-auth' }) };
  if (answer.status === 404) return { kind: 'missing' };
  return { kind: 'unreadable', status: answer.status, reason: answer.reason ?? answer.message, as };
}

/**
 * A lint finding matters to this run when it breaks a whole section, names an ARN that cannot even be
 * read (it might have been meant for the principal), or names the principal's own entry.
 */
function concernsPrincipal(f: Finding, principalArn: string): boolean {
  const arns = [f.evidence.arn, f.evidence.suggestedArn].filter((a): a is string => typeof a === 'string');
  if (arns.length === 0 || arns.some((a) => !parseArn(a))) return true;
  const name = (arn: string) => arn.split(':').pop()!.split('/').slice(1).pop()?.toLowerCase();
  const account = (arn: string) => arn.split(':')[4];
  return arns.some((a) => a.toLowerCase() === principalArn.toLowerCase() || (account(a) === account(principalArn) && name(a) === name(principalArn)));
}

/**
 * Without the ConfigMap, the API server's own answer can still tell a mapAccounts match: the
 * authenticator makes the canonical ARN the username and adds no groups (pkg/server/server.go).
 */
function accountOnlyFromKube(facts: Facts): Finding | undefined {
  const kube = facts.kube;
  const principal = facts.identity;
  if (!kube?.authenticated || !principal || facts.accessEntries?.entry) return undefined;
  const extraGroups = (kube.groups ?? []).filter((g) => g !== 'system:authenticated');
  if (kube.username?.toLowerCase() !== principal.principalArn.toLowerCase() || extraGroups.length > 0) return undefined;
  return { rule: 'aws-auth/account-only-mapping', evidence: { principalArn: principal.principalArn, username: kube.username, accountId: principal.accountId, source: 'SelfSubjectReview' } };
}
