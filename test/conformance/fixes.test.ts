/**
 * The fixes eksdoctor prints, run as a person would run them — the real AWS CLI and kubectl against the
 * emulator — change what the cluster decides (issue "Fixes that work"): an admin maps the locked-out
 * instance role with `kubectl patch configmap aws-auth --type merge`, or enables access entries with
 * `aws eks update-cluster-config` and grants one with `create-access-entry` + `associate-access-policy`;
 * then kubectl as that role gets in. Each write is authorized as EKS would, recorded as mutating, and
 * lands in CloudTrail or the audit log.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { isolatedEnv, loadScenario, materializeHome, startEmulator, type RunningEmulator } from '../../packages/eks-emulator/src/index.js';
import { BUILTIN_GET_TOKEN } from '../../packages/eks-emulator/src/home.js';
import { kubectlFor } from '../helpers/kubectl.js';
import { has } from './tools.js';

const BUILTIN_BUILT = existsSync(join(BUILTIN_GET_TOKEN, '..', '..', 'dist', 'eksdoctor-aws.mjs'));
const HAS_TOOLS = has('kubectl', ['version', '--client']) && has('aws', ['--version']) && BUILTIN_BUILT;
if (!HAS_TOOLS) console.warn('conformance/fixes: skipped, needs `kubectl` and `aws` on PATH and a built dist/ (npm run build) for the builtin get-token');

/** Nets, not expectations: wide enough for a 2-core machine running two suites; a hang still ends. */
const CHILD_TIMEOUT_MS = 90_000;
const TEST_TIMEOUT_MS = 240_000;

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function run(cmd: string, env: Record<string, string>, args: string[]): Promise<Run> {
  return new Promise((resolve) =>
    execFile(cmd, args, { env, encoding: 'utf8', timeout: CHILD_TIMEOUT_MS }, (err, stdout, stderr) =>
      resolve({ code: err ? (typeof (err as { code?: unknown }).code === 'number' ? (err as { code: number }).code : 1) : 0, stdout, stderr }),
    ),
  );
}

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

type Kubectl = (env: Record<string, string>, args: string[]) => Promise<Run>;

/**
 * The seed incident, with an `admin` profile for the cluster's creator (the person who can fix it), and
 * kubectl as the gcloud dispatcher would pick it (through the dispatcher each command runs the plugin twice).
 */
async function seedIncident(): Promise<{ emu: RunningEmulator; asCaller: Record<string, string>; asAdmin: Record<string, string>; kubectl: Kubectl }> {
  const scenario = loadScenario('seed-incident-terraform');
  scenario.local.profiles.admin = 'ops-jane';
  const emu = await startEmulator(scenario);
  const dir = mkdtempSync(join(tmpdir(), 'eksdoctor-fixes-'));
  dirs.push(dir);
  // kubectl's own tokens from the builtin get-token (byte-identical to the AWS CLI's: test/unit/eks-token.test.ts,
  // and the AWS CLI as plugin is test/conformance/kubectl.test.ts's): the fixes here are what the real AWS CLI runs.
  const { env } = materializeHome(emu, dir, { exec: 'builtin' });
  const asCaller = isolatedEnv(process.env, env);
  const bin = await kubectlFor(emu.kubeUrl, emu.caPem);
  const kubectl: Kubectl = (env, args) => run(bin, env, ['--request-timeout=60s', ...args]);
  return { emu, asCaller, asAdmin: { ...asCaller, AWS_PROFILE: 'admin' }, kubectl };
}

const aws = (emu: RunningEmulator, env: Record<string, string>, args: string[]) => run('aws', { ...env, AWS_MAX_ATTEMPTS: '1' }, ['--endpoint-url', emu.awsUrl, '--output', 'json', ...args]);
const INSTANCE_ROLE = 'arn:aws:iam::111122223333:role/eks-ci-runner';
const LOGGED_OUT = 'error: You must be logged in to the server (Unauthorized)';

describe.skipIf(!HAS_TOOLS)('fix commands against the emulator', () => {
  it('kubectl patch configmap aws-auth --type merge maps the instance role; kubectl as it then gets in', async () => {
    const { emu, asCaller, asAdmin, kubectl } = await seedIncident();
    try {
      expect((await kubectl(asCaller, ['auth', 'whoami'])).stderr).toContain(LOGGED_OUT);
      // The caller may not fix it themselves: RBAC answers 403 like the API server.
      const mapRoles = `${emu.state.scenario.awsAuth!.mapRoles}- rolearn: ${INSTANCE_ROLE}\n  username: ci-runner:{{SessionName}}\n  groups:\n    - system:masters\n`;
      const patch = JSON.stringify({ data: { mapRoles } });
      const fixed = await kubectl(asAdmin, ['patch', 'configmap', 'aws-auth', '-n', 'kube-system', '--type', 'merge', '-p', patch]);
      expect(fixed.stderr).toBe('');
      expect(fixed.stdout.trim()).toBe('configmap/aws-auth patched');
      const again = await kubectl(asAdmin, ['patch', 'configmap', 'aws-auth', '-n', 'kube-system', '--type', 'merge', '-p', patch]);
      expect(again.stdout.trim()).toBe('configmap/aws-auth patched (no change)');

      const pods = await kubectl(asCaller, ['get', 'pods']);
      expect(pods.stderr).toBe('');
      expect(pods.stdout).toMatch(/^NAME\s+READY\s+STATUS/);
      const whoami = JSON.parse((await kubectl(asCaller, ['auth', 'whoami', '-o', 'json'])).stdout) as { status: { userInfo: { username: string; groups: string[] } } };
      expect(whoami.status.userInfo).toMatchObject({ username: 'ci-runner:i-0a1b2c3d4e5f67890', groups: ['system:masters', 'system:authenticated'] });

      // The API server's audit log has the patch at RequestResponse, by the creator, with the ConfigMap after it.
      const audit = emu.state.logs.groups[0]!.streams.find((s) => s.logStreamName.startsWith('kube-apiserver-audit-'))!.events.map((e) => JSON.parse(e.message));
      const patches = audit.filter((e) => e.verb === 'patch' && e.objectRef?.name === 'aws-auth');
      expect(patches[0]).toMatchObject({ level: 'RequestResponse', stage: 'ResponseComplete', responseStatus: { code: 200 }, user: { username: 'kubernetes-admin', extra: { arn: ['arn:aws:iam::111122223333:user/ops-jane'] } } });
      expect(patches[0].responseObject.data.mapRoles).toContain(INSTANCE_ROLE);
      expect(emu.state.requests.filter((r) => r.service === 'kube' && r.mutating).map((r) => r.operation)).toEqual(['patch configmaps', 'patch configmaps']);
    } finally {
      await emu.close();
    }
  }, TEST_TIMEOUT_MS);

  it('kubectl create clusterrolebinding: only an admin may, and the binding grants at once', async () => {
    const { emu, asCaller, asAdmin, kubectl } = await seedIncident();
    try {
      const mapRoles = `${emu.state.scenario.awsAuth!.mapRoles}- rolearn: ${INSTANCE_ROLE}\n  username: ci-runner\n  groups:\n    - ci-readers\n`;
      await kubectl(asAdmin, ['patch', 'configmap', 'aws-auth', '-n', 'kube-system', '--type', 'merge', '-p', JSON.stringify({ data: { mapRoles } })]);
      const forbidden = await kubectl(asCaller, ['get', 'pods']);
      expect(forbidden.stderr).toContain('Error from server (Forbidden): pods is forbidden: User "ci-runner" cannot list resource "pods"');
      const selfGrant = await kubectl(asCaller, ['create', 'clusterrolebinding', 'self', '--clusterrole=view', '--group=ci-readers']);
      expect(selfGrant.stderr).toContain('clusterrolebindings.rbac.authorization.k8s.io is forbidden: User "ci-runner" cannot create resource "clusterrolebindings"');
      const created = await kubectl(asAdmin, ['create', 'clusterrolebinding', 'ci-readers-view', '--clusterrole=view', '--group=ci-readers']);
      expect(created.stdout.trim()).toBe('clusterrolebinding.rbac.authorization.k8s.io/ci-readers-view created');
      expect((await kubectl(asCaller, ['get', 'pods'])).stdout).toMatch(/^NAME\s+READY/);
      expect((await kubectl(asAdmin, ['get', 'clusterrolebinding', 'ci-readers-view', '-o', 'jsonpath={.roleRef.name}'])).stdout).toBe('view');
    } finally {
      await emu.close();
    }
  }, TEST_TIMEOUT_MS);

  it('aws eks update-cluster-config + create-access-entry + associate-access-policy grant the instance role', async () => {
    const { emu, asCaller, asAdmin, kubectl } = await seedIncident();
    try {
      const denied = await aws(emu, asCaller, ['eks', 'create-access-entry', '--cluster-name', 'prod', '--principal-arn', INSTANCE_ROLE]);
      expect(denied.stderr).toContain('An error occurred (AccessDeniedException) when calling the CreateAccessEntry operation: User: arn:aws:sts::111122223333:assumed-role/eks-ci-runner/i-0a1b2c3d4e5f67890 is not authorized to perform: eks:CreateAccessEntry');
      const tooEarly = await aws(emu, asAdmin, ['eks', 'create-access-entry', '--cluster-name', 'prod', '--principal-arn', INSTANCE_ROLE]);
      expect(tooEarly.stderr).toContain("(InvalidRequestException) when calling the CreateAccessEntry operation: The cluster's authentication mode must be set to one of [API, API_AND_CONFIG_MAP]");
      const skip = await aws(emu, asAdmin, ['eks', 'update-cluster-config', '--name', 'prod', '--access-config', 'authenticationMode=API']);
      expect(skip.stderr).toContain('(InvalidParameterException) when calling the UpdateClusterConfig operation: Unsupported authentication mode update from CONFIG_MAP to API');

      const mode = await aws(emu, asAdmin, ['eks', 'update-cluster-config', '--name', 'prod', '--access-config', 'authenticationMode=API_AND_CONFIG_MAP']);
      expect(mode.stderr).toBe('');
      expect(JSON.parse(mode.stdout).update).toMatchObject({ type: 'AccessConfigUpdate', status: 'InProgress', params: [{ type: 'AuthenticationMode', value: 'API_AND_CONFIG_MAP' }] });
      const back = await aws(emu, asAdmin, ['eks', 'update-cluster-config', '--name', 'prod', '--access-config', 'authenticationMode=CONFIG_MAP']);
      expect(back.stderr).toContain('Unsupported authentication mode update from API_AND_CONFIG_MAP to CONFIG_MAP');

      const entry = await aws(emu, asAdmin, ['eks', 'create-access-entry', '--cluster-name', 'prod', '--principal-arn', INSTANCE_ROLE]);
      expect(entry.stderr).toBe('');
      expect(JSON.parse(entry.stdout).accessEntry).toMatchObject({ principalArn: INSTANCE_ROLE, username: 'arn:aws:sts::111122223333:assumed-role/eks-ci-runner/{{SessionName}}', kubernetesGroups: [] });
      // Authenticated, but an entry with no policy and no group may do nothing (access-entry/no-permissions).
      expect((await kubectl(asCaller, ['get', 'pods'])).stderr).toContain('Error from server (Forbidden)');
      const policy = await aws(emu, asAdmin, ['eks', 'associate-access-policy', '--cluster-name', 'prod', '--principal-arn', INSTANCE_ROLE, '--policy-arn', 'arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy', '--access-scope', 'type=cluster']);
      expect(policy.stderr).toBe('');
      const pods = await kubectl(asCaller, ['get', 'pods']);
      expect(pods.stderr).toBe('');
      expect(pods.stdout).toMatch(/^NAME\s+READY/);

      const described = JSON.parse((await aws(emu, asCaller, ['eks', 'describe-cluster', '--name', 'prod'])).stdout);
      expect(described.cluster.accessConfig.authenticationMode).toBe('API_AND_CONFIG_MAP');
      // CloudTrail recorded the writes with the URI labels as sent: the principal ARN percent-encoded in AssociateAccessPolicy.
      const events = emu.state.cloudtrail.records.filter((r) => !r.readOnly && !r.event.errorCode).map((r) => r.event as Record<string, any>);
      expect(events.map((e) => e.eventName)).toEqual(['CreateCluster', 'UpdateClusterConfig', 'CreateAccessEntry', 'AssociateAccessPolicy']);
      expect(events[1]!.requestParameters).toMatchObject({ name: 'prod', accessConfig: { authenticationMode: 'API_AND_CONFIG_MAP' } });
      expect(events[3]!.requestParameters).toMatchObject({ name: 'prod', principalArn: 'arn%3Aaws%3Aiam%3A%3A111122223333%3Arole%2Feks-ci-runner', policyArn: 'arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy' });
      expect(emu.state.requests.filter((r) => r.mutating).map((r) => r.operation)).toEqual([
        'CreateAccessEntry',
        'CreateAccessEntry',
        'UpdateClusterConfig',
        'UpdateClusterConfig',
        'UpdateClusterConfig',
        'CreateAccessEntry',
        'AssociateAccessPolicy',
      ]);
    } finally {
      await emu.close();
    }
  }, TEST_TIMEOUT_MS);
});
