import { homedir } from 'node:os';
import { delimiter, join, resolve } from 'node:path';
import type { Finding } from '../engine/types.js';
import { isRecord, lineOf, readYamlFile, type YamlRead } from './yaml-file.js';

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
  caFile?: string;
  insecureSkipTlsVerify?: boolean;
}

export interface KubeUser {
  name: string;
  file: string;
  exec?: ExecConfig;
  /** A static bearer token is present (its value is never kept). */
  hasToken: boolean;
  tokenFile?: string;
  hasClientCertificate: boolean;
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
  /** `kubeconfig/not-found` and `kubeconfig/invalid` findings met while loading. */
  problems: Finding[];
}

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
  if (kc.loaded.length === 0 && !kc.problems.some((p) => p.rule === 'kubeconfig/invalid')) {
    kc.problems.unshift({ rule: 'kubeconfig/not-found', evidence: { paths, source: explicit ? '--kubeconfig' : env.KUBECONFIG ? 'KUBECONFIG' : 'default' } });
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
  const server = optString(b.server, `cluster "${name}": server`, { section: 'clusters', name, key: 'server' }, problem);
  return {
    name,
    file,
    server,
    caData: optString(b['certificate-authority-data'], `cluster "${name}": certificate-authority-data`, { section: 'clusters', name, key: 'certificate-authority-data' }, problem),
    caFile: optString(b['certificate-authority'], `cluster "${name}": certificate-authority`, { section: 'clusters', name, key: 'certificate-authority' }, problem),
    insecureSkipTlsVerify: optBool(b['insecure-skip-tls-verify'], `cluster "${name}": insecure-skip-tls-verify`, { section: 'clusters', name, key: 'insecure-skip-tls-verify' }, problem),
  };
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
  const user: KubeUser = {
    name,
    file,
    hasToken: (optString(b.token, `user "${name}": token`, { section: 'users', name, key: 'token' }, problem) ?? '') !== '',
    tokenFile: optString(b.tokenFile, `user "${name}": tokenFile`, { section: 'users', name, key: 'tokenFile' }, problem),
    hasClientCertificate: typeof b['client-certificate-data'] === 'string' || typeof b['client-certificate'] === 'string',
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

function invalid(file: string, message: string, line?: number, column?: number): Finding {
  return { rule: 'kubeconfig/invalid', evidence: { file, message, ...(line !== undefined && { line }), ...(column !== undefined && { column }) } };
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
