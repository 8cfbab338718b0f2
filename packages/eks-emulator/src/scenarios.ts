/**
 * Scenarios are data: packages/eks-emulator/scenarios/<name>.yaml. This module lists them and validates one
 * parsed document into a `Scenario`, with errors that name the file and the offending field.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, extname, join, resolve } from 'node:path';
import yaml from 'js-yaml';
import { policyProblem } from './iam-policy.js';
import type { Scenario } from './scenario.js';

import { SCENARIO_DIR } from './paths.js';

export { SCENARIO_DIR };

export const DEFAULT_SCENARIO = 'classic';

export class ScenarioError extends Error {
  override name = 'ScenarioError';
}

export function listScenarios(): { name: string; description: string }[] {
  return scenarioFiles().map((file) => {
    const scenario = loadScenario(join(SCENARIO_DIR, file));
    return { name: scenario.name, description: scenario.description };
  });
}

function scenarioFiles(): string[] {
  if (!existsSync(SCENARIO_DIR)) return [];
  return readdirSync(SCENARIO_DIR)
    .filter((f) => f.endsWith('.yaml'))
    .sort();
}

/** A bare name is looked up in the scenario directory; anything with a slash or a YAML extension is a path. */
export function loadScenario(nameOrPath: string): Scenario {
  const isPath = nameOrPath.includes('/') || nameOrPath.includes('\\') || /\.ya?ml$/.test(nameOrPath);
  const file = isPath ? resolve(nameOrPath) : join(SCENARIO_DIR, `${nameOrPath}.yaml`);
  if (!existsSync(file)) {
    if (isPath) throw new ScenarioError(`scenario file not found: ${file}`);
    const known = scenarioFiles().map((f) => basename(f, '.yaml'));
    throw new ScenarioError(`unknown scenario "${nameOrPath}"; known scenarios: ${known.join(', ')}`);
  }
  let doc: unknown;
  try {
    doc = yaml.load(readFileSync(file, 'utf8'), { filename: file });
  } catch (e) {
    throw new ScenarioError(`${file}: invalid YAML: ${(e as Error).message}`);
  }
  return validateScenario(doc, file, basename(file, extname(file)));
}

const ACCOUNT = /^\d{12}$/;
const IAM_ARN = /^arn:aws:iam::\d{12}:(user|role)\/([\w+=,.@-]+\/)*[\w+=,.@-]+$/;
const ACCESS_KEY = /^(AKIA|ASIA)[A-Z0-9]{16}$/;
const MODES = ['CONFIG_MAP', 'API_AND_CONFIG_MAP', 'API'];
const STATUSES = ['ACTIVE', 'CREATING', 'DELETING', 'FAILED', 'UPDATING'];
const LOG_TYPES = ['api', 'audit', 'authenticator', 'controllerManager', 'scheduler'];
const FAULT_KINDS = ['latency', 'hang', 'throttle', '5xx'];
const FAULT_SERVICES = ['eks', 'sts', 'logs', 'cloudtrail', 'iam', 'kube', '*'];
/** PutRetentionPolicy's allowed `retentionInDays` (CloudWatch Logs API reference). */
const RETENTION_DAYS = [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653];
const AWS_AUTH_VERBS = ['create', 'update', 'patch', 'delete'];
const NOT_MAPPED = ['identity is not mapped', 'Identity is not mapped', 'ARN is not mapped'];
const RULE_ID = /^[a-z0-9-]+\/[a-z0-9-]+$/;

/** Structural checks plus cross-references (profiles → principals, creator, canAssume). */
export function validateScenario(doc: unknown, source: string, defaultName: string): Scenario {
  const problems: string[] = [];
  const v = new Validator(problems);
  const root = v.object(doc, '');
  if (!root) throw new ScenarioError(`${source}: a scenario must be a YAML mapping`);

  const name = v.optString(root, 'name') ?? defaultName;
  if (!/^[a-z0-9]+(-[a-z0-9]+)*$/.test(name)) problems.push(`name: "${name}" must be short kebab-case`);
  v.string(root, 'description');
  const account = v.string(root, 'account');
  if (account !== undefined && !ACCOUNT.test(account)) problems.push('account: must be 12 digits');
  v.string(root, 'region');

  const principalNames = new Set<string>();
  const keys = new Set<string>();
  v.array(root, 'principals').forEach((p, i) => {
    const at = `principals[${i}]`;
    const o = v.object(p, at);
    if (!o) return;
    const pname = v.string(o, 'name', at);
    if (pname) {
      if (principalNames.has(pname)) problems.push(`${at}.name: duplicate principal "${pname}"`);
      principalNames.add(pname);
    }
    const arn = v.string(o, 'arn', at);
    if (arn !== undefined && !IAM_ARN.test(arn)) problems.push(`${at}.arn: "${arn}" is not an IAM user or role ARN`);
    const key = v.string(o, 'accessKeyId', at);
    if (key !== undefined) {
      if (!ACCESS_KEY.test(key)) problems.push(`${at}.accessKeyId: must be AKIA/ASIA + 16 upper-case letters or digits (20 chars)`);
      if (keys.has(key)) problems.push(`${at}.accessKeyId: duplicate key`);
      keys.add(key);
      if (key.startsWith('ASIA') && o.sessionToken === undefined) problems.push(`${at}.sessionToken: required for an ASIA (temporary) key`);
    }
    const secret = v.string(o, 'secretAccessKey', at);
    if (secret !== undefined && secret.length !== 40) problems.push(`${at}.secretAccessKey: must be 40 characters`);
    v.optString(o, 'userId', at);
    v.optString(o, 'sessionToken', at);
    v.optString(o, 'sessionName', at);
    v.optBoolean(o, 'expired', at);
    v.optBoolean(o, 'invalid', at);
    v.optStringArray(o, 'canAssume', at);
    v.optNonNegative(o, 'createdDaysAgo', at);
    v.optBoolean(o, 'deleted', at);
    v.optBoolean(o, 'iamAdmin', at);
    if (o.iamPolicy !== undefined) {
      const refusal = policyProblem(o.iamPolicy);
      if (refusal) problems.push(`${at}.iamPolicy: ${refusal}`);
    }
  });

  const local = v.object(root.local, 'local');
  if (local) {
    const profiles = v.object(local.profiles ?? {}, 'local.profiles');
    for (const [profile, principal] of Object.entries(profiles ?? {})) {
      if (typeof principal !== 'string' || !principalNames.has(principal)) {
        problems.push(`local.profiles.${profile}: "${String(principal)}" is not a principal name`);
      }
    }
    const env = local.env === undefined ? {} : v.object(local.env, 'local.env');
    for (const [k, val] of Object.entries(env ?? {})) {
      if (typeof val !== 'string') problems.push(`local.env.${k}: must be a string`);
    }
  }

  const kc = v.object(root.kubeconfig ?? {}, 'kubeconfig');
  if (kc) {
    for (const f of ['apiVersion', 'command', 'clusterName', 'region', 'roleArn', 'profile', 'server', 'staticToken', 'namespace', 'pluginReturns']) v.optString(kc, f, 'kubeconfig');
    v.optStringArray(kc, 'args', 'kubeconfig');
    v.optBoolean(kc, 'caFromOtherCluster', 'kubeconfig');
    if (kc.staticToken === 'expired' && !principalNames.has(defaultProfilePrincipal(root) ?? '')) problems.push('kubeconfig.staticToken: "expired" needs a principal for the shell\'s profile');
  }

  const cluster = v.object(root.cluster, 'cluster');
  if (cluster) {
    v.string(cluster, 'name', 'cluster');
    v.optString(cluster, 'id', 'cluster');
    const status = v.optString(cluster, 'status', 'cluster');
    if (status !== undefined && !STATUSES.includes(status)) problems.push(`cluster.status: one of ${STATUSES.join(', ')}`);
    v.optString(cluster, 'version', 'cluster');
    const mode = v.optString(cluster, 'authenticationMode', 'cluster');
    if (mode !== undefined && !MODES.includes(mode)) problems.push(`cluster.authenticationMode: one of ${MODES.join(', ')}`);
    v.optBoolean(cluster, 'bootstrapClusterCreatorAdminPermissions', 'cluster');
    const creator = v.optString(cluster, 'creator', 'cluster');
    if (creator !== undefined && !principalNames.has(creator)) problems.push(`cluster.creator: "${creator}" is not a principal name`);
    v.optBoolean(cluster, 'logGroupMissing', 'cluster');
    v.optBoolean(cluster, 'endpointPublicAccess', 'cluster');
    v.optBoolean(cluster, 'endpointPrivateAccess', 'cluster');
    v.optStringArray(cluster, 'publicAccessCidrs', 'cluster');
    for (const t of v.optStringArray(cluster, 'logging', 'cluster') ?? []) {
      if (!LOG_TYPES.includes(t)) problems.push(`cluster.logging: "${t}" is not one of ${LOG_TYPES.join(', ')}`);
    }
    v.optNonNegative(cluster, 'createdDaysAgo', 'cluster');
    if (cluster.logRetentionDays !== undefined && !RETENTION_DAYS.includes(cluster.logRetentionDays as number)) {
      problems.push(`cluster.logRetentionDays: one of CloudWatch Logs' retention values (${RETENTION_DAYS.join(', ')})`);
    }
  }

  if (root.awsAuth !== undefined) {
    const data = v.object(root.awsAuth, 'awsAuth');
    for (const [k, val] of Object.entries(data ?? {})) {
      if (typeof val !== 'string') problems.push(`awsAuth.${k}: ConfigMap data values are strings (use a YAML block scalar "|")`);
    }
  }

  (root.accessEntries === undefined ? [] : v.array(root, 'accessEntries')).forEach((e, i) => {
    const at = `accessEntries[${i}]`;
    const o = v.object(e, at);
    if (!o) return;
    v.string(o, 'principalArn', at);
    v.optString(o, 'type', at);
    v.optString(o, 'username', at);
    v.optStringArray(o, 'kubernetesGroups', at);
    v.optNonNegative(o, 'createdDaysAgo', at);
    (o.policies === undefined ? [] : v.array(o, 'policies', at)).forEach((p, j) => {
      const pat = `${at}.policies[${j}]`;
      const po = v.object(p, pat);
      if (!po) return;
      const arn = v.string(po, 'policyArn', pat);
      if (arn !== undefined && !arn.startsWith('arn:aws:eks::aws:cluster-access-policy/')) problems.push(`${pat}.policyArn: not an EKS access policy ARN`);
      const scope = v.object(po.accessScope, `${pat}.accessScope`);
      if (scope && scope.type !== 'cluster' && scope.type !== 'namespace') problems.push(`${pat}.accessScope.type: cluster or namespace`);
    });
  });

  if (root.rbac !== undefined) {
    v.array(root, 'rbac').forEach((r, i) => {
      const o = v.object(r, `rbac[${i}]`);
      if (o && !['Role', 'ClusterRole', 'RoleBinding', 'ClusterRoleBinding'].includes(String(o.kind))) {
        problems.push(`rbac[${i}].kind: Role, ClusterRole, RoleBinding or ClusterRoleBinding`);
      }
    });
  }
  const nm = v.optString(root, 'notMappedMessage');
  if (nm !== undefined && !NOT_MAPPED.includes(nm)) problems.push(`notMappedMessage: one of ${NOT_MAPPED.join(' | ')}`);

  if (root.logs !== undefined) {
    v.array(root, 'logs').forEach((l, i) => {
      const o = v.object(l, `logs[${i}]`);
      if (!o) return;
      if (typeof o.minutesAgo !== 'number' || o.minutesAgo < 0) problems.push(`logs[${i}].minutesAgo: a non-negative number`);
      v.string(o, 'message', `logs[${i}]`);
    });
  }
  if (root.faults !== undefined) {
    v.array(root, 'faults').forEach((f, i) => {
      const o = v.object(f, `faults[${i}]`);
      if (!o) return;
      if (!FAULT_SERVICES.includes(String(o.service))) problems.push(`faults[${i}].service: one of ${FAULT_SERVICES.join(', ')}`);
      if (!FAULT_KINDS.includes(String(o.kind))) problems.push(`faults[${i}].kind: one of ${FAULT_KINDS.join(', ')}`);
      v.optString(o, 'operation', `faults[${i}]`);
      for (const n of ['ms', 'count']) {
        if (o[n] !== undefined && (typeof o[n] !== 'number' || (o[n] as number) < 0)) problems.push(`faults[${i}].${n}: a non-negative number`);
      }
    });
  }
  for (const action of v.optStringArray(root, 'deny') ?? []) {
    if (!/^(eks|logs|sts|cloudtrail|iam):[A-Za-z]+$/.test(action)) problems.push(`deny: "${action}" is not an IAM action like logs:StartQuery`);
  }
  if (root.history !== undefined) validateHistory(v, problems, root.history, principalNames);

  if (root.run !== undefined) {
    const run = v.object(root.run, 'run');
    if (run) {
      const profile = v.optString(run, 'profile', 'run');
      v.optString(run, 'principal', 'run');
      const profiles = (v.object((root.local as Record<string, unknown> | undefined)?.profiles, 'local.profiles') ?? {}) as Record<string, unknown>;
      if (profile !== undefined && !(profile in profiles)) problems.push(`run.profile: "${profile}" is not one of local.profiles`);
    }
  }

  if (root.fixProof !== undefined) {
    const fp = v.object(root.fixProof, 'fixProof');
    const skip = fp && v.optString(fp, 'skip', 'fixProof');
    if (fp && (typeof skip !== 'string' || skip.trim().length < 10)) problems.push('fixProof.skip: why the fix cannot be proven here (a sentence)');
  }

  const expect = v.object(root.expect, 'expect');
  if (expect) {
    if (typeof expect.exitCode !== 'number' || ![0, 1, 2, 3].includes(expect.exitCode)) problems.push('expect.exitCode: 0, 1, 2 or 3');
    for (const id of [...(v.optStringArray(expect, 'rootCauses', 'expect') ?? []), ...(v.optStringArray(expect, 'findings', 'expect') ?? [])]) {
      if (!RULE_ID.test(id)) problems.push(`expect: "${id}" is not a rule ID (area/slug)`);
    }
    if (!Array.isArray(expect.rootCauses)) problems.push('expect.rootCauses: required (may be empty)');
    const principalArn = v.optString(expect, 'principalArn', 'expect');
    if (principalArn !== undefined && !IAM_ARN.test(principalArn)) problems.push(`expect.principalArn: "${principalArn}" is not an IAM user or role ARN`);
    v.string(expect, 'kubectl', 'expect');
  }

  if (problems.length > 0) throw new ScenarioError(`${source}: invalid scenario:\n  - ${problems.join('\n  - ')}`);
  const scenario = root as unknown as Scenario;
  return { ...scenario, name, kubeconfig: scenario.kubeconfig ?? {}, local: { ...scenario.local, profiles: scenario.local.profiles ?? {} } };
}

/** `history.cloudtrail` and `history.awsAuth`: each entry names a principal (`by`) and one time. */
function validateHistory(v: Validator, problems: string[], history: unknown, principals: Set<string>): void {
  const h = v.object(history, 'history');
  if (!h) return;
  const common = (o: Record<string, unknown>, at: string) => {
    const by = v.string(o, 'by', at);
    if (by !== undefined && !principals.has(by)) problems.push(`${at}.by: "${by}" is not a principal name`);
    const given = ['minutesAgo', 'daysAgo'].filter((k) => o[k] !== undefined);
    if (given.length !== 1) problems.push(`${at}: exactly one of minutesAgo or daysAgo`);
    for (const k of given) v.optNonNegative(o, k, at);
  };
  (h.cloudtrail === undefined ? [] : v.array(h, 'cloudtrail', 'history')).forEach((e, i) => {
    const at = `history.cloudtrail[${i}]`;
    const o = v.object(e, at);
    if (!o) return;
    const name = v.string(o, 'eventName', at);
    if (name !== undefined && !/^[A-Z][A-Za-z0-9]+$/.test(name)) problems.push(`${at}.eventName: an API operation name like DeleteAccessEntry`);
    common(o, at);
    const source = v.optString(o, 'eventSource', at);
    if (source !== undefined && !/^[a-z0-9-]+\.amazonaws\.com$/.test(source)) problems.push(`${at}.eventSource: like eks.amazonaws.com`);
    if (o.requestParameters !== undefined) v.object(o.requestParameters, `${at}.requestParameters`);
    if (o.responseElements !== undefined && o.responseElements !== null) v.object(o.responseElements, `${at}.responseElements`);
  });
  (h.awsAuth === undefined ? [] : v.array(h, 'awsAuth', 'history')).forEach((e, i) => {
    const at = `history.awsAuth[${i}]`;
    const o = v.object(e, at);
    if (!o) return;
    if (!AWS_AUTH_VERBS.includes(String(o.verb))) problems.push(`${at}.verb: one of ${AWS_AUTH_VERBS.join(', ')}`);
    common(o, at);
    if (o.data !== undefined) {
      for (const [k, val] of Object.entries(v.object(o.data, `${at}.data`) ?? {})) {
        if (typeof val !== 'string') problems.push(`${at}.data.${k}: ConfigMap data values are strings`);
      }
    }
  });
}

/** The principal name behind the shell's profile (local.env.AWS_PROFILE, else `default`). */
export function defaultProfilePrincipal(root: Record<string, unknown>): string | undefined {
  const local = root.local as { profiles?: Record<string, unknown>; env?: Record<string, unknown> } | undefined;
  const profile = typeof local?.env?.AWS_PROFILE === 'string' ? local.env.AWS_PROFILE : 'default';
  const principal = local?.profiles?.[profile];
  return typeof principal === 'string' ? principal : undefined;
}

/** Collects problems instead of throwing, so one run reports every mistake in a file. */
class Validator {
  constructor(private readonly problems: string[]) {}

  private at(parent: string, key: string): string {
    return parent ? `${parent}.${key}` : key;
  }

  object(v: unknown, at: string): Record<string, unknown> | undefined {
    if (typeof v === 'object' && v !== null && !Array.isArray(v)) return v as Record<string, unknown>;
    this.problems.push(`${at || 'document'}: must be a mapping`);
    return undefined;
  }

  array(o: Record<string, unknown>, key: string, parent = ''): unknown[] {
    const v = o[key];
    if (Array.isArray(v)) return v;
    this.problems.push(`${this.at(parent, key)}: must be a list`);
    return [];
  }

  string(o: Record<string, unknown>, key: string, parent = ''): string | undefined {
    const v = o[key];
    if (typeof v === 'string' && v !== '') return v;
    this.problems.push(`${this.at(parent, key)}: required string`);
    return undefined;
  }

  optString(o: Record<string, unknown>, key: string, parent = ''): string | undefined {
    const v = o[key];
    if (v === undefined) return undefined;
    if (typeof v === 'string') return v;
    this.problems.push(`${this.at(parent, key)}: must be a string`);
    return undefined;
  }

  optBoolean(o: Record<string, unknown>, key: string, parent = ''): void {
    if (o[key] !== undefined && typeof o[key] !== 'boolean') this.problems.push(`${this.at(parent, key)}: must be true or false`);
  }

  optNonNegative(o: Record<string, unknown>, key: string, parent = ''): void {
    const val = o[key];
    if (val !== undefined && (typeof val !== 'number' || !Number.isFinite(val) || val < 0)) this.problems.push(`${this.at(parent, key)}: a non-negative number`);
  }

  optStringArray(o: Record<string, unknown>, key: string, parent = ''): string[] | undefined {
    const v = o[key];
    if (v === undefined) return undefined;
    if (Array.isArray(v) && v.every((x) => typeof x === 'string')) return v as string[];
    this.problems.push(`${this.at(parent, key)}: must be a list of strings`);
    return undefined;
  }
}
