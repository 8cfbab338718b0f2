/** The AWS endpoint routes by request shape, authenticates by access key, records, and injects faults. */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DescribeClusterCommand, EKSClient, ListAccessEntriesCommand, ListClustersCommand } from '@aws-sdk/client-eks';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import {
  CloudWatchLogsClient,
  DescribeLogGroupsCommand,
  FilterLogEventsCommand,
  GetQueryResultsCommand,
  PutLogEventsCommand,
  StartQueryCommand,
} from '@aws-sdk/client-cloudwatch-logs';
import { classifyAwsRequest, startAwsServer, type AwsServer } from '../../packages/eks-emulator/src/aws-server.js';
import { loadScenario } from '../../packages/eks-emulator/src/scenarios.js';
import { EmulatorState } from '../../packages/eks-emulator/src/state.js';
import { presignEksToken } from '../../src/facts/eks-token-presign.js';
import type { Scenario } from '../../packages/eks-emulator/src/scenario.js';

const ENDPOINT = { url: 'https://127.0.0.1:6443', caPem: 'PEM' };
const AUTH = (service: string) =>
  `AWS4-HMAC-SHA256 Credential=AKIAEXAMPLEADMIN0001/20261125/us-west-2/${service}/aws4_request, SignedHeaders=host;x-amz-date, Signature=00`;

describe('classifyAwsRequest', () => {
  it.each([
    ['Logs by X-Amz-Target', 'POST', '/', '', { 'x-amz-target': 'Logs_20140328.StartQuery', authorization: AUTH('logs') }, '', ['logs', 'StartQuery', false]],
    ['Logs mutation', 'POST', '/', '', { 'x-amz-target': 'Logs_20140328.DeleteLogGroup' }, '', ['logs', 'DeleteLogGroup', true]],
    ['STS form POST by scope', 'POST', '/', '', { authorization: AUTH('sts') }, 'Action=GetCallerIdentity&Version=2011-06-15', ['sts', 'GetCallerIdentity', false]],
    ['STS by Action= alone', 'POST', '/', '', {}, 'Action=AssumeRole&Version=2011-06-15', ['sts', 'AssumeRole', false]],
    ['presigned STS GET', 'GET', '/', 'Action=GetCallerIdentity&Version=2011-06-15&X-Amz-Credential=AKIAEXAMPLEADMIN0001%2F20261125%2Fus-west-2%2Fsts%2Faws4_request', {}, '', ['sts', 'GetCallerIdentity', false]],
    ['EKS by scope', 'GET', '/clusters/prod', '', { authorization: AUTH('eks') }, '', ['eks', 'DescribeCluster', false]],
    ['EKS by path alone', 'GET', '/clusters', '', {}, '', ['eks', 'ListClusters', false]],
    ['EKS access entry (encoded ARN)', 'GET', '/clusters/prod/access-entries/arn%3Aaws%3Aiam%3A%3A111122223333%3Arole%2Fdev', '', { authorization: AUTH('eks') }, '', ['eks', 'DescribeAccessEntry', false]],
    ['EKS associated policies', 'GET', '/clusters/prod/access-entries/arn%3Aaws%3Aiam%3A%3A1%3Arole%2Fdev/access-policies', '', { authorization: AUTH('eks') }, '', ['eks', 'ListAssociatedAccessPolicies', false]],
    ['EKS access policy catalogue', 'GET', '/access-policies', '', { authorization: AUTH('eks') }, '', ['eks', 'ListAccessPolicies', false]],
    ['EKS create entry', 'POST', '/clusters/prod/access-entries', '', { authorization: AUTH('eks') }, '{}', ['eks', 'CreateAccessEntry', true]],
    ['EKS associate policy', 'POST', '/clusters/prod/access-entries/x/access-policies', '', { authorization: AUTH('eks') }, '{}', ['eks', 'AssociateAccessPolicy', true]],
    ['EKS delete cluster', 'DELETE', '/clusters/prod', '', { authorization: AUTH('eks') }, '', ['eks', 'DeleteCluster', true]],
    ['EKS update config', 'POST', '/clusters/prod/update-config', '', { authorization: AUTH('eks') }, '{}', ['eks', 'UpdateClusterConfig', true]],
  ] as const)('%s', (_label, method, path, query, headers, body, [service, operation, mutating]) => {
    expect(classifyAwsRequest(method, path, query, headers, body)).toEqual({ service, operation, mutating });
  });

  it('leaves unknown requests unrouted', () => {
    expect(classifyAwsRequest('GET', '/favicon.ico', '', {}, '')).toBeUndefined();
  });
});

describe('AWS endpoint with SDK v3 clients', () => {
  let state: EmulatorState;
  let server: AwsServer;
  let scenario: Scenario;
  const admin = { accessKeyId: 'AKIAEXAMPLEADMIN0001', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYADMIN00001' };
  const clients = (credentials = admin) => {
    const base = { region: 'us-west-2', endpoint: server.url, credentials, maxAttempts: 1 };
    return { eks: new EKSClient(base), sts: new STSClient(base), logs: new CloudWatchLogsClient(base) };
  };

  beforeAll(async () => {
    scenario = loadScenario('classic');
    state = new EmulatorState(scenario);
    server = await startAwsServer(state, { host: '127.0.0.1', endpoint: () => ENDPOINT });
  });
  afterAll(() => server.close());

  it('answers each service on the one endpoint', async () => {
    const c = clients();
    expect((await c.eks.send(new ListClustersCommand({}))).clusters).toEqual(['prod']);
    expect((await c.sts.send(new GetCallerIdentityCommand({}))).Arn).toBe('arn:aws:iam::111122223333:user/cluster-admin');
    expect((await c.logs.send(new DescribeLogGroupsCommand({}))).logGroups?.map((g) => g.logGroupName)).toEqual(['/aws/eks/prod/cluster']);
    const tail = state.requests.slice(-3).map((r) => [r.service, r.operation, r.mutating, r.status]);
    expect(tail).toEqual([
      ['eks', 'ListClusters', false, 200],
      ['sts', 'GetCallerIdentity', false, 200],
      ['logs', 'DescribeLogGroups', false, 200],
    ]);
  });

  it('honours AWS_ENDPOINT_URL_CLOUDWATCH_LOGS without an explicit endpoint', async () => {
    const saved = process.env.AWS_ENDPOINT_URL_CLOUDWATCH_LOGS;
    process.env.AWS_ENDPOINT_URL_CLOUDWATCH_LOGS = server.url;
    try {
      const logs = new CloudWatchLogsClient({ region: 'us-west-2', credentials: admin, maxAttempts: 1 });
      expect((await logs.send(new DescribeLogGroupsCommand({}))).logGroups).toHaveLength(1);
    } finally {
      if (saved === undefined) delete process.env.AWS_ENDPOINT_URL_CLOUDWATCH_LOGS;
      else process.env.AWS_ENDPOINT_URL_CLOUDWATCH_LOGS = saved;
    }
  });

  it('refuses and records a Logs mutation', async () => {
    await expect(
      clients().logs.send(new PutLogEventsCommand({ logGroupName: '/aws/eks/prod/cluster', logStreamName: 'x', logEvents: [{ timestamp: 1, message: 'm' }] })),
    ).rejects.toMatchObject({ name: 'UnknownOperationException' });
    expect(state.requests.at(-1)).toMatchObject({ service: 'logs', operation: 'PutLogEvents', mutating: true, status: 400 });
  });

  it('DescribeCluster carries the Kube endpoint and CA; access entries are refused in CONFIG_MAP mode', async () => {
    const { cluster } = await clients().eks.send(new DescribeClusterCommand({ name: 'prod' }));
    expect(cluster?.endpoint).toBe(ENDPOINT.url);
    expect(Buffer.from(cluster!.certificateAuthority!.data!, 'base64').toString()).toBe('PEM');
    expect(cluster?.accessConfig?.authenticationMode).toBe('CONFIG_MAP');
    await expect(clients().eks.send(new ListAccessEntriesCommand({ clusterName: 'prod' }))).rejects.toMatchObject({
      name: 'InvalidRequestException',
      message: "The cluster's authentication mode must be set to one of [API, API_AND_CONFIG_MAP] to perform this operation.",
    });
  });

  it('pages FilterLogEvents with nextToken (epoch milliseconds)', async () => {
    state.appendAuthenticatorLog('level=warning msg="access denied" arn="arn:aws:iam::111122223333:user/alice" error="identity is not mapped"');
    const logs = clients().logs;
    const input = { logGroupName: '/aws/eks/prod/cluster', logStreamNamePrefix: 'authenticator-', filterPattern: '"access denied"', startTime: Date.now() - 3_600_000, limit: 1 };
    const first = await logs.send(new FilterLogEventsCommand(input));
    expect(first.events).toHaveLength(1);
    expect(first.nextToken).toBeTruthy();
    const second = await logs.send(new FilterLogEventsCommand({ ...input, nextToken: first.nextToken }));
    expect(second.events).toHaveLength(1);
    expect(second.nextToken).toBeUndefined();
    expect(second.events![0]!.message).toContain('user/alice');
    expect(first.events![0]!.timestamp!).toBeLessThan(second.events![0]!.timestamp!);
  });

  it('StartQuery reads times as epoch seconds: milliseconds find nothing', async () => {
    const logs = clients().logs;
    const now = Date.now();
    const run = async (startTime: number, endTime: number) => {
      const { queryId } = await logs.send(new StartQueryCommand({ logGroupName: '/aws/eks/prod/cluster', startTime, endTime, queryString: 'filter @message like /access denied/' }));
      expect((await logs.send(new GetQueryResultsCommand({ queryId }))).status).toBe('Running');
      const done = await logs.send(new GetQueryResultsCommand({ queryId }));
      expect(done.status).toBe('Complete');
      return done.results ?? [];
    };
    expect(await run(Math.floor(now / 1000) - 3600, Math.floor(now / 1000))).toHaveLength(2);
    expect(await run(now - 3_600_000, now)).toHaveLength(0);
    await expect(logs.send(new GetQueryResultsCommand({ queryId: 'nope' }))).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
    await expect(
      logs.send(new StartQueryCommand({ logGroupName: '/aws/eks/prod/cluster', startTime: 1, endTime: 2, queryString: 'stats count(*)' })),
    ).rejects.toMatchObject({ name: 'MalformedQueryException' });
  });

  it('rejects a session key presented without its session token', async () => {
    const role = scenario.principals.find((p) => p.name === 'instance-role')!;
    const c = clients({ accessKeyId: role.accessKeyId, secretAccessKey: role.secretAccessKey });
    await expect(c.sts.send(new GetCallerIdentityCommand({}))).rejects.toMatchObject({ name: 'InvalidClientTokenId' });
  });

  it('answers a request without any signature with MissingAuthenticationToken', async () => {
    const res = await fetch(`${server.url}/?Action=GetCallerIdentity&Version=2011-06-15`);
    expect(res.status).toBe(403);
    expect(await res.text()).toContain('<Code>MissingAuthenticationToken</Code>');
  });

  it('answers an unknown STS action with InvalidAction', async () => {
    const res = await fetch(server.url, {
      method: 'POST',
      headers: { authorization: AUTH('sts'), 'content-type': 'application/x-www-form-urlencoded' },
      body: 'Action=GetSessionToken&Version=2011-06-15',
    });
    expect(res.status).toBe(400);
    expect(await res.text()).toContain('<Code>InvalidAction</Code>');
  });
});

describe('presigned GetCallerIdentity replay (the EKS token path)', () => {
  let state: EmulatorState;
  let server: AwsServer;
  const admin = { accessKeyId: 'AKIAEXAMPLEADMIN0001', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYADMIN00001' };

  beforeAll(async () => {
    state = new EmulatorState(loadScenario('classic'));
    server = await startAwsServer(state, { host: '127.0.0.1', endpoint: () => ENDPOINT });
  });
  afterAll(() => server.close());

  async function replay(credentials: typeof admin & { sessionToken?: string }, clusterHeader: string | undefined, signedFor = 'prod') {
    const host = new URL(server.url).host;
    const token = await presignEksToken({ credentials, region: 'us-west-2', clusterName: signedFor, stsHost: host });
    const url = new URL(Buffer.from(token.slice('k8s-aws-v1.'.length), 'base64url').toString());
    const headers: Record<string, string> = { accept: 'application/json' };
    if (clusterHeader !== undefined) headers['x-k8s-aws-id'] = clusterHeader;
    const res = await fetch(`${server.url}/${url.search}`, { headers });
    return { status: res.status, body: await res.text() };
  }

  it('accepts the token for the cluster it was made for (JSON answer, as the authenticator asks)', async () => {
    const r = await replay(admin, 'prod');
    expect(r.status).toBe(200);
    expect(JSON.parse(r.body).GetCallerIdentityResponse.GetCallerIdentityResult).toMatchObject({
      Arn: 'arn:aws:iam::111122223333:user/cluster-admin',
      Account: '111122223333',
    });
  });

  it('answers SignatureDoesNotMatch when replayed with another cluster name', async () => {
    const r = await replay(admin, 'prod', 'prod-old');
    expect(r.status).toBe(403);
    expect(r.body).toContain('<Code>SignatureDoesNotMatch</Code>');
    expect(state.requests.at(-1)).toMatchObject({ service: 'sts', operation: 'GetCallerIdentity', status: 403 });
  });

  it('answers SignatureDoesNotMatch when the x-k8s-aws-id header is absent', async () => {
    expect((await replay(admin, undefined)).body).toContain('<Code>SignatureDoesNotMatch</Code>');
  });

  it('answers SignatureDoesNotMatch for a wrong secret, InvalidClientTokenId for an unknown key', async () => {
    expect((await replay({ ...admin, secretAccessKey: 'x'.repeat(40) }, 'prod')).body).toContain('<Code>SignatureDoesNotMatch</Code>');
    expect((await replay({ accessKeyId: 'AKIAEXAMPLEUNKNOWN01', secretAccessKey: 'x'.repeat(40) }, 'prod')).body).toContain('<Code>InvalidClientTokenId</Code>');
  });
});

describe('fault injection', () => {
  let state: EmulatorState;
  let server: AwsServer;
  const dev = {
    accessKeyId: 'ASIAEXAMPLEDEVELOPR1',
    secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYDEVELOPR01',
    sessionToken: 'IQoJb3JpZ2luX2VjEXAMPLEdeveloperSessionTokenForTheEmulatorOnly00000001',
  };
  beforeAll(async () => {
    state = new EmulatorState(loadScenario('eks-throttled'));
    server = await startAwsServer(state, { host: '127.0.0.1', endpoint: () => ENDPOINT });
  });
  afterAll(() => server.close());
  afterEach(() => {
    state.latencyMs = 0;
  });

  it('throttles DescribeCluster twice, then the SDK standard retry succeeds', async () => {
    const eks = new EKSClient({ region: 'us-west-2', endpoint: server.url, credentials: dev, maxAttempts: 3, retryMode: 'standard' });
    const out = await eks.send(new DescribeClusterCommand({ name: 'prod' }));
    expect(out.cluster?.status).toBe('ACTIVE');
    const statuses = state.requests.filter((r) => r.operation === 'DescribeCluster').map((r) => r.status);
    expect(statuses).toEqual([429, 429, 200]);
  });

  it('fails STS once with a 503 Query error, then answers', async () => {
    const sts = new STSClient({ region: 'us-west-2', endpoint: server.url, credentials: dev, maxAttempts: 1 });
    await expect(sts.send(new GetCallerIdentityCommand({}))).rejects.toMatchObject({ name: 'ServiceUnavailable', $metadata: { httpStatusCode: 503 } });
    expect((await sts.send(new GetCallerIdentityCommand({}))).Arn).toBe('arn:aws:sts::111122223333:assumed-role/developer/bob');
  });

  it('adds latency to every call when asked', async () => {
    state.latencyMs = 150;
    const sts = new STSClient({ region: 'us-west-2', endpoint: server.url, credentials: dev, maxAttempts: 1 });
    const t = Date.now();
    await sts.send(new GetCallerIdentityCommand({}));
    expect(Date.now() - t).toBeGreaterThanOrEqual(140);
  });

  it('hangs a call until the client gives up, and close() still returns', async () => {
    state.addFault({ service: 'eks', operation: 'ListClusters', kind: 'hang', count: 1 });
    const eks = new EKSClient({ region: 'us-west-2', endpoint: server.url, credentials: dev, maxAttempts: 1 });
    await expect(eks.send(new ListClustersCommand({}), { abortSignal: AbortSignal.timeout(300) })).rejects.toThrow();
    // Count consumed: the next call answers.
    expect((await eks.send(new ListClustersCommand({}))).clusters).toEqual(['prod']);
  });
});
