/**
 * SPEC §10 sources through the real AWS CLI v1 (botocore's parsers and paginators): CloudTrail
 * `lookup-events` (awscli/examples/cloudtrail/lookup-events.rst; one lookup attribute, a time window,
 * pagination, the 2 requests/second limit that botocore's retry absorbs) and IAM `get-role`/`get-user`
 * against the emulator's endpoint, with credentials only from an isolated HOME.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAwsServer, type AwsServer } from '../../packages/eks-emulator/src/aws-server.js';
import { isolatedEnv, materializeHome } from '../../packages/eks-emulator/src/home.js';
import { loadScenario } from '../../packages/eks-emulator/src/scenarios.js';
import { EmulatorState } from '../../packages/eks-emulator/src/state.js';
import { has } from './tools.js';

const hasAws = has('aws', ['--version']);
if (!hasAws) console.warn('conformance/aws-cli-history: skipped, `aws` is not on PATH');

interface Emu {
  state: EmulatorState;
  server: AwsServer;
  env: Record<string, string>;
  home: string;
}

async function start(name: string): Promise<Emu> {
  const state = new EmulatorState(loadScenario(name));
  const server = await startAwsServer(state, { host: '127.0.0.1', endpoint: () => ({ url: 'https://127.0.0.1:6443', caPem: 'PEM' }) });
  const home = mkdtempSync(join(tmpdir(), `eksdoctor-history-${name}-`));
  const { env } = materializeHome({ state, awsUrl: server.url, kubeUrl: 'https://127.0.0.1:6443', caPem: 'PEM' }, home, { exec: 'aws-cli' });
  return { state, server, env: isolatedEnv(process.env, env), home };
}

async function stop(emu: Emu | undefined): Promise<void> {
  if (!emu) return;
  await emu.server.close();
  rmSync(emu.home, { recursive: true, force: true });
}

function aws(emu: Emu, args: string[], extraEnv: Record<string, string> = { AWS_MAX_ATTEMPTS: '1' }): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile('aws', ['--endpoint-url', emu.server.url, '--output', 'json', ...args], { env: { ...emu.env, ...extraEnv }, timeout: 60_000 }, (error, stdout, stderr) =>
      resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

async function awsJson(emu: Emu, args: string[], extraEnv?: Record<string, string>): Promise<Record<string, any>> {
  const r = await aws(emu, args, extraEnv);
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  return JSON.parse(r.stdout) as Record<string, any>;
}

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe.skipIf(!hasAws)('aws cloudtrail lookup-events against the emulator', () => {
  let emu: Emu;
  beforeAll(async () => {
    emu = await start('entry-deleted-by-pipeline');
  });
  afterAll(() => stop(emu));

  it('--lookup-attributes EventName: the DeleteAccessEntry as CloudTrail records it (percent-encoded principalArn, session name as Username)', async () => {
    const { Events } = await awsJson(emu, ['cloudtrail', 'lookup-events', '--lookup-attributes', 'AttributeKey=EventName,AttributeValue=DeleteAccessEntry']);
    expect(Events).toHaveLength(1);
    const e = Events[0];
    expect(e).toMatchObject({ EventName: 'DeleteAccessEntry', EventSource: 'eks.amazonaws.com', ReadOnly: 'false', Username: 'gitlab-runner-7421', AccessKeyId: 'ASIAEXAMPLEPIPELINE1', Resources: [] });
    // botocore turns the epoch-seconds EventTime into an ISO timestamp.
    expect(Date.now() - new Date(e.EventTime).getTime()).toBeGreaterThan(29 * 60_000);
    const record = JSON.parse(e.CloudTrailEvent);
    expect(record).toMatchObject({
      eventSource: 'eks.amazonaws.com',
      eventName: 'DeleteAccessEntry',
      awsRegion: 'us-west-2',
      requestParameters: { name: 'prod', principalArn: 'arn%3Aaws%3Aiam%3A%3A111122223333%3Arole%2Fdeveloper' },
      userIdentity: { type: 'AssumedRole', sessionContext: { sessionIssuer: { arn: 'arn:aws:iam::111122223333:role/ci-pipeline' } } },
      eventType: 'AwsApiCall',
      managementEvent: true,
    });
  });

  it('--start-time/--end-time: only the events inside the window', async () => {
    await pause(1100);
    const start = new Date(Date.now() - 45 * 86_400_000).toISOString();
    const end = new Date(Date.now() - 35 * 86_400_000).toISOString();
    const { Events } = await awsJson(emu, ['cloudtrail', 'lookup-events', '--lookup-attributes', 'AttributeKey=EventSource,AttributeValue=eks.amazonaws.com', '--start-time', start, '--end-time', end]);
    expect(Events.map((e: any) => e.EventName).sort()).toEqual(['AssociateAccessPolicy', 'CreateAccessEntry']);
  });

  it('--page-size walks every page newest first; --max-items hands back a NextToken', async () => {
    await pause(1100);
    const all = await awsJson(emu, ['cloudtrail', 'lookup-events', '--lookup-attributes', 'AttributeKey=Username,AttributeValue=gitlab-runner-7421', '--page-size', '1'], { AWS_MAX_ATTEMPTS: '10' });
    // The pipeline's session also created the cluster (the scenario's creator), 60 days ago.
    expect(all.Events.map((e: any) => e.EventName)).toEqual(['DeleteAccessEntry', expect.stringMatching(/^(AssociateAccessPolicy|CreateAccessEntry)$/), expect.stringMatching(/^(AssociateAccessPolicy|CreateAccessEntry)$/), 'CreateCluster']);
    const times = all.Events.map((e: any) => new Date(e.EventTime).getTime());
    expect([...times].sort((a, b) => b - a)).toEqual(times);
    await pause(1100);
    const first = await awsJson(emu, ['cloudtrail', 'lookup-events', '--lookup-attributes', 'AttributeKey=Username,AttributeValue=gitlab-runner-7421', '--max-items', '1']);
    expect(first.Events).toHaveLength(1);
    expect(typeof first.NextToken).toBe('string');
  });

  it('over 2 requests per second: ThrottlingException, which botocore retries until it succeeds', async () => {
    await pause(1100);
    const before = emu.state.requests.length;
    const runs = await Promise.all(
      Array.from({ length: 4 }, () => aws(emu, ['cloudtrail', 'lookup-events', '--lookup-attributes', 'AttributeKey=EventName,AttributeValue=CreateCluster'], { AWS_MAX_ATTEMPTS: '10', AWS_RETRY_MODE: 'standard' })),
    );
    expect(runs.map((r) => r.code)).toEqual([0, 0, 0, 0]);
    const lookups = emu.state.requests.slice(before).filter((r) => r.operation === 'LookupEvents');
    expect(lookups.some((r) => r.status === 400)).toBe(true);
    expect(lookups.filter((r) => r.status === 200)).toHaveLength(4);
    expect(lookups.every((r) => !r.mutating)).toBe(true);
  });

  it('two lookup attributes: InvalidLookupAttributesException', async () => {
    await pause(1100);
    const r = await aws(emu, ['cloudtrail', 'lookup-events', '--lookup-attributes', 'AttributeKey=EventName,AttributeValue=A', 'AttributeKey=Username,AttributeValue=B']);
    expect(r.stderr).toContain('(InvalidLookupAttributesException) when calling the LookupEvents operation');
  });
});

describe.skipIf(!hasAws)('aws cloudtrail lookup-events denied', () => {
  let emu: Emu;
  beforeAll(async () => {
    emu = await start('cloudtrail-denied');
  });
  afterAll(() => stop(emu));

  it('deny: cloudtrail:LookupEvents → AccessDeniedException naming the action', async () => {
    const r = await aws(emu, ['cloudtrail', 'lookup-events']);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain(
      'An error occurred (AccessDeniedException) when calling the LookupEvents operation: User: arn:aws:sts::111122223333:assumed-role/eks-ci-runner/i-0a1b2c3d4e5f67890 is not authorized to perform: cloudtrail:LookupEvents on resource: * because no identity-based policy allows the cloudtrail:LookupEvents action',
    );
  });
});

describe.skipIf(!hasAws)('aws iam get-role / get-user against the emulator', () => {
  let emu: Emu;
  beforeAll(async () => {
    emu = await start('role-path-locked-out');
  });
  afterAll(() => stop(emu));

  it('get-role: the path, unique ID, CreateDate and the decoded trust policy', async () => {
    const { Role } = await awsJson(emu, ['iam', 'get-role', '--role-name', 'developer']);
    expect(Role).toMatchObject({ Path: '/teams/dev/', RoleName: 'developer', Arn: 'arn:aws:iam::111122223333:role/teams/dev/developer', MaxSessionDuration: 3600 });
    expect(Role.RoleId).toMatch(/^AROA[A-Z2-7]{17}$/);
    expect(new Date(Role.CreateDate).getTime()).toBeLessThan(Date.now() - 300 * 86_400_000);
    // botocore URL-decodes AssumeRolePolicyDocument into JSON.
    expect(Role.AssumeRolePolicyDocument).toMatchObject({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::111122223333:root' }, Action: 'sts:AssumeRole' }] });
    expect(emu.state.requests.at(-1)).toMatchObject({ service: 'iam', operation: 'GetRole', mutating: false, status: 200 });
  });

  it('get-user by name; without a name from a role session: ValidationError', async () => {
    const { User } = await awsJson(emu, ['iam', 'get-user', '--user-name', 'platform-admin']);
    expect(User).toMatchObject({ Path: '/', UserName: 'platform-admin', Arn: 'arn:aws:iam::111122223333:user/platform-admin' });
    expect(User.UserId).toMatch(/^AIDA/);
    const r = await aws(emu, ['iam', 'get-user']);
    expect(r.stderr).toContain('(ValidationError) when calling the GetUser operation: Must specify userName when calling with non-User credentials');
  });

  it('an unknown or deleted principal: NoSuchEntity', async () => {
    const r = await aws(emu, ['iam', 'get-role', '--role-name', 'nobody']);
    expect(r.stderr).toContain('An error occurred (NoSuchEntity) when calling the GetRole operation: The role with name nobody cannot be found.');
    emu.state.scenario.principals.find((p) => p.name === 'platform-admin')!.deleted = true;
    const u = await aws(emu, ['iam', 'get-user', '--user-name', 'platform-admin']);
    expect(u.stderr).toContain('(NoSuchEntity) when calling the GetUser operation: The user with name platform-admin cannot be found.');
  });

  it('deny: iam:GetRole → AccessDenied on the role ARN', async () => {
    emu.state.scenario.deny = ['iam:GetRole'];
    const r = await aws(emu, ['iam', 'get-role', '--role-name', 'developer']);
    expect(r.stderr).toContain('(AccessDenied) when calling the GetRole operation: User: arn:aws:sts::111122223333:assumed-role/developer/bob is not authorized to perform: iam:GetRole on resource: arn:aws:iam::111122223333:role/teams/dev/developer');
    emu.state.scenario.deny = [];
  });

  it('the IAM calls are in CloudTrail in us-east-1, as IAM records them', async () => {
    const iam = emu.state.cloudtrail.records.filter((r) => r.eventSource === 'iam.amazonaws.com');
    expect(iam.length).toBeGreaterThan(0);
    expect(iam.every((r) => r.awsRegion === 'us-east-1')).toBe(true);
    expect(iam[0]!.event).toMatchObject({ eventName: 'GetRole', requestParameters: { roleName: 'developer' }, responseElements: null, readOnly: true });
  });
});
