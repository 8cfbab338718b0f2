/**
 * Scenario knobs that shape what the user has locally or what AWS answers, each as a scenario uses it:
 * exec args as written, the context namespace, an old get-token's fixed apiVersion, an expired static
 * token, another cluster's CA, a missing log group, a cluster still CREATING.
 */
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import yaml from 'js-yaml';
import { afterAll, describe, expect, it } from 'vitest';
import { DescribeClusterCommand, EKSClient } from '@aws-sdk/client-eks';
import { EXPIRED_TOKEN_AGE_MINUTES, materializeHome, startEmulator, type RunningEmulator } from '../../packages/eks-emulator/src/index.js';
import { getToken } from '../../packages/eks-emulator/src/get-token-cli.js';
import { PLUGIN_API_VERSION_ENV } from '../../packages/eks-emulator/src/scenario.js';
import { loadScenario, SCENARIO_DIR, validateScenario } from '../../packages/eks-emulator/src/scenarios.js';
import { EmulatorState } from '../../packages/eks-emulator/src/state.js';
import { LogStore } from '../../packages/eks-emulator/src/logs-store.js';
import { decodeEksToken } from '../../src/facts/eks-token.js';

const CA = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';
const dirs: string[] = [];
const emulators: RunningEmulator[] = [];
afterAll(async () => {
  await Promise.all(emulators.map((e) => e.close()));
  dirs.forEach((d) => rmSync(d, { recursive: true, force: true }));
});

function write(emu: { state: EmulatorState; awsUrl: string; kubeUrl: string; caPem: string }) {
  const dir = mkdtempSync(join(tmpdir(), 'eksdoctor-kc-'));
  dirs.push(dir);
  const out = materializeHome(emu, dir, { exec: 'builtin' });
  return { ...out, kubeconfig: yaml.load(readFileSync(out.kubeconfigPath, 'utf8')) as any };
}

const offline = (name: string) => write({ state: new EmulatorState(loadScenario(name)), awsUrl: 'http://127.0.0.1:4566', kubeUrl: 'https://127.0.0.1:6443', caPem: CA });

async function started(name: string) {
  const emu = await startEmulator(loadScenario(name));
  emulators.push(emu);
  return { emu, ...write(emu) };
}

describe('kubeconfig knobs', () => {
  it('kubeconfig.args are written exactly, instead of update-kubeconfig args', () => {
    expect(offline('exec-args-typo').kubeconfig.users[0].user.exec.args).toEqual(['--region', 'us-west-2', 'eks', 'get-token', '--clustername', 'prod', '--output', 'json']);
  });

  it('kubeconfig.namespace becomes the context namespace; without it there is none', () => {
    expect(offline('namespace-scoped-entry').kubeconfig.contexts[0].context.namespace).toBe('team-a');
    expect(offline('healthy-api').kubeconfig.contexts[0].context).not.toHaveProperty('namespace');
  });

  it('kubeconfig.pluginReturns reaches the builtin get-token, which then ignores KUBERNETES_EXEC_INFO', async () => {
    const h = offline('exec-api-version-mismatch');
    expect(h.env[PLUGIN_API_VERSION_ENV]).toBe('client.authentication.k8s.io/v1alpha1');
    expect(offline('healthy-api').env).not.toHaveProperty(PLUGIN_API_VERSION_ENV);
    const env = {
      AWS_ACCESS_KEY_ID: 'AKIAEXAMPLEALICE0001',
      AWS_SECRET_ACCESS_KEY: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYALICE00001',
      AWS_REGION: 'us-west-2',
      KUBERNETES_EXEC_INFO: '{"apiVersion":"client.authentication.k8s.io/v1beta1","kind":"ExecCredential"}',
      [PLUGIN_API_VERSION_ENV]: 'client.authentication.k8s.io/v1alpha1',
    };
    const saved = { ...process.env };
    try {
      // The SDK's credential chain reads process.env.
      for (const k of Object.keys(process.env)) if (k.startsWith('AWS_')) delete process.env[k];
      Object.assign(process.env, env);
      expect(((await getToken({ clusterName: 'prod' }, env)) as { apiVersion: string }).apiVersion).toBe('client.authentication.k8s.io/v1alpha1');
    } finally {
      for (const k of Object.keys(process.env)) if (!(k in saved)) delete process.env[k];
      Object.assign(process.env, saved);
    }
  });

  it('staticToken: expired is a real token for the shell principal, signed 20 minutes ago', async () => {
    const { kubeconfig, emu } = await started('expired-static-token');
    const token = kubeconfig.users[0].user.token as string;
    expect(kubeconfig.users[0].user).not.toHaveProperty('exec');
    const decoded = decodeEksToken(token, { configuredEndpoint: emu.awsUrl });
    expect(decoded.ok).toBe(false);
    if (decoded.ok) return;
    expect(decoded.error).toMatch(/X-Amz-Date parameter is expired \(15 minute expiration\)/);
    expect(decoded.decoded!.accessKeyId).toBe('ASIAEXAMPLEDEVELOPR1');
    const age = Date.now() - decoded.decoded!.date.getTime();
    expect(age).toBeGreaterThanOrEqual((EXPIRED_TOKEN_AGE_MINUTES * 60 - 5) * 1000);
    expect(age).toBeLessThan((EXPIRED_TOKEN_AGE_MINUTES * 60 + 60) * 1000);
    expect(() => offline('expired-static-token')).toThrow(/needs a started emulator/);
  });

  it('caFromOtherCluster writes a CA that did not sign the API server certificate', async () => {
    const { emu, kubeconfig } = await started('ca-from-other-cluster');
    const written = Buffer.from(kubeconfig.clusters[0].cluster['certificate-authority-data'], 'base64').toString('utf8');
    expect(written).not.toBe(emu.caPem);
    const other = new X509Certificate(written);
    const own = new X509Certificate(emu.caPem);
    expect(other.subject).toBe(own.subject); // both are `CN=kubernetes`, as EKS names every cluster CA
    expect(other.publicKey.export({ type: 'spki', format: 'pem' })).not.toBe(own.publicKey.export({ type: 'spki', format: 'pem' }));
  });

  it('rejects staticToken: expired without a principal for the shell profile', () => {
    const doc = yaml.load(readFileSync(join(SCENARIO_DIR, 'expired-static-token.yaml'), 'utf8')) as any;
    doc.local.profiles = { other: 'developer' };
    expect(() => validateScenario(doc, 'x.yaml', 'x')).toThrow(/kubeconfig.staticToken: "expired" needs a principal/);
    doc.local.profiles = { default: 'developer' };
    doc.expect.principalArn = 'arn:aws:sts::111122223333:assumed-role/developer/bob';
    expect(() => validateScenario(doc, 'x.yaml', 'x')).toThrow(/expect.principalArn: .* is not an IAM user or role ARN/);
  });
});

describe('AWS-side knobs', () => {
  it('cluster.logGroupMissing: no log group and nowhere to write authenticator lines', () => {
    const store = new LogStore(loadScenario('log-group-missing'));
    store.appendAuthenticator('level=info msg="access granted"', Date.now());
    expect(store.groups).toEqual([]);
    expect(new LogStore(loadScenario('healthy-api')).groups.map((g) => g.logGroupName)).toEqual(['/aws/eks/prod/cluster']);
  });

  it('a CREATING cluster is described without endpoint or certificate authority', async () => {
    const { emu } = await started('cluster-creating');
    const eks = new EKSClient({
      region: 'us-west-2',
      endpoint: emu.awsUrl,
      credentials: { accessKeyId: 'ASIAEXAMPLEDEVELOPR1', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYDEVELOPR01', sessionToken: 'IQoJb3JpZ2luX2VjEXAMPLEdeveloperSessionTokenForTheEmulatorOnly00000001' },
    });
    const { cluster } = await eks.send(new DescribeClusterCommand({ name: 'prod' }));
    eks.destroy();
    expect(cluster?.status).toBe('CREATING');
    expect(cluster?.endpoint).toBeUndefined();
    expect(cluster?.certificateAuthority).toBeUndefined();
  });
});
