/**
 * Real kubectl against the emulator's API server (SPEC §8: real clients must accept it), with the
 * kubeconfig a user would have: the emulator's CA and an exec plugin running the real
 * `aws eks get-token` against the emulator's STS. Without the AWS CLI, a static token made by our
 * own presigner stands in for the plugin.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import yaml from 'js-yaml';
import { afterAll, describe, expect, it } from 'vitest';
import { presignEksToken } from '../../src/facts/eks-token-presign.js';
import { isolatedEnv, listScenarios, loadScenario, materializeHome, startEmulator, type RunningEmulator } from '../../packages/eks-emulator/src/index.js';
import { has } from './tools.js';
import { AWS_CLI_SYMPTOMS_IN_CONFORMANCE, awsCliSetup, kubectlArgsFor, kubectlFor } from '../helpers/kubectl.js';


const HAS_KUBECTL = has('kubectl', ['version', '--client']);
// EKSDOCTOR_TEST_NO_AWS=1 exercises the fallback on a machine that has the AWS CLI.
const HAS_AWS = process.env.EKSDOCTOR_TEST_NO_AWS !== '1' && has('aws', ['--version']);
if (!HAS_KUBECTL) console.warn('conformance/kubectl: skipped, `kubectl` is not on PATH');
else if (!HAS_AWS) console.warn('conformance/kubectl: `aws` is not on PATH; using static tokens from our presigner instead of `aws eks get-token`');

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Nothing here hangs on purpose: kubectl's request timeout (which also covers running the exec plugin, one
 * Python process per token) and the kill are nets for a broken emulator, wide enough for a loaded machine.
 */
const REQUEST_TIMEOUT = '60s';
const KILL_AFTER_MS = 90_000;
/** Per test: the first one runs kubectl six times in a row. */
const TEST_TIMEOUT_MS = 240_000;

/** A user's shell for one scenario: the environment, and the kubectl binary for its API server (test/helpers/kubectl.ts). */
interface Shell {
  vars: Record<string, string>;
  bin: string;
}

/** Async on purpose: the API server runs in this process, a blocking spawn would starve it. */
function kubectl(env: Shell, args: string[]): Promise<Run> {
  return new Promise((resolve, reject) => {
    execFile(env.bin, [`--request-timeout=${REQUEST_TIMEOUT}`, ...args], { env: env.vars, encoding: 'utf8', timeout: KILL_AFTER_MS }, (err, stdout, stderr) => {
      // A kill is no symptom: fail with what kubectl said so far.
      if (err && (err as { killed?: boolean }).killed) return reject(new Error(`kubectl ${args.join(' ')} killed after ${KILL_AFTER_MS} ms\nstdout: ${stdout}\nstderr: ${stderr}`));
      const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? ((err as { code: number }).code) : 1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** Starts a scenario and writes the isolated HOME and kubeconfig a user of it would have. */
async function setUp(name: string): Promise<{ emu: RunningEmulator; env: Shell }> {
  const scenario = loadScenario(name);
  const emu = await startEmulator(scenario);
  const dir = mkdtempSync(join(tmpdir(), `eksdoctor-kubectl-${name}-`));
  dirs.push(dir);
  const home = materializeHome(emu, dir, { exec: 'aws-cli' });
  if (!HAS_AWS && !scenario.kubeconfig.staticToken) {
    // Same token `aws eks get-token` would make (see test/unit/eks-token.test.ts), as a static token.
    const profile = scenario.kubeconfig.profile ?? scenario.local.env?.AWS_PROFILE ?? 'default';
    const p = scenario.principals.find((x) => x.name === scenario.local.profiles[profile]);
    if (p) {
      const token = await presignEksToken({
        credentials: { accessKeyId: p.accessKeyId, secretAccessKey: p.secretAccessKey, sessionToken: p.sessionToken },
        region: scenario.kubeconfig.region ?? scenario.region,
        clusterName: scenario.kubeconfig.clusterName ?? scenario.cluster.name,
        stsHost: new URL(emu.awsUrl).host,
      });
      const doc = yaml.load(readFileSync(home.kubeconfigPath, 'utf8')) as { users: { user: Record<string, unknown> }[] };
      doc.users[0]!.user = { token };
      writeFileSync(home.kubeconfigPath, yaml.dump(doc));
    }
  }
  return { emu, env: { vars: isolatedEnv(process.env, home.env), bin: await kubectlFor(emu.kubeUrl, emu.caPem) } };
}

const LOGGED_OUT = /error: You must be logged in to the server \((Unauthorized|the server has asked for the client to provide credentials)\)/;

function authenticatorLines(emu: RunningEmulator): string[] {
  return emu.state.logs.groups.flatMap((g) => g.streams.filter((s) => s.logStreamName.startsWith('authenticator-')).flatMap((s) => s.events.map((e) => e.message)));
}

describe.skipIf(!HAS_KUBECTL)('kubectl against the emulator', () => {
  it.concurrent('a mapped principal: get pods, auth whoami, auth can-i, get configmap aws-auth -o yaml', async () => {
    const { emu, env } = await setUp('healthy-config-map');
    try {
      const pods = await kubectl(env, ['get', 'pods']);
      expect(pods.stderr).toBe('');
      expect(pods.stdout).toMatch(/^NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE\n/);

      const whoami = await kubectl(env, ['auth', 'whoami', '-o', 'json']);
      expect(whoami.code).toBe(0);
      const review = JSON.parse(whoami.stdout) as { status: { userInfo: { username: string; groups: string[]; extra: Record<string, string[]> } } };
      expect(review.status.userInfo.username).toBe('platform-admin:alice');
      expect(review.status.userInfo.groups).toEqual(['system:masters', 'system:authenticated']);
      expect(review.status.userInfo.extra.canonicalArn).toEqual(['arn:aws:iam::111122223333:role/platform-admin']);

      const canList = await kubectl(env, ['auth', 'can-i', 'list', 'pods']);
      expect([canList.code, canList.stdout.trim()]).toEqual([0, 'yes']);
      const canDelete = await kubectl(env, ['auth', 'can-i', 'delete', 'nodes']);
      expect([canDelete.code, canDelete.stdout.trim()]).toEqual([0, 'yes']);

      const cm = await kubectl(env, ['get', 'configmap', 'aws-auth', '-n', 'kube-system', '-o', 'yaml']);
      expect(cm.code).toBe(0);
      const doc = yaml.load(cm.stdout) as { kind: string; data: { mapRoles: string } };
      expect(doc.kind).toBe('ConfigMap');
      expect(doc.data.mapRoles).toContain('rolearn: arn:aws:iam::111122223333:role/platform-admin');

      const version = await kubectl(env, ['version', '-o', 'json']);
      expect((JSON.parse(version.stdout) as { serverVersion: { gitVersion: string } }).serverVersion.gitVersion).toMatch(/^v1\.\d+\.\d+-eks-/);

      expect(authenticatorLines(emu).some((l) => /msg="access granted" .*username="platform-admin:alice"/.test(l))).toBe(true);
      expect(emu.state.requests.filter((r) => r.service === 'kube' && r.mutating)).toEqual([]);
    } finally {
      await emu.close();
    }
  }, TEST_TIMEOUT_MS);

  it.concurrent('an unmapped principal: You must be logged in to the server (Unauthorized)', async () => {
    const { emu, env } = await setUp('console-user-unmapped');
    try {
      const whoami = await kubectl(env, ['auth', 'whoami']);
      expect(whoami.code).toBe(1);
      expect(whoami.stderr).toContain('error: You must be logged in to the server (Unauthorized)');
      const pods = await kubectl(env, ['get', 'pods']);
      expect(pods.code).toBe(1);
      expect(pods.stderr).toMatch(LOGGED_OUT);
      expect(authenticatorLines(emu).some((l) => /msg="access denied" arn=\S+ client=\S+ error="identity is not mapped"/.test(l))).toBe(true);
    } finally {
      await emu.close();
    }
  }, TEST_TIMEOUT_MS);

  it.concurrent('a mapped group without bindings: Forbidden', async () => {
    const { emu, env } = await setUp('group-without-binding');
    try {
      const pods = await kubectl(env, ['get', 'pods']);
      expect(pods.code).toBe(1);
      expect(pods.stderr.trim()).toBe(
        'Error from server (Forbidden): pods is forbidden: User "developer:bob" cannot list resource "pods" in API group "" in the namespace "default"',
      );
      const can = await kubectl(env, ['auth', 'can-i', 'list', 'pods']);
      expect([can.code, can.stdout.trim()]).toEqual([1, 'no']);
    } finally {
      await emu.close();
    }
  }, TEST_TIMEOUT_MS);

  it.concurrent('a token made for another cluster name: Unauthorized, STS SignatureDoesNotMatch in the log', async () => {
    const { emu, env } = await setUp('wrong-cluster-name');
    try {
      const whoami = await kubectl(env, ['auth', 'whoami']);
      expect(whoami.code).toBe(1);
      expect(whoami.stderr).toContain('error: You must be logged in to the server (Unauthorized)');
      const denied = authenticatorLines(emu).filter((l) => l.includes('msg="access denied"'));
      expect(denied.length).toBeGreaterThan(0);
      expect(denied.every((l) => l.includes('SignatureDoesNotMatch') && !l.includes(' arn='))).toBe(true);
    } finally {
      await emu.close();
    }
  }, TEST_TIMEOUT_MS);

  // Scenarios that reach the API server: kubectl shows the symptom the scenario promises, with the real AWS CLI
  // as exec plugin (emulator-scenario-symptoms.test.ts runs it on the other symptoms: test/helpers/kubectl.ts).
  // The command per symptom is kubectlArgsFor's (`auth whoami` for 401s: `get pods` re-runs the plugin per discovery retry).
  const symptoms: Record<string, (r: Run) => boolean> = {
    ok: (r) => r.code === 0 && /^NAME\s/.test(r.stdout),
    Unauthorized: (r) => r.code === 1 && r.stderr.includes('error: You must be logged in to the server (Unauthorized)'),
    Forbidden: (r) => r.code === 1 && r.stderr.includes('Error from server (Forbidden): pods is forbidden: User '),
  };
  // One scenario per way the AWS CLI is set up (awsCliSetup): the others are the same CLI run on the same kind of token.
  const setups = new Map<string, string>();
  for (const { name } of HAS_KUBECTL ? listScenarios() : []) {
    const scenario = loadScenario(name);
    if (AWS_CLI_SYMPTOMS_IN_CONFORMANCE.includes(scenario.expect.kubectl) && !setups.has(awsCliSetup(scenario))) setups.set(awsCliSetup(scenario), name);
  }
  const reachable = [...setups.values()].map((name) => ({ name }));
  it('every symptom this suite takes has its check, and there are scenarios for each', () => {
    expect(Object.keys(symptoms).sort()).toEqual([...AWS_CLI_SYMPTOMS_IN_CONFORMANCE].sort());
    expect(new Set(reachable.map((s) => loadScenario(s.name).expect.kubectl)).size).toBe(AWS_CLI_SYMPTOMS_IN_CONFORMANCE.length);
  });
  it.concurrent.each(reachable.map((s) => [s.name]))('scenario %s: kubectl shows the expected symptom', async (name) => {
    const { emu, env } = await setUp(name);
    try {
      const expected = loadScenario(name).expect.kubectl;
      const r = await kubectl(env, kubectlArgsFor(expected));
      expect({ expected, shown: symptoms[expected]!(r) }, `stdout: ${r.stdout}\nstderr: ${r.stderr}`).toEqual({ expected, shown: true });
      expect(emu.state.requests.filter((q) => q.mutating)).toEqual([]);
    } finally {
      await emu.close();
    }
  }, TEST_TIMEOUT_MS);
});
