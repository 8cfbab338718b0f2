/**
 * Wire-format proof: the real AWS CLI (botocore parsers) talks to the emulator's AWS endpoint.
 * Credentials come only from an isolated HOME (never the developer's own AWS setup).
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAwsServer, type AwsServer } from '../../packages/eks-emulator/src/aws-server.js';
import { isolatedEnv, materializeHome } from '../../packages/eks-emulator/src/home.js';
import { loadScenario } from '../../packages/eks-emulator/src/scenarios.js';
import type { Scenario } from '../../packages/eks-emulator/src/scenario.js';
import { EmulatorState } from '../../packages/eks-emulator/src/state.js';
import { has } from './tools.js';

const CA_PEM = '-----BEGIN CERTIFICATE-----\nMIIBfake\n-----END CERTIFICATE-----\n';
const KUBE_URL = 'https://127.0.0.1:6443';


const hasAws = has('aws', ['--version']);
if (!hasAws) console.warn('skipping AWS CLI conformance tests: `aws` is not on PATH');

interface Emu {
  state: EmulatorState;
  server: AwsServer;
  env: Record<string, string>;
  home: string;
}

async function start(scenario: Scenario): Promise<Emu> {
  const state = new EmulatorState(scenario);
  const server = await startAwsServer(state, { host: '127.0.0.1', port: 0, endpoint: () => ({ url: KUBE_URL, caPem: CA_PEM }) });
  const home = mkdtempSync(join(tmpdir(), 'eksdoctor-cli-'));
  const { env } = materializeHome({ state, awsUrl: server.url, kubeUrl: KUBE_URL, caPem: CA_PEM }, home, { exec: 'aws-cli' });
  return { state, server, env: isolatedEnv(process.env, env), home };
}

function aws(emu: Emu, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      'aws',
      ['--endpoint-url', emu.server.url, '--output', 'json', ...args],
      { env: { ...emu.env, AWS_MAX_ATTEMPTS: '1' }, timeout: 30_000 },
      (error, stdout, stderr) => resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

/** Static keys in the env win only when no AWS_PROFILE names a profile. */
function withoutProfile(env: Record<string, string>): Record<string, string> {
  const { AWS_PROFILE: _ignored, ...rest } = env;
  return rest;
}

async function awsJson(emu: Emu, args: string[]): Promise<Record<string, any>> {
  const r = await aws(emu, args);
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  return JSON.parse(r.stdout) as Record<string, any>;
}

describe.skipIf(!hasAws)('AWS CLI against the emulator (API mode)', () => {
  let emu: Emu;
  beforeAll(async () => {
    const scenario = loadScenario('sso-access-entry');
    scenario.principals[0]!.canAssume = ['arn:aws:iam::111122223333:role/developer'];
    emu = await start(scenario);
  });
  afterAll(async () => {
    await emu.server.close();
    rmSync(emu.home, { recursive: true, force: true });
  });

  it('eks describe-cluster', async () => {
    const { cluster } = await awsJson(emu, ['eks', 'describe-cluster', '--name', 'prod']);
    expect(cluster.name).toBe('prod');
    expect(cluster.arn).toBe('arn:aws:eks:us-west-2:111122223333:cluster/prod');
    expect(cluster.status).toBe('ACTIVE');
    expect(cluster.endpoint).toBe(KUBE_URL);
    expect(Buffer.from(cluster.certificateAuthority.data, 'base64').toString()).toBe(CA_PEM);
    expect(cluster.accessConfig).toEqual({ bootstrapClusterCreatorAdminPermissions: true, authenticationMode: 'API_AND_CONFIG_MAP' });
    expect(cluster.resourcesVpcConfig).toMatchObject({ endpointPublicAccess: true, endpointPrivateAccess: false, publicAccessCidrs: ['0.0.0.0/0'] });
    expect(cluster.logging.clusterLogging).toEqual([
      { types: ['authenticator'], enabled: true },
      { types: ['api', 'audit', 'controllerManager', 'scheduler'], enabled: false },
    ]);
    expect(cluster.version).toMatch(/^1\.\d+$/);
    // botocore parses REST-JSON epoch seconds into an ISO timestamp.
    expect(new Date(cluster.createdAt).getTime()).toBeLessThan(Date.now());
  });

  it('eks describe-cluster on an unknown name: ResourceNotFoundException', async () => {
    const r = await aws(emu, ['eks', 'describe-cluster', '--name', 'nope']);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('An error occurred (ResourceNotFoundException) when calling the DescribeCluster operation: No cluster found for name: nope.');
  });

  it('eks list-clusters', async () => {
    expect(await awsJson(emu, ['eks', 'list-clusters'])).toEqual({ clusters: ['prod'] });
  });

  it('eks list-access-entries / describe-access-entry / list-associated-access-policies', async () => {
    const sso = 'arn:aws:iam::111122223333:role/aws-reserved/sso.amazonaws.com/us-west-2/AWSReservedSSO_AdministratorAccess_0123456789abcdef';
    expect(await awsJson(emu, ['eks', 'list-access-entries', '--cluster-name', 'prod'])).toEqual({ accessEntries: [sso] });
    const { accessEntry } = await awsJson(emu, ['eks', 'describe-access-entry', '--cluster-name', 'prod', '--principal-arn', sso]);
    expect(accessEntry).toMatchObject({
      clusterName: 'prod',
      principalArn: sso,
      kubernetesGroups: [],
      type: 'STANDARD',
      username: 'arn:aws:sts::111122223333:assumed-role/AWSReservedSSO_AdministratorAccess_0123456789abcdef/{{SessionName}}',
    });
    expect(accessEntry.accessEntryArn).toMatch(/^arn:aws:eks:us-west-2:111122223333:access-entry\/prod\/role\/111122223333\/AWSReservedSSO_/);
    const policies = await awsJson(emu, ['eks', 'list-associated-access-policies', '--cluster-name', 'prod', '--principal-arn', sso]);
    expect(policies.clusterName).toBe('prod');
    expect(policies.principalArn).toBe(sso);
    expect(policies.associatedAccessPolicies.map((p: any) => [p.policyArn, p.accessScope])).toEqual([
      ['arn:aws:eks::aws:cluster-access-policy/AmazonEKSAdminViewPolicy', { type: 'cluster', namespaces: [] }],
      ['arn:aws:eks::aws:cluster-access-policy/AmazonEKSEditPolicy', { type: 'namespace', namespaces: ['default', 'team-a'] }],
    ]);
  });

  it('eks describe-access-entry for an unknown principal: ResourceNotFoundException', async () => {
    const r = await aws(emu, ['eks', 'describe-access-entry', '--cluster-name', 'prod', '--principal-arn', 'arn:aws:iam::111122223333:role/nobody']);
    expect(r.stderr).toContain('(ResourceNotFoundException) when calling the DescribeAccessEntry operation');
  });

  it('eks list-access-policies walks every page of the catalogue', async () => {
    const { accessPolicies } = await awsJson(emu, ['eks', 'list-access-policies', '--page-size', '5']);
    const names = accessPolicies.map((p: any) => p.name);
    expect(names).toEqual(expect.arrayContaining(['AmazonEKSClusterAdminPolicy', 'AmazonEKSAdminPolicy', 'AmazonEKSEditPolicy', 'AmazonEKSViewPolicy', 'AmazonEKSAdminViewPolicy']));
    expect(names.length).toBeGreaterThan(10);
    for (const p of accessPolicies) expect(p.arn).toBe(`arn:aws:eks::aws:cluster-access-policy/${p.name}`);
  });

  it('a mutating EKS call is refused and recorded as mutating', async () => {
    const r = await aws(emu, ['eks', 'create-access-entry', '--cluster-name', 'prod', '--principal-arn', 'arn:aws:iam::111122223333:role/x']);
    expect(r.stderr).toContain('(AccessDeniedException) when calling the CreateAccessEntry operation');
    expect(emu.state.requests.filter((q) => q.mutating).map((q) => q.operation)).toEqual(['CreateAccessEntry']);
  });

  it('sts get-caller-identity returns the assumed-role session of the profile', async () => {
    const id = await awsJson(emu, ['sts', 'get-caller-identity']);
    expect(id.Account).toBe('111122223333');
    expect(id.Arn).toBe('arn:aws:sts::111122223333:assumed-role/AWSReservedSSO_AdministratorAccess_0123456789abcdef/carol@example.com');
    expect(id.UserId).toMatch(/^AROA[A-Z0-9]{17}:carol@example\.com$/);
  });

  it('sts assume-role issues ASIA keys that the emulator then recognises', async () => {
    const out = await awsJson(emu, ['sts', 'assume-role', '--role-arn', 'arn:aws:iam::111122223333:role/developer', '--role-session-name', 'ci']);
    expect(out.AssumedRoleUser.Arn).toBe('arn:aws:sts::111122223333:assumed-role/developer/ci');
    expect(out.Credentials.AccessKeyId).toMatch(/^ASIA[A-Z0-9]{16}$/);
    expect(out.Credentials.SecretAccessKey).toHaveLength(40);
    const session = emu.state.identityForAccessKey(out.Credentials.AccessKeyId);
    expect(session?.arn).toBe('arn:aws:sts::111122223333:assumed-role/developer/ci');
    const asSession = await new Promise<string>((resolve) =>
      execFile(
        'aws',
        ['--endpoint-url', emu.server.url, '--output', 'json', 'sts', 'get-caller-identity'],
        {
          env: {
            ...withoutProfile(emu.env),
            AWS_ACCESS_KEY_ID: out.Credentials.AccessKeyId,
            AWS_SECRET_ACCESS_KEY: out.Credentials.SecretAccessKey,
            AWS_SESSION_TOKEN: out.Credentials.SessionToken,
          },
        },
        (_e, stdout) => resolve(stdout),
      ),
    );
    expect(JSON.parse(asSession).Arn).toBe('arn:aws:sts::111122223333:assumed-role/developer/ci');
  });

  it('sts assume-role of a role not in canAssume: AccessDenied', async () => {
    const r = await aws(emu, ['sts', 'assume-role', '--role-arn', 'arn:aws:iam::111122223333:role/prod-admin', '--role-session-name', 'x1']);
    expect(r.stderr).toContain('An error occurred (AccessDenied) when calling the AssumeRole operation: User: arn:aws:sts::111122223333:assumed-role/');
    expect(r.stderr).toContain('is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::111122223333:role/prod-admin');
  });

  it('an unknown access key: InvalidClientTokenId (STS), UnrecognizedClientException (EKS)', async () => {
    const env = { ...withoutProfile(emu.env), AWS_ACCESS_KEY_ID: 'AKIAEXAMPLEUNKNOWN01', AWS_SECRET_ACCESS_KEY: 'x'.repeat(40) };
    const run = (args: string[]) =>
      new Promise<string>((resolve) =>
        execFile('aws', ['--endpoint-url', emu.server.url, ...args], { env: { ...env, AWS_MAX_ATTEMPTS: '1' } }, (_e, _o, stderr) => resolve(stderr)),
      );
    expect(await run(['sts', 'get-caller-identity'])).toContain('(InvalidClientTokenId) when calling the GetCallerIdentity operation: The security token included in the request is invalid.');
    expect(await run(['eks', 'list-clusters'])).toContain('(UnrecognizedClientException) when calling the ListClusters operation');
    expect(await run(['logs', 'describe-log-groups'])).toContain('(UnrecognizedClientException) when calling the DescribeLogGroups operation');
  });

  it('records every call with service and operation, none mutating but the refused one', () => {
    const ops = new Set(emu.state.requests.map((r) => `${r.service}:${r.operation}`));
    for (const op of ['eks:DescribeCluster', 'eks:ListClusters', 'eks:ListAccessEntries', 'eks:DescribeAccessEntry', 'eks:ListAssociatedAccessPolicies', 'eks:ListAccessPolicies', 'sts:GetCallerIdentity', 'sts:AssumeRole']) {
      expect(ops).toContain(op);
    }
  });
});

describe.skipIf(!hasAws)('AWS CLI against the emulator (CONFIG_MAP mode, logs)', () => {
  let emu: Emu;
  beforeAll(async () => {
    emu = await start(loadScenario('classic'));
    emu.state.appendAuthenticatorLog(
      'time="2026-11-25T19:00:00Z" level=info msg="access granted" arn="arn:aws:iam::111122223333:user/cluster-admin" client="127.0.0.1:40000" groups="[system:masters]" method=POST path=/authenticate uid="aws-iam-authenticator:111122223333:AIDAEXAMPLE" username=cluster-admin',
      Date.now() - 60_000,
    );
  });
  afterAll(async () => {
    await emu.server.close();
    rmSync(emu.home, { recursive: true, force: true });
  });

  it('access-entry calls on a CONFIG_MAP cluster: InvalidRequestException', async () => {
    const r = await aws(emu, ['eks', 'list-access-entries', '--cluster-name', 'prod']);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain(
      "An error occurred (InvalidRequestException) when calling the ListAccessEntries operation: The cluster's authentication mode must be set to one of [API, API_AND_CONFIG_MAP] to perform this operation.",
    );
  });

  it('sts get-caller-identity: the EC2 instance-role session', async () => {
    const id = await awsJson(emu, ['sts', 'get-caller-identity']);
    expect(id.Arn).toBe('arn:aws:sts::111122223333:assumed-role/eks-ci-runner/i-0a1b2c3d4e5f67890');
  });

  it('logs describe-log-groups and describe-log-streams', async () => {
    const { logGroups } = await awsJson(emu, ['logs', 'describe-log-groups', '--log-group-name-prefix', '/aws/eks/']);
    expect(logGroups).toHaveLength(1);
    expect(logGroups[0]).toMatchObject({ logGroupName: '/aws/eks/prod/cluster', arn: 'arn:aws:logs:us-west-2:111122223333:log-group:/aws/eks/prod/cluster:*' });
    const { logStreams } = await awsJson(emu, ['logs', 'describe-log-streams', '--log-group-name', '/aws/eks/prod/cluster', '--log-stream-name-prefix', 'authenticator-']);
    expect(logStreams).toHaveLength(1);
    expect(logStreams[0].logStreamName).toMatch(/^authenticator-[0-9a-f]{32}$/);
  });

  it('logs start-query + get-query-results (Running, then Complete)', async () => {
    const now = Math.floor(Date.now() / 1000);
    const { queryId } = await awsJson(emu, [
      'logs', 'start-query', '--log-group-name', '/aws/eks/prod/cluster',
      '--start-time', String(now - 3600), '--end-time', String(now),
      '--query-string', 'fields @logStream, @timestamp, @message | sort @timestamp desc | filter @logStream like /authenticator/ | limit 50',
    ]);
    expect(queryId).toMatch(/^[0-9a-f-]{36}$/);
    const first = await awsJson(emu, ['logs', 'get-query-results', '--query-id', queryId]);
    expect(first.status).toBe('Running');
    const done = await awsJson(emu, ['logs', 'get-query-results', '--query-id', queryId]);
    expect(done.status).toBe('Complete');
    // The scenario's two lines (the creator's grant 41 min ago, the denial 12 min ago) and the one added above.
    expect(done.results).toHaveLength(3);
    const fields = (row: any[]) => Object.fromEntries(row.map((c) => [c.field, c.value]));
    const [newest, older, oldest] = done.results.map(fields);
    expect(newest['@message']).toContain('access granted'); // sort @timestamp desc
    expect(older['@message']).toContain('error="identity is not mapped"');
    expect(oldest['@message']).toContain('username=kubernetes-admin');
    expect(newest['@logStream']).toMatch(/^authenticator-/);
    expect(newest['@timestamp']).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3}$/);
    expect(newest['@ptr']).toBeTruthy();
    expect(done.statistics.recordsMatched).toBe(3);
  });

  it('logs filter-log-events with a quoted phrase, in epoch milliseconds', async () => {
    const out = await awsJson(emu, [
      'logs', 'filter-log-events', '--log-group-name', '/aws/eks/prod/cluster',
      '--log-stream-name-prefix', 'authenticator', '--start-time', String(Date.now() - 3_600_000),
      '--filter-pattern', '"access denied"',
    ]);
    expect(out.events).toHaveLength(1);
    expect(out.events[0].message).toContain('arn="arn:aws:iam::111122223333:role/eks-ci-runner"');
    expect(out.events[0]).toHaveProperty('timestamp');
    expect(out.events[0]).toHaveProperty('eventId');
  });

  it('logs on a missing group: ResourceNotFoundException', async () => {
    const r = await aws(emu, ['logs', 'filter-log-events', '--log-group-name', '/aws/eks/other/cluster']);
    expect(r.stderr).toContain('(ResourceNotFoundException) when calling the FilterLogEvents operation: The specified log group does not exist.');
  });
});

describe.skipIf(!hasAws)('AWS CLI against the emulator (denied and expired)', () => {
  it('deny: logs:StartQuery → AccessDeniedException; expired keys → ExpiredToken / ExpiredTokenException', async () => {
    const denied = await start(loadScenario('logs-query-denied'));
    try {
      const now = Math.floor(Date.now() / 1000);
      const r = await aws(denied, ['logs', 'start-query', '--log-group-name', '/aws/eks/prod/cluster', '--start-time', String(now - 60), '--end-time', String(now), '--query-string', 'fields @message']);
      expect(r.stderr).toContain('(AccessDeniedException) when calling the StartQuery operation: User: arn:aws:sts::111122223333:assumed-role/eks-ci-runner/i-0a1b2c3d4e5f67890 is not authorized to perform: logs:StartQuery');
    } finally {
      await denied.server.close();
      rmSync(denied.home, { recursive: true, force: true });
    }
    const expired = await start(loadScenario('expired-credentials'));
    try {
      expect((await aws(expired, ['sts', 'get-caller-identity'])).stderr).toContain('An error occurred (ExpiredToken) when calling the GetCallerIdentity operation: The security token included in the request is expired');
      expect((await aws(expired, ['eks', 'describe-cluster', '--name', 'prod'])).stderr).toContain('(ExpiredTokenException) when calling the DescribeCluster operation');
    } finally {
      await expired.server.close();
      rmSync(expired.home, { recursive: true, force: true });
    }
  });
});
