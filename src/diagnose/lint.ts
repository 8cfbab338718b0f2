/**
 * `eksdoctor lint` (SPEC §2, GitOps CI): offline lint of files before they are applied. Each file is
 * one engine check, so `emits` is enforced here as in `auth`. A file is linted as what it is — a
 * kubeconfig, an aws-auth ConfigMap (also inside multi-document files and `List`s), or the list that
 * `eksctl get iamidentitymapping -o yaml|json` prints — and anything else is `lint/not-recognized`:
 * nothing was linted, so it must not pass.
 */
import { problemFinding, regionMismatchFinding, removedExecApiFinding, staticTokenFinding } from '../checks/kubeconfig/entry-lint.js';
import { AWS_AUTH_LINT_RULES, awsAuthFinding } from '../checks/mapping/aws-auth.js';
import { defineCheck, type Check, type RunOptions } from '../checks/types.js';
import { runChecks } from '../engine/run.js';
import { parseAwsAuthData, parseAwsAuthManifest } from '../facts/aws-auth.js';
import { regionFromEksServer } from '../facts/eks-endpoint.js';
import { parseExecPlugin } from '../facts/exec-plugin.js';
import { mergeKubeconfigs } from '../facts/kubeconfig.js';
import { readYamlFile, type YamlRead } from '../facts/yaml-file.js';
import { buildReport } from '../report/build.js';
import type { Report } from '../report/model.js';
import { finding, severityOf, type FindingOf } from '../rules/index.js';
import { isRecord } from '../shared/records.js';

const KUBECONFIG_RULES = ['kubeconfig/not-found', 'kubeconfig/invalid', 'kubeconfig/context-not-found', 'kubeconfig/static-token', 'kubeconfig/exec-api-version-removed', 'kubeconfig/region-mismatch'] as const;
const EMITS = [...KUBECONFIG_RULES, ...AWS_AUTH_LINT_RULES, 'lint/not-recognized'] as const;
/** Every rule `lint` can report (the catalog test proves each is emitted somewhere). */
export const LINT_EMITS: readonly string[] = EMITS;
type LintFinding = FindingOf<(typeof EMITS)[number]>;

export async function lintFiles(files: string[], version: string, options: Pick<RunOptions, 'env'> = { env: process.env }): Promise<Report> {
  const startedAt = new Date();
  const checks: Check[] = files.map((file) =>
    defineCheck({
      id: `lint:${file}`,
      title: file,
      dependsOn: [],
      emits: EMITS,
      run: async () => ({ findings: await lintFile(file) }),
    }),
  );
  const engine = await runChecks({
    checks,
    options: { since: 0, noLogs: true, offline: true, timeoutMs: 60_000, verbose: false, env: options.env },
    target: { kubeconfig: files },
    severityOf,
  });
  return buildReport({ version, startedAt, durationMs: Date.now() - startedAt.getTime(), engine });
}

async function lintFile(file: string): Promise<LintFinding[]> {
  const read = await readYamlFile(file);
  if (!read.ok) {
    // A YAML error in a file that looks like a kubeconfig or an aws-auth manifest is that file's error.
    if (read.kind === 'syntax') return [finding('kubeconfig/invalid', { file, message: read.message, ...(read.line !== undefined && { line: read.line }), ...(read.column !== undefined && { column: read.column }) })];
    return [finding('lint/not-recognized', { file, reason: read.message })];
  }
  const kinds = read.docs.flatMap((d) => classify(d));
  if (kinds.length === 0) return [finding('lint/not-recognized', { file, reason: describeDocs(read.docs) })];
  const findings: LintFinding[] = [];
  if (kinds.includes('kubeconfig')) findings.push(...lintKubeconfig(file, read));
  if (kinds.includes('aws-auth')) findings.push(...parseAwsAuthManifest(read.text, file).problems.map((p) => awsAuthFinding(p)));
  // Lists (kind: List) and eksctl's mapping lists have no file lines to point at: lint their data.
  for (const data of read.docs.flatMap(listedAwsAuthData)) findings.push(...parseAwsAuthData(data, { file }).problems.map((p) => awsAuthFinding(p)));
  return findings;
}

type DocKind = 'kubeconfig' | 'aws-auth' | 'listed-aws-auth';

function classify(doc: unknown): DocKind[] {
  if (Array.isArray(doc)) return isEksctlMappingList(doc) ? ['listed-aws-auth'] : [];
  if (!isRecord(doc)) return [];
  if (doc.kind === 'Config' || (doc.kind === undefined && ['clusters', 'contexts', 'users', 'current-context'].some((k) => k in doc))) return ['kubeconfig'];
  if (isAwsAuthConfigMap(doc) || (doc.kind === undefined && ['mapRoles', 'mapUsers', 'mapAccounts'].some((k) => k in doc))) return ['aws-auth'];
  if (doc.kind === 'List' && Array.isArray(doc.items) && doc.items.some((i) => isRecord(i) && isAwsAuthConfigMap(i))) return ['listed-aws-auth'];
  return [];
}

/** A ConfigMap named aws-auth, or one whose data holds the authenticator's keys in any case (a misspelt `maproles` is still meant as aws-auth). */
function isAwsAuthConfigMap(doc: Record<string, unknown>): boolean {
  if (doc.kind !== 'ConfigMap') return false;
  const name = isRecord(doc.metadata) ? doc.metadata.name : undefined;
  return name === 'aws-auth' || (isRecord(doc.data) && Object.keys(doc.data).some((k) => /^map(roles|users|accounts)$/i.test(k)));
}

/** eksctl get iamidentitymapping -o yaml|json: a list of {rolearn|userarn, username, groups} and {account}. */
function isEksctlMappingList(items: unknown[]): boolean {
  return items.length > 0 && items.every((i) => isRecord(i) && ('rolearn' in i || 'userarn' in i || 'account' in i));
}

/** The aws-auth `data` a List of ConfigMaps or an eksctl mapping list amounts to. */
function listedAwsAuthData(doc: unknown): Record<string, string>[] {
  if (Array.isArray(doc) && isEksctlMappingList(doc)) {
    const pick = (key: string) => doc.filter((i) => isRecord(i) && key in i);
    const data: Record<string, string> = {};
    const roles = pick('rolearn');
    const users = pick('userarn');
    const accounts = pick('account').map((i) => String((i as Record<string, unknown>).account));
    // JSON is YAML: the authenticator's parser reads these sections exactly as it reads the ConfigMap's.
    if (roles.length) data.mapRoles = JSON.stringify(roles);
    if (users.length) data.mapUsers = JSON.stringify(users);
    if (accounts.length) data.mapAccounts = JSON.stringify(accounts);
    return [data];
  }
  if (isRecord(doc) && doc.kind === 'List' && Array.isArray(doc.items)) {
    return doc.items.filter((i): i is Record<string, unknown> => isRecord(i) && isAwsAuthConfigMap(i)).map((cm) => stringData(cm.data));
  }
  return [];
}

function stringData(data: unknown): Record<string, string> {
  if (!isRecord(data)) return {};
  return Object.fromEntries(Object.entries(data).filter((e): e is [string, string] => typeof e[1] === 'string'));
}

function describeDocs(docs: unknown[]): string {
  if (docs.length === 0) return 'it is empty';
  const kinds = docs.map((d) => (isRecord(d) && typeof d.kind === 'string' ? d.kind : Array.isArray(d) ? 'a list' : isRecord(d) ? 'a mapping without a kind' : `a ${typeof d}`));
  return `it holds ${[...new Set(kinds)].join(', ')}, not a kubeconfig, an aws-auth ConfigMap or an eksctl identity-mapping list`;
}

/** Every context and user of one kubeconfig file, with the rules that need no machine state. */
function lintKubeconfig(file: string, read: Extract<YamlRead, { ok: true }>): LintFinding[] {
  const kc = mergeKubeconfigs([file], [read], true);
  const findings: LintFinding[] = kc.problems.map(problemFinding);
  for (const user of kc.users.values()) {
    const plugin = user.exec ? parseExecPlugin(user.exec) : undefined;
    for (const f of [staticTokenFinding(user), removedExecApiFinding(user, read.text, { clusterName: plugin?.clusterName, region: plugin?.region })]) if (f) findings.push(f);
  }
  for (const ctx of kc.contexts.values()) {
    const cluster = kc.clusters.get(ctx.cluster);
    const user = kc.users.get(ctx.user);
    if (!cluster || !user) {
      findings.push(finding('kubeconfig/invalid', { file, message: `context "${ctx.name}" refers to ${!cluster ? `cluster "${ctx.cluster}"` : `user "${ctx.user}"`}, which is not defined` }));
      continue;
    }
    const mismatch = user.exec && cluster.server ? regionMismatchFinding(parseExecPlugin(user.exec), regionFromEksServer(cluster.server), cluster.server) : undefined;
    if (mismatch) findings.push(mismatch);
  }
  if (kc.currentContext && !kc.contexts.has(kc.currentContext)) {
    findings.push(finding('kubeconfig/context-not-found', { context: kc.currentContext, available: [...kc.contexts.keys()], source: 'current-context' }));
  }
  return findings;
}
