import { homedir } from 'node:os';
import { delimiter, dirname, join, resolve } from 'node:path';
import { isRecord } from '../shared/records.js';
import { registerSecret, registerSecretEnv } from '../shared/redact.js';
import { lineOf, readYamlFile, type YamlRead } from './yaml-file.js';

export interface ExecEnvVar { name: string; value: string }

export interface ExecConfig {
  apiVersion?: string;
  command: string;
  args: string[];
  env: ExecEnvVar[];
  interactiveMode?: string;
  provideClusterInfo?: boolean;
}

export interface KubeCluster {
  name: string;
  file: string;
  server?: string;
  /** Base64 PEM as written by `aws eks update-kubeconfig`. */
  caData?: string;
  /** `certificate-authority`, resolved against the kubeconfig's directory as client-go does (ResolvePaths). */
  caFile?: string;
  insecureSkipTlsVerify?: boolean;
  /** `tls-server-name`: the name the server certificate is verified against (and sent as SNI). */
  tlsServerName?: string;
  /** `proxy-url`: client-go sends every request through this proxy instead of the environment's. */
  proxyUrl?: string;
}

/**
 * A kubeconfig user. Secret values (token, client key, password) are kept so the credential can be
 * used as kubectl uses it; they are registered for redaction when read and never become evidence.
 */
export interface KubeUser {
  name: string;
  file: string;
  exec?: ExecConfig;
  token?: string;
  /** `tokenFile`, resolved against the kubeconfig's directory. */
  tokenFile?: string;
  clientCertificateData?: string;
  clientKeyData?: string;
  /** `client-certificate` / `client-key` files, resolved against the kubeconfig's directory. */
  clientCertificateFile?: string;
  clientKeyFile?: string;
  authProvider?: string;
  hasBasicAuth: boolean;
}

export interface KubeContext {
  name: string;
  file: string;
  cluster: string;
  user: string;
  namespace?: string;
}

export interface Kubeconfig {
  /** Files kubectl would read, in order. */
  paths: string[];
  /** Files that existed and parsed. */
  loaded: string[];
  /** Text of each loaded file, to point findings at their line. */
  texts: Map<string, string>;
  currentContext?: string;
  clusters: Map<string, KubeCluster>;
  contexts: Map<string, KubeContext>;
  users: Map<string, KubeUser>;
  /** What kubectl would refuse or not find while loading. */
  problems: KubeconfigProblem[];
}

export type KubeconfigSource = '--kubeconfig' | 'KUBECONFIG' | 'default';

export type KubeconfigProblem =
  | { kind: 'not-found'; paths: string[]; source: KubeconfigSource }
  | { kind: 'invalid'; file: string; message: string; line?: number; column?: number };

/** The files kubectl reads: `--kubeconfig`, else every entry of `$KUBECONFIG`, else `~/.kube/config`. */
export function kubeconfigPaths(option: string | undefined, env: NodeJS.ProcessEnv): { paths: string[]; explicit: boolean } {
  if (option) return { paths: [option === '-' ? '-' : resolve(option)], explicit: true };
  const list = (env.KUBECONFIG ?? '').split(delimiter).filter((p) => p.trim() !== '');
  if (list.length > 0) return { paths: [...new Set(list.map((p) => resolve(p)))], explicit: false };
  return { paths: [join(env.HOME || homedir(), '.kube', 'config')], explicit: false };
}

/**
 * Loads and merges kubeconfig files as kubectl does (client-go clientcmd loader): the first file to
 * set `current-context` wins, and for clusters, contexts and users the first file to define a name wins.
 * Missing files in `$KUBECONFIG` are skipped silently, as kubectl skips them.
 */
export async function loadKubeconfig(option: string | undefined, env: NodeJS.ProcessEnv): Promise<Kubeconfig> {
  const { paths, explicit } = kubeconfigPaths(option, env);
  return mergeKubeconfigs(paths, await Promise.all(paths.map((p) => readYamlFile(p))), explicit, env);
}

/** Merges files already read (`lint` reads each file once to tell a kubeconfig from an aws-auth manifest). */
export function mergeKubeconfigs(paths: string[], reads: YamlRead[], explicit: boolean, env: NodeJS.ProcessEnv = {}): Kubeconfig {
  const kc: Kubeconfig = { paths, loaded: [], texts: new Map(), clusters: new Map(), contexts: new Map(), users: new Map(), problems: [] };
  paths.forEach((file, i) => mergeFile(kc, file, reads[i]!, explicit));
  if (kc.loaded.length === 0 && !kc.problems.some((p) => p.kind === 'invalid')) {
    kc.problems.unshift({ kind: 'not-found', paths, source: explicit ? '--kubeconfig' : env.KUBECONFIG ? 'KUBECONFIG' : 'default' });
  }
  return kc;
}

function mergeFile(kc: Kubeconfig, file: string, read: YamlRead, explicit: boolean): void {
  if (!read.ok) {
    if (read.kind === 'not-found' && !explicit) return;
    if (read.kind === 'not-found') return; // reported once as kubeconfig/not-found by the caller
    kc.problems.push(invalid(file, read.message, read.line, read.column));
    return;
  }
  const doc = read.docs[0];
  kc.texts.set(file, read.text);
  if (read.docs.length === 0 || doc === undefined) {
    kc.loaded.push(file); // kubectl accepts an empty file as an empty config
    return;
  }
  if (!isRecord(doc)) {
    kc.problems.push(invalid(file, 'the top level is not a mapping (expected apiVersion, clusters, contexts, users)', 1));
    return;
  }
  // client-go (clientcmd/api/v1 conversion.go) refuses a file whose list repeats a name: `duplicate name "x" in list`,
  // and kubectl then fails to load the whole configuration. Its message quotes the list; ours does not (it holds secrets).
  const duplicate = duplicateName(doc);
  if (duplicate) {
    kc.problems.push(invalid(file, `duplicate name "${duplicate.name}" in ${duplicate.list}: kubectl refuses to load this file`, lineOf(read.text, new RegExp(`^${duplicate.list}:`))));
    return;
  }
  kc.loaded.push(file);
  const cur = doc['current-context'];
  if (typeof cur === 'string' && cur !== '' && kc.currentContext === undefined) kc.currentContext = cur;
  // client-go refuses a kubeconfig whose fields have the wrong type; say which one (SPEC §7).
  if (cur !== undefined && cur !== null && typeof cur !== 'string') kc.problems.push(invalid(file, `"current-context" must be a string, not ${kindOf(cur)}`, lineOf(read.text, /^current-context:/)));
  // A hostile file can hold thousands of bad entries; past this many, more findings help nobody and locating each one is quadratic.
  let count = 0;
  const problem: Problem = (message, at) => {
    if (++count <= MAX_PROBLEMS_PER_FILE) kc.problems.push(invalid(file, message, at ? locate(read.text, at) : undefined));
    else if (count === MAX_PROBLEMS_PER_FILE + 1) kc.problems.push(invalid(file, `more than ${MAX_PROBLEMS_PER_FILE} problems; only the first ${MAX_PROBLEMS_PER_FILE} are listed`));
  };

  for (const [key, inner, add] of [
    ['clusters', 'cluster', (name: string, body: Record<string, unknown>) => kc.clusters.has(name) || kc.clusters.set(name, toCluster(name, file, body, problem))],
    ['contexts', 'context', (name: string, body: Record<string, unknown>) => kc.contexts.has(name) || kc.contexts.set(name, toContext(name, file, body, problem))],
    ['users', 'user', (name: string, body: Record<string, unknown>) => kc.users.has(name) || kc.users.set(name, toUser(name, file, body, problem))],
  ] as const) {
    const list = doc[key];
    if (list === undefined || list === null) continue;
    if (!Array.isArray(list)) {
      problem(`"${key}" must be a list`, { section: key });
      continue;
    }
    list.forEach((item, i) => {
      if (!isRecord(item) || typeof item.name !== 'string' || item.name === '') {
        problem(`${key}[${i}] has no name`, { section: key });
        return;
      }
      const body = item[inner];
      if (!isRecord(body)) {
        problem(`${key}[${i}] (${item.name}) has no "${inner}" mapping`, { section: key, name: item.name });
        return;
      }
      add(item.name, body);
    });
  }
}

const MAX_PROBLEMS_PER_FILE = 100;

function duplicateName(doc: Record<string, unknown>): { list: string; name: string } | undefined {
  for (const list of ['clusters', 'contexts', 'users']) {
    const items = doc[list];
    if (!Array.isArray(items)) continue;
    const seen = new Set<string>();
    for (const item of items) {
      const name = isRecord(item) && typeof item.name === 'string' ? item.name : undefined;
      if (name === undefined) continue;
      if (seen.has(name)) return { list, name };
      seen.add(name);
    }
  }
  return undefined;
}

/** Where a problem is: the section, the entry's name, and the key inside it. */
interface Place {
  section: 'clusters' | 'contexts' | 'users';
  name?: string;
  key?: string;
}
type Problem = (message: string, at?: Place) => void;

function locate(text: string, at: Place): number | undefined {
  const patterns = [new RegExp(`^${at.section}:`)];
  if (at.name) patterns.push(new RegExp(`name:\\s*["']?${escapeRegExp(at.name)}["']?\\s*$`));
  if (at.key) patterns.push(new RegExp(`^\\s*(-\\s*)?${escapeRegExp(at.key)}:`));
  return lineOf(text, ...patterns) ?? lineOf(text, ...patterns.slice(0, -1));
}

function toCluster(name: string, file: string, b: Record<string, unknown>, problem: Problem): KubeCluster {
  const str = (key: string) => optString(b[key], `cluster "${name}": ${key}`, { section: 'clusters', name, key }, problem);
  return {
    name,
    file,
    server: str('server'),
    caData: str('certificate-authority-data'),
    caFile: relativeTo(file, str('certificate-authority')),
    insecureSkipTlsVerify: optBool(b['insecure-skip-tls-verify'], `cluster "${name}": insecure-skip-tls-verify`, { section: 'clusters', name, key: 'insecure-skip-tls-verify' }, problem),
    tlsServerName: str('tls-server-name') || undefined,
    proxyUrl: str('proxy-url') || undefined,
  };
}

/** client-go ResolvePaths: a relative path in a kubeconfig is relative to the file's directory, not the cwd. */
function relativeTo(kubeconfigFile: string, path: string | undefined): string | undefined {
  if (!path) return undefined;
  return kubeconfigFile === '-' ? resolve(path) : resolve(dirname(kubeconfigFile), path);
}

function toContext(name: string, file: string, b: Record<string, unknown>, problem: Problem): KubeContext {
  return {
    name,
    file,
    cluster: optString(b.cluster, `context "${name}": cluster`, { section: 'contexts', name, key: 'cluster' }, problem) ?? '',
    user: optString(b.user, `context "${name}": user`, { section: 'contexts', name, key: 'user' }, problem) ?? '',
    namespace: optString(b.namespace, `context "${name}": namespace`, { section: 'contexts', name, key: 'namespace' }, problem),
  };
}

function toUser(name: string, file: string, b: Record<string, unknown>, problem: Problem): KubeUser {
  const str = (key: string) => optString(b[key], `user "${name}": ${key}`, { section: 'users', name, key }, problem) || undefined;
  const token = str('token');
  const clientKeyData = str('client-key-data');
  for (const secret of [token, clientKeyData, typeof b.password === 'string' ? b.password : undefined]) registerSecret(secret);
  const user: KubeUser = {
    name,
    file,
    ...(token && { token }),
    ...(clientKeyData && { clientKeyData }),
    tokenFile: relativeTo(file, str('tokenFile')),
    clientCertificateData: str('client-certificate-data'),
    clientCertificateFile: relativeTo(file, str('client-certificate')),
    clientKeyFile: relativeTo(file, str('client-key')),
    authProvider: isRecord(b['auth-provider']) && typeof b['auth-provider'].name === 'string' ? b['auth-provider'].name : undefined,
    hasBasicAuth: typeof b.username === 'string' && typeof b.password === 'string',
  };
  if (b.exec !== undefined && b.exec !== null) {
    if (!isRecord(b.exec)) problem(`user "${name}": exec must be a mapping`, { section: 'users', name, key: 'exec' });
    else user.exec = toExec(name, b.exec, problem);
  }
  return user;
}

function toExec(user: string, e: Record<string, unknown>, problem: Problem): ExecConfig | undefined {
  const command = optString(e.command, `user "${user}": exec.command`, { section: 'users', name: user, key: 'command' }, problem);
  if (!command) {
    problem(`user "${user}": exec has no command`, { section: 'users', name: user, key: 'exec' });
    return undefined;
  }
  const args = e.args ?? [];
  if (!Array.isArray(args) || args.some((a) => typeof a !== 'string' && typeof a !== 'number')) {
    problem(`user "${user}": exec.args must be a list of strings`, { section: 'users', name: user, key: 'args' });
    return undefined;
  }
  const env: ExecEnvVar[] = [];
  if (e.env !== undefined && e.env !== null) {
    if (!Array.isArray(e.env)) problem(`user "${user}": exec.env must be a list of {name, value}`, { section: 'users', name: user, key: 'env' });
    else
      for (const v of e.env) {
        // A list or mapping value is not an env value (and String() of an aliased one is exponential: SPEC §7).
        if (isRecord(v) && typeof v.name === 'string' && (v.value === undefined || v.value === null || typeof v.value !== 'object')) env.push({ name: v.name, value: v.value === undefined || v.value === null ? '' : String(v.value) });
        else problem(`user "${user}": exec.env entries need a name and a value`, { section: 'users', name: user, key: 'env' });
      }
  }
  // An exec env may carry keys (AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN): they must never be printed.
  registerSecretEnv(Object.fromEntries(env.map((v) => [v.name, v.value])));
  return {
    apiVersion: optString(e.apiVersion, `user "${user}": exec.apiVersion`, { section: 'users', name: user, key: 'apiVersion' }, problem),
    command,
    args: args.map(String),
    env,
    interactiveMode: optString(e.interactiveMode, `user "${user}": exec.interactiveMode`, { section: 'users', name: user, key: 'interactiveMode' }, problem),
    provideClusterInfo: optBool(e.provideClusterInfo, `user "${user}": exec.provideClusterInfo`, { section: 'users', name: user, key: 'provideClusterInfo' }, problem),
  };
}

function optString(v: unknown, what: string, at: Place, problem: Problem): string | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'string') return v;
  problem(`${what} must be a string, not ${kindOf(v)}`, at);
  return undefined;
}

/** True only for `true`; any other non-boolean is a problem, as client-go refuses it. */
function optBool(v: unknown, what: string, at: Place, problem: Problem): boolean {
  if (v !== undefined && v !== null && typeof v !== 'boolean') problem(`${what} must be true or false, not ${kindOf(v)}`, at);
  return v === true;
}

function kindOf(v: unknown): string {
  return Array.isArray(v) ? 'a list' : typeof v;
}

function invalid(file: string, message: string, line?: number, column?: number): KubeconfigProblem {
  return { kind: 'invalid', file, message, ...(line !== undefined && { line }), ...(column !== undefined && { column }) };
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
