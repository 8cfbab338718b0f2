/**
 * The official JavaScript client, @kubernetes/client-node, against the emulator's Kubernetes API (SPEC
 * §8: real clients must accept it), beside kubectl.test.ts. Its KubeConfig is loaded from the kubeconfig
 * a scenario's user has — the emulator's CA and the exec plugin bin/eksdoctor-aws, which client-node runs
 * itself — and its generated API clients must decode every answer: the aws-auth ConfigMap,
 * SelfSubjectReview, SelfSubjectAccessReview, RBAC binding lists, and the 401/403 Status bodies.
 *
 * eksdoctor itself does not use client-node at run time (README: Dependencies); its Kubernetes client
 * reads the same shapes, typed by client-node's models (src/facts/kube-api.ts, type-only imports).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import https from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as esbuild from 'esbuild';
import {
  ApiException, AuthenticationV1Api, AuthorizationV1Api, CoreV1Api, KubeConfig, RbacAuthorizationV1Api, V1SelfSubjectAccessReview, V1SelfSubjectReview,
  type V1Status,
} from '@kubernetes/client-node';
import { ObjectSerializer } from '@kubernetes/client-node/dist/gen/models/ObjectSerializer.js';
import yaml from 'js-yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BUILTIN_GET_TOKEN } from '../../packages/eks-emulator/src/home.js';
import { loadKubeconfig } from '../../src/facts/kubeconfig.js';
import { ROOT } from '../helpers/cli.js';
import { startScenario, type ScenarioRun } from '../helpers/emulator.js';

/**
 * client-node runs the exec plugin with this process's environment (plus the kubeconfig's `env`): for
 * the length of a test, it is the scenario user's (their HOME, AWS config and endpoints, no AWS_* of ours).
 */
function asScenarioUser(run: ScenarioRun): () => void {
  const saved = { ...process.env };
  for (const k of Object.keys(process.env)) if (k.startsWith('AWS_') || k === 'KUBECONFIG') delete process.env[k];
  Object.assign(process.env, run.env);
  return () => {
    for (const k of Object.keys(process.env)) delete process.env[k];
    Object.assign(process.env, saved);
  };
}

function kubeConfigOf(run: ScenarioRun): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromFile(run.kubeconfigPath);
  return kc;
}

async function rejection(p: Promise<unknown>): Promise<ApiException<unknown>> {
  try {
    await p;
  } catch (err) {
    if (err instanceof ApiException) return err;
    throw err;
  }
  throw new Error('expected the call to be rejected');
}

/** A Status body decoded by client-node's own deserializer (the one its API clients use for every model). */
const decodeStatus = (json: string): V1Status => ObjectSerializer.deserialize(JSON.parse(json), 'V1Status', '') as V1Status;

/**
 * client-node's generated clients drop the body of a 401 (`ApiException(401, "Unauthorized", undefined)`),
 * so the 401 body is fetched with the client's own authentication (its exec plugin run, its CA) instead.
 */
async function rawGet(kc: KubeConfig, path: string): Promise<{ status: number; body: string }> {
  const opts: https.RequestOptions = {};
  await kc.applyToHTTPSOptions(opts);
  return new Promise((done, fail) => {
    https.get(new URL(path, kc.getCurrentCluster()!.server), opts, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d) => (body += d));
      res.on('end', () => done({ status: res.statusCode ?? 0, body }));
    }).on('error', fail);
  });
}

describe('@kubernetes/client-node against the emulator: a mapped admin (healthy-config-map)', () => {
  let run: ScenarioRun;
  let kc: KubeConfig;
  let restore: () => void;
  beforeAll(async () => {
    run = await startScenario('healthy-config-map');
    restore = asScenarioUser(run);
    kc = kubeConfigOf(run);
  });
  afterAll(async () => {
    restore?.();
    await run?.close();
  });

  it('loads the kubeconfig the emulator writes, with bin/eksdoctor-aws as the exec plugin and the emulator as the server', () => {
    const user = kc.getCurrentUser();
    expect(user?.exec?.command).toBe(BUILTIN_GET_TOKEN);
    expect(kc.getCurrentCluster()?.server).toBe(run.kubeUrl);
    const doc = yaml.load(readFileSync(run.kubeconfigPath, 'utf8')) as { 'current-context': string };
    expect(kc.getCurrentContext()).toBe(doc['current-context']);
  });

  it('CoreV1Api reads configmaps/aws-auth into a V1ConfigMap', async () => {
    const cm = await kc.makeApiClient(CoreV1Api).readNamespacedConfigMap({ name: 'aws-auth', namespace: 'kube-system' });
    expect(cm.metadata?.name).toBe('aws-auth');
    expect(cm.metadata?.namespace).toBe('kube-system');
    expect(typeof cm.metadata?.resourceVersion).toBe('string');
    expect(cm.data?.mapRoles).toContain('system:masters');
    // The model's Date fields are decoded from the RFC 3339 strings on the wire.
    if (cm.metadata?.creationTimestamp !== undefined) expect(cm.metadata.creationTimestamp).toBeInstanceOf(Date);
  });

  it('AuthenticationV1Api.createSelfSubjectReview: who the API server thinks we are', async () => {
    const body: V1SelfSubjectReview = { apiVersion: 'authentication.k8s.io/v1', kind: 'SelfSubjectReview' };
    const review = await kc.makeApiClient(AuthenticationV1Api).createSelfSubjectReview({ body });
    expect(review.kind).toBe('SelfSubjectReview');
    const user = review.status?.userInfo;
    expect(user?.username).toBeTruthy();
    expect(user?.groups).toContain('system:masters');
    expect(user?.groups).toContain('system:authenticated');
    // EKS's extra: the session ARN and the canonical (role) ARN.
    expect(Object.keys(user?.extra ?? {})).toEqual(expect.arrayContaining(['arn', 'canonicalArn']));
  });

  it('AuthorizationV1Api.createSelfSubjectAccessReview: allowed, for an admin', async () => {
    const body: V1SelfSubjectAccessReview = {
      apiVersion: 'authorization.k8s.io/v1', kind: 'SelfSubjectAccessReview',
      spec: { resourceAttributes: { verb: 'list', resource: 'pods', namespace: 'default' } },
    };
    const review = await kc.makeApiClient(AuthorizationV1Api).createSelfSubjectAccessReview({ body });
    expect(review.kind).toBe('SelfSubjectAccessReview');
    expect(review.status?.allowed).toBe(true);
    expect(review.spec.resourceAttributes?.resource).toBe('pods');
  });

  it('RbacAuthorizationV1Api lists ClusterRoleBindings and RoleBindings', async () => {
    const rbac = kc.makeApiClient(RbacAuthorizationV1Api);
    const [cluster, namespaced] = await Promise.all([rbac.listClusterRoleBinding(), rbac.listRoleBindingForAllNamespaces()]);
    expect(cluster.kind).toBe('ClusterRoleBindingList');
    expect(namespaced.kind).toBe('RoleBindingList');
    expect(cluster.items.length).toBeGreaterThan(0);
    for (const b of [...cluster.items, ...namespaced.items]) {
      expect(typeof b.metadata?.name).toBe('string');
      expect(b.roleRef.apiGroup).toBe('rbac.authorization.k8s.io');
      expect(['ClusterRole', 'Role']).toContain(b.roleRef.kind);
      for (const s of b.subjects ?? []) expect(['User', 'Group', 'ServiceAccount']).toContain(s.kind);
    }
    for (const b of namespaced.items) expect(typeof b.metadata?.namespace).toBe('string');
    // The JSON `continue` of a list's metadata is the model's `_continue` (none here: one page).
    expect(cluster.metadata?._continue ?? '').toBe('');
  });
});

describe('@kubernetes/client-node against the emulator: the 401 and 403 Status bodies', () => {
  it('classic (unmapped role): 401 with an Unauthorized Status', async () => {
    const run = await startScenario('classic');
    const restore = asScenarioUser(run);
    try {
      const kc = kubeConfigOf(run);
      const e = await rejection(kc.makeApiClient(CoreV1Api).readNamespacedConfigMap({ name: 'aws-auth', namespace: 'kube-system' }));
      expect(e.code).toBe(401);
      expect(e.message).toMatch(/^HTTP-Code: 401\nMessage: Unauthorized/);
      const raw = await rawGet(kc, '/api/v1/namespaces/kube-system/configmaps/aws-auth');
      expect(raw.status).toBe(401);
      expect(decodeStatus(raw.body)).toMatchObject({ kind: 'Status', apiVersion: 'v1', status: 'Failure', reason: 'Unauthorized', code: 401 });
    } finally {
      restore();
      await run.close();
    }
  });

  it('map-accounts-only (authenticated, bound to nothing): 403 with a Forbidden Status naming the resource', async () => {
    const run = await startScenario('map-accounts-only');
    const restore = asScenarioUser(run);
    try {
      const kc = kubeConfigOf(run);
      const e = await rejection(kc.makeApiClient(CoreV1Api).readNamespacedConfigMap({ name: 'aws-auth', namespace: 'kube-system' }));
      expect(e.code).toBe(403);
      // An undocumented status code: the client hands over the body as it came.
      const status = decodeStatus(typeof e.body === 'string' ? e.body : JSON.stringify(e.body));
      expect(status).toMatchObject({ kind: 'Status', status: 'Failure', reason: 'Forbidden', code: 403 });
      expect(status.message).toMatch(/configmaps "aws-auth" is forbidden: User ".*" cannot get resource "configmaps" in API group "" in the namespace "kube-system"/);
      expect(status.details).toMatchObject({ name: 'aws-auth', kind: 'configmaps' });
      // The reviews themselves are always allowed, and say no.
      const review = await kc.makeApiClient(AuthorizationV1Api).createSelfSubjectAccessReview({
        body: { apiVersion: 'authorization.k8s.io/v1', kind: 'SelfSubjectAccessReview', spec: { resourceAttributes: { verb: 'get', resource: 'configmaps', namespace: 'kube-system' } } },
      });
      expect(review.status?.allowed).toBe(false);
    } finally {
      restore();
      await run.close();
    }
  });
});

describe('no runtime cost: the product bundle holds nothing of client-node', () => {
  // esbuild's path comments (`// node_modules/@kubernetes/client-node/dist/…`) and client-node's own class names.
  const MARKERS = /@kubernetes\/client-node|\bObjectSerializer\b|\bCoreV1Api\b|\bclass KubeConfig\b/;
  const bundle = (contents: string) =>
    esbuild.build({ stdin: { contents, resolveDir: ROOT, loader: 'ts' }, bundle: true, write: false, platform: 'node', format: 'esm', logLevel: 'silent' }).then((r) => r.outputFiles[0]!.text);

  it('the markers find client-node when it is bundled, and a type-only import leaves none', async () => {
    expect(await bundle("import { CoreV1Api } from '@kubernetes/client-node'; console.log(CoreV1Api);")).toMatch(MARKERS);
    expect(await bundle("import type { V1ConfigMap } from '@kubernetes/client-node'; const c: V1ConfigMap = {}; console.log(c);")).not.toMatch(MARKERS);
  }, 60_000);

  it('dist/*.mjs (built by npm test) contain none of them', () => {
    const files = readdirSync(join(ROOT, 'dist')).filter((f) => f.endsWith('.mjs'));
    expect(files.length).toBeGreaterThan(1);
    for (const f of files) expect(readFileSync(join(ROOT, 'dist', f), 'utf8'), f).not.toMatch(MARKERS);
  });

  it("src/ imports client-node only as types (the Kubernetes client's wire shapes)", () => {
    const sources = (readdirSync(join(ROOT, 'src'), { recursive: true }) as string[]).filter((f) => f.endsWith('.ts'));
    const users = sources.filter((f) => readFileSync(join(ROOT, 'src', f), 'utf8').includes('@kubernetes/client-node'));
    expect(users).toContain(join('facts', 'kube-api.ts'));
    for (const f of users) {
      const text = readFileSync(join(ROOT, 'src', f), 'utf8');
      expect(text, f).not.toMatch(/^import (?!type )[^;]*'@kubernetes\/client-node[^']*'/m);
      expect(text, f).not.toMatch(/(import|require)\(\s*['"]@kubernetes\/client-node/);
      expect(text, f).not.toMatch(/^export (?!type )[^;]*'@kubernetes\/client-node/m);
    }
  });
});

const HAS_KUBECTL = spawnSync('kubectl', ['version', '--client'], { stdio: 'ignore' }).status === 0;

describe("why eksdoctor loads kubeconfigs itself: client-node's merge of $KUBECONFIG is not kubectl's", () => {
  const dir = mkdtempSync(join(tmpdir(), 'eksdoctor-client-node-kubeconfig-'));
  const file = (name: string, context: string, cluster: string) => {
    const path = join(dir, name);
    writeFileSync(path, `apiVersion: v1\nkind: Config\ncurrent-context: ${context}\nclusters: [{name: ${cluster}, cluster: {server: "https://${cluster}"}}]\nusers: [{name: u-${context}, user: {token: t}}]\ncontexts: [{name: ${context}, context: {cluster: ${cluster}, user: u-${context}}}]\n`);
    return path;
  };
  const a = file('a.yaml', 'a', 'ca');
  const b = file('b.yaml', 'b', 'cb');
  const again = file('a-again.yaml', 'a', 'ca');
  const clientNode = (kubeconfig: string): string => {
    const saved = process.env.KUBECONFIG;
    process.env.KUBECONFIG = kubeconfig;
    try {
      const kc = new KubeConfig();
      kc.loadFromDefault();
      return kc.getCurrentContext();
    } catch (err) {
      return `throws: ${(err as Error).message.split('\n')[0]}`;
    } finally {
      // Assigning undefined would leave the string "undefined" for the files after this one in the worker.
      if (saved === undefined) delete process.env.KUBECONFIG;
      else process.env.KUBECONFIG = saved;
    }
  };
  const ours = async (kubeconfig: string) => {
    const kc = await loadKubeconfig(undefined, { KUBECONFIG: kubeconfig });
    return kc.problems.length > 0 ? `problems: ${kc.problems.map((p) => p.kind).join(',')}` : kc.currentContext;
  };

  it.each([
    ['the first current-context wins (client-node: the last)', `${a}:${b}`, 'a', 'b'],
    ['a name defined again in a later file: the first wins (client-node throws)', `${a}:${again}`, 'a', 'throws: Duplicate cluster: ca'],
    ['a missing file is skipped (client-node throws)', `${a}:${join(dir, 'missing.yaml')}`, 'a', expect.stringMatching(/^throws: ENOENT/)],
  ])('%s', async (_, kubeconfig, kubectl, client) => {
    expect(await ours(kubeconfig)).toBe(kubectl);
    expect(clientNode(kubeconfig)).toEqual(client);
    if (HAS_KUBECTL) expect(execFileSync('kubectl', ['config', 'current-context'], { env: { PATH: process.env.PATH, HOME: dir, KUBECONFIG: kubeconfig }, encoding: 'utf8' }).trim()).toBe(kubectl);
  });
});
