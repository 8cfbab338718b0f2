/**
 * The emulator's §10 sources and writes, in process: the IAM policy evaluator (IAM User Guide policy
 * grammar and evaluation logic), the scenario schema's history fields, CloudTrail LookupEvents
 * (botocore cloudtrail 2013-11-01: one attribute, time window, bound NextToken, 2/s throttle), the
 * audit policy levels (EKS Best Practices "Auditing and logging"), and enforcePolicy on real SDK calls.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DescribeClusterCommand, EKSClient, CreateAccessEntryCommand, ListAccessEntriesCommand } from '@aws-sdk/client-eks';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { CloudWatchLogsClient, FilterLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { startAwsServer, type AwsServer } from '../../packages/eks-emulator/src/aws-server.js';
import { auditLevelOf } from '../../packages/eks-emulator/src/audit-log.js';
import { iamRequestOf } from '../../packages/eks-emulator/src/iam-actions.js';
import { actionMatches, evaluatePolicy, parsePolicy, resourceMatches } from '../../packages/eks-emulator/src/iam-policy.js';
import { mergePatch } from '../../packages/eks-emulator/src/kube/writes.js';
import { loadScenario, validateScenario } from '../../packages/eks-emulator/src/scenarios.js';
import type { Scenario } from '../../packages/eks-emulator/src/scenario.js';
import { EmulatorState } from '../../packages/eks-emulator/src/state.js';

function statements(doc: unknown) {
  const p = parsePolicy(doc);
  if (!p.ok) throw new Error(p.problem);
  return p.statements;
}

describe('IAM policy evaluation (reference_policies_evaluation-logic.html)', () => {
  it.each([
    ['eks:Describe*', 'eks:DescribeCluster', true],
    ['EKS:describecluster', 'eks:DescribeCluster', true],
    ['eks:List?ccessEntries', 'eks:ListAccessEntries', true],
    ['eks:Describe*', 'eks:ListClusters', false],
    ['*', 'cloudtrail:LookupEvents', true],
    ['logs:*', 'eks:DescribeCluster', false],
  ])('action %s vs %s → %s', (pattern, action, hit) => expect(actionMatches(pattern, action)).toBe(hit));

  it.each([
    ['arn:aws:eks:*:111122223333:cluster/prod', 'arn:aws:eks:us-west-2:111122223333:cluster/prod', true],
    ['arn:aws:eks:*:*:cluster/*', 'arn:aws:eks:us-west-2:111122223333:access-entry/prod/role/111122223333/dev/abc', false],
    ['arn:aws:logs:us-west-2:111122223333:log-group:/aws/eks/prod/cluster:*', 'arn:aws:logs:us-west-2:111122223333:log-group:/aws/eks/prod/cluster:*', true],
    ['arn:aws:logs:*:*:log-group:/aws/eks/*', 'arn:aws:logs:us-west-2:111122223333:log-group:/aws/eks/prod/cluster:*', true],
    ['arn:aws:iam::*:role/*', 'arn:aws:iam::111122223333:role/teams/dev/developer', true],
    ['arn:aws:eks:us-east-1:*:cluster/prod', 'arn:aws:eks:us-west-2:111122223333:cluster/prod', false],
    ['arn:aws:eks:*:*:cluster/Prod', 'arn:aws:eks:us-west-2:111122223333:cluster/prod', false],
  ])('resource %s vs %s → %s', (pattern, resource, hit) => expect(resourceMatches(pattern, resource)).toBe(hit));

  const policy = statements({
    Version: '2012-10-17',
    Statement: [
      { Effect: 'Allow', Action: ['eks:Describe*', 'eks:List*'], Resource: '*' },
      { Effect: 'Deny', Action: 'eks:ListAccessEntries', Resource: 'arn:aws:eks:*:*:cluster/prod' },
      { Effect: 'Allow', NotAction: ['iam:*', 'eks:*'], Resource: '*' },
      { Effect: 'Allow', Action: 'iam:GetRole', NotResource: 'arn:aws:iam::*:role/admin' },
    ],
  });
  it.each([
    ['eks:DescribeCluster', 'arn:aws:eks:us-west-2:1:cluster/prod', 'allow'],
    ['eks:ListAccessEntries', 'arn:aws:eks:us-west-2:1:cluster/prod', 'explicit-deny'],
    ['eks:ListAccessEntries', 'arn:aws:eks:us-west-2:1:cluster/dev', 'allow'],
    ['eks:CreateAccessEntry', 'arn:aws:eks:us-west-2:1:cluster/prod', 'implicit-deny'],
    ['logs:FilterLogEvents', 'arn:aws:logs:us-west-2:1:log-group:/aws/eks/prod/cluster:*', 'allow'],
    ['iam:GetRole', 'arn:aws:iam::1:role/dev', 'allow'],
    ['iam:GetRole', 'arn:aws:iam::1:role/admin', 'implicit-deny'],
    ['iam:GetUser', 'arn:aws:iam::1:user/u', 'implicit-deny'],
  ] as const)('%s on %s → %s', (action, resource, decision) => expect(evaluatePolicy(policy, action, resource)).toBe(decision));

  it.each([
    [{ Statement: [{ Effect: 'Allow', Action: 'eks:*', Resource: '*', Condition: { StringEquals: { 'aws:RequestedRegion': 'us-west-2' } } }] }, /Condition: conditions are not supported/],
    [{ Statement: [{ Effect: 'Allow', Action: 'eks:*', NotAction: 'iam:*', Resource: '*' }] }, /Action and NotAction together/],
    [{ Statement: [{ Effect: 'Permit', Action: 'eks:*', Resource: '*' }] }, /Effect: Allow or Deny/],
    [{ Version: '2020-01-01', Statement: [] }, /Version/],
    [{ Statement: [{ Effect: 'Allow', Action: 'DescribeCluster', Resource: '*' }] }, /service:Operation/],
  ])('refuses %j', (doc, why) => {
    const p = parsePolicy(doc);
    expect(p.ok).toBe(false);
    if (!p.ok) expect(p.problem).toMatch(why);
  });
});

describe('IAM action/resource table', () => {
  const t = { region: 'us-west-2', account: '111122223333' };
  it.each([
    ['eks', 'DescribeCluster', { cluster: 'prod' }, { action: 'eks:DescribeCluster', resource: 'arn:aws:eks:us-west-2:111122223333:cluster/prod' }],
    ['logs', 'FilterLogEvents', { logGroup: '/aws/eks/prod/cluster' }, { action: 'logs:FilterLogEvents', resource: 'arn:aws:logs:us-west-2:111122223333:log-group:/aws/eks/prod/cluster:*' }],
    ['cloudtrail', 'LookupEvents', {}, { action: 'cloudtrail:LookupEvents', resource: '*' }],
    ['iam', 'GetRole', { iamArn: 'arn:aws:iam::111122223333:role/teams/dev/developer' }, { action: 'iam:GetRole', resource: 'arn:aws:iam::111122223333:role/teams/dev/developer' }],
  ] as const)('%s %s', (service, op, target, expected) => expect(iamRequestOf(service, op, { ...t, ...target })).toEqual(expected));

  it('evaluates access-entry operations on the access entry, and never sts:GetCallerIdentity', () => {
    expect(iamRequestOf('eks', 'DeleteAccessEntry', { ...t, cluster: 'prod', principalArn: 'arn:aws:iam::111122223333:role/dev' })?.resource).toMatch(/^arn:aws:eks:us-west-2:111122223333:access-entry\/prod\/role\/111122223333\/dev\/[0-9a-f-]+$/);
    expect(iamRequestOf('sts', 'GetCallerIdentity', t)).toBeUndefined();
  });
});

describe('scenario schema: history, ages, retention', () => {
  const base = () => structuredClone(loadScenario('entry-deleted-by-pipeline')) as unknown as Record<string, any>;
  it('accepts the shipped history scenarios', () => {
    expect(() => validateScenario(base(), 'x', 'x')).not.toThrow();
  });
  it.each([
    ['a `by` that names nobody', (s: any) => (s.history.cloudtrail[0].by = 'nobody'), /history\.cloudtrail\[0\]\.by: "nobody" is not a principal name/],
    ['both minutesAgo and daysAgo', (s: any) => (s.history.cloudtrail[0].minutesAgo = 5), /exactly one of minutesAgo or daysAgo/],
    ['an aws-auth verb Kubernetes has not', (s: any) => (s.history = { awsAuth: [{ verb: 'replace', by: 'developer', daysAgo: 1 }] }), /history\.awsAuth\[0\]\.verb/],
    ['a retention CloudWatch does not offer', (s: any) => (s.cluster.logRetentionDays = 31), /cluster\.logRetentionDays/],
    ['a negative age', (s: any) => (s.principals[0].createdDaysAgo = -1), /principals\[0\]\.createdDaysAgo: a non-negative number/],
    ['a policy with a Condition', (s: any) => (s.principals[0].iamPolicy = { Statement: [{ Effect: 'Allow', Action: '*', Resource: '*', Condition: {} }] }), /iamPolicy: .*Condition/],
    ['a deny of an unknown service', (s: any) => (s.deny = ['s3:GetObject']), /deny: "s3:GetObject"/],
  ])('refuses %s', (_l, edit, why) => {
    const s = base();
    edit(s);
    expect(() => validateScenario(s, 'x', 'x')).toThrow(why);
  });
});

describe('EmulatorState history', () => {
  it('records CreateCluster for the creator only within 90 days', () => {
    const recent = new EmulatorState(loadScenario('seed-incident-terraform'));
    const create = recent.cloudtrail.records.find((r) => r.eventName === 'CreateCluster');
    expect(create).toMatchObject({ username: 'ops-jane', accessKeyId: 'AKIAEXAMPLEOPSJANE01', resources: [{ ResourceType: 'AWS::EKS::Cluster', ResourceName: 'prod' }] });
    expect(create!.event).toMatchObject({ userIdentity: { type: 'IAMUser', userName: 'ops-jane', arn: 'arn:aws:iam::111122223333:user/ops-jane' }, requestParameters: { name: 'prod' } });
    expect(Math.round((recent.startedAt - create!.eventTime) / 86_400_000)).toBe(14);
    expect(new EmulatorState(loadScenario('seed-incident-old-cluster')).cloudtrail.records.filter((r) => r.eventName === 'CreateCluster')).toEqual([]);
  });

  it('records an assumed role as AssumedRole with its session issuer, named by its session', () => {
    const s = new EmulatorState(loadScenario('entry-deleted-by-pipeline'));
    const del = s.cloudtrail.records.find((r) => r.eventName === 'DeleteAccessEntry')!;
    expect(del.username).toBe('gitlab-runner-7421');
    expect(del.resources).toEqual([]);
    expect(del.event).toMatchObject({
      userIdentity: { type: 'AssumedRole', arn: 'arn:aws:sts::111122223333:assumed-role/ci-pipeline/gitlab-runner-7421', sessionContext: { sessionIssuer: { type: 'Role', arn: 'arn:aws:iam::111122223333:role/ci-pipeline', userName: 'ci-pipeline' } } },
      requestParameters: { name: 'prod', principalArn: 'arn%3Aaws%3Aiam%3A%3A111122223333%3Arole%2Fdeveloper' },
    });
  });

  it('records IAM events in us-east-1 only', () => {
    const s = new EmulatorState(loadScenario('principal-recreated'));
    expect(s.cloudtrail.records.filter((r) => r.eventSource === 'iam.amazonaws.com').map((r) => [r.eventName, r.awsRegion])).toEqual([
      ['DeleteRole', 'us-east-1'],
      ['CreateRole', 'us-east-1'],
    ]);
  });

  it('keeps only the log events inside the retention', () => {
    const s = new EmulatorState(loadScenario('seed-incident-old-cluster'));
    const auth = s.logs.groups[0]!.streams.find((x) => x.logStreamName.startsWith('authenticator-'))!;
    expect(auth.events.map((e) => Math.round((s.startedAt - e.timestamp) / 86_400_000))).toEqual([10]);
    expect(s.logs.groups[0]!.retentionInDays).toBe(30);
  });

  it('logs each aws-auth change as RequestResponse with the ConfigMap after it, by the writer as the cluster saw them', () => {
    const s = new EmulatorState(loadScenario('sso-path-locked-out'));
    const events = s.logs.groups[0]!.streams.find((x) => x.logStreamName.startsWith('kube-apiserver-audit-'))!.events.map((e) => JSON.parse(e.message));
    expect(events.map((e) => [e.verb, e.level, e.stage, e.responseStatus.code])).toEqual([
      ['update', 'RequestResponse', 'ResponseComplete', 200],
      ['patch', 'RequestResponse', 'ResponseComplete', 200],
    ]);
    const patch = events[1];
    expect(patch.user).toMatchObject({ username: 'platform-admin', groups: ['system:masters', 'system:authenticated'], extra: { arn: ['arn:aws:iam::111122223333:user/platform-admin'], canonicalArn: ['arn:aws:iam::111122223333:user/platform-admin'] } });
    expect(patch.objectRef).toMatchObject({ resource: 'configmaps', namespace: 'kube-system', name: 'aws-auth', apiVersion: 'v1' });
    expect(patch.responseObject.data.mapRoles).toContain('AWSReservedSSO_Developer_0123456789abcdef');
    expect(patch.responseObject.data.mapUsers).toContain('user/platform-admin'); // merged with the update before it
    expect(patch.requestObject.data.mapUsers).toBeUndefined();
  });

  it('refuses a history whose writer the cluster would not have let in', () => {
    const scenario = loadScenario('role-path-locked-out');
    scenario.history = { awsAuth: [{ verb: 'update', by: 'developer', daysAgo: 1 }] };
    expect(() => new EmulatorState(scenario)).toThrow(/developer could not have authenticated/);
  });
});

describe('audit levels (EKS rule, then the reference policy)', () => {
  const cm = (verb: string, name = 'aws-auth', namespace = 'kube-system') => ({ verb, path: '/', requestURI: '/', resource: { group: '', version: 'v1', resource: 'configmaps', namespace, name } });
  it.each([
    [cm('patch'), 'RequestResponse'],
    [cm('delete'), 'RequestResponse'],
    [cm('create'), 'Metadata'],
    [cm('get'), 'Metadata'],
    [cm('update', 'coredns'), 'Metadata'],
    [{ verb: 'list', path: '/', requestURI: '/', resource: { group: '', version: 'v1', resource: 'pods', namespace: 'default' } }, 'Request'],
    [{ verb: 'create', path: '/', requestURI: '/', resource: { group: 'rbac.authorization.k8s.io', version: 'v1', resource: 'clusterrolebindings' } }, 'RequestResponse'],
    [{ verb: 'get', path: '/version', requestURI: '/version' }, 'None'],
    [{ verb: 'get', path: '/apis', requestURI: '/apis' }, 'Metadata'],
  ] as const)('%j → %s', (r, level) => expect(auditLevelOf(r)).toBe(level));
});

describe('merge patch (RFC 7386), as kubectl patch --type merge and strategic patches of a ConfigMap apply', () => {
  it('merges keys, deletes with null, replaces scalars', () => {
    expect(mergePatch({ data: { a: '1', b: '2' }, metadata: { name: 'x' } }, { data: { b: null, c: '3' } })).toEqual({ data: { a: '1', c: '3' }, metadata: { name: 'x' } });
  });
});

describe('enforcePolicy on real SDK calls', () => {
  let server: AwsServer;
  let state: EmulatorState;
  const developer = { accessKeyId: 'ASIAEXAMPLEDEVELOPR1', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYDEVELOPR01', sessionToken: 'IQoJb3JpZ2luX2VjEXAMPLEdeveloperSessionTokenForTheEmulatorOnly' };
  const base = () => ({ region: 'us-west-2', endpoint: server.url, credentials: developer, maxAttempts: 1 });
  beforeAll(async () => {
    const scenario: Scenario = loadScenario('api-switch-locked-out');
    state = new EmulatorState(scenario);
    server = await startAwsServer(state, { host: '127.0.0.1', endpoint: () => ({ url: 'https://127.0.0.1:6443', caPem: 'PEM' }) });
    state.enforcePolicy('arn:aws:iam::111122223333:role/developer', {
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Action: ['eks:DescribeCluster', 'logs:FilterLogEvents'], Resource: ['arn:aws:eks:*:111122223333:cluster/prod', 'arn:aws:logs:*:*:log-group:/aws/eks/prod/cluster:*'] }],
    });
  });
  afterAll(() => server.close());

  it('allows what the document allows, by the role behind the session', async () => {
    const { cluster } = await new EKSClient(base()).send(new DescribeClusterCommand({ name: 'prod' }));
    expect(cluster?.accessConfig?.authenticationMode).toBe('API');
    await expect(new CloudWatchLogsClient(base()).send(new FilterLogEventsCommand({ logGroupName: '/aws/eks/prod/cluster' }))).resolves.toBeDefined();
  });

  it("answers the service's AccessDenied naming the action and resource otherwise; GetCallerIdentity is never denied", async () => {
    await expect(new EKSClient(base()).send(new ListAccessEntriesCommand({ clusterName: 'prod' }))).rejects.toMatchObject({
      name: 'AccessDeniedException',
      message: 'User: arn:aws:sts::111122223333:assumed-role/developer/bob is not authorized to perform: eks:ListAccessEntries on resource: arn:aws:eks:us-west-2:111122223333:cluster/prod because no identity-based policy allows the eks:ListAccessEntries action',
    });
    expect((await new STSClient(base()).send(new GetCallerIdentityCommand({}))).Arn).toBe('arn:aws:sts::111122223333:assumed-role/developer/bob');
  });

  it('refuses a policy it cannot evaluate', () => {
    expect(() => state.enforcePolicy('x', { Statement: [{ Effect: 'Allow', Action: '*', Resource: '*', Condition: { Bool: { 'aws:MultiFactorAuthPresent': 'true' } } }] })).toThrow(/refused: .*Condition/);
  });

  it('without a policy, EKS writes are for IAM admins only, and every call lands in CloudTrail', async () => {
    const admin = { accessKeyId: 'AKIAEXAMPLEPLATADM01', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYPLATADM001' };
    const eks = new EKSClient({ ...base(), credentials: admin });
    const out = await eks.send(new CreateAccessEntryCommand({ clusterName: 'prod', principalArn: 'arn:aws:iam::111122223333:role/developer' }));
    expect(out.accessEntry?.principalArn).toBe('arn:aws:iam::111122223333:role/developer');
    const created = state.cloudtrail.records.filter((r) => r.eventName === 'CreateAccessEntry').at(-1)!;
    expect(created.event).toMatchObject({ readOnly: false, requestParameters: { name: 'prod', principalArn: 'arn:aws:iam::111122223333:role/developer' }, responseElements: { accessEntry: { principalArn: 'arn:aws:iam::111122223333:role/developer' } } });
    const denied = state.cloudtrail.records.filter((r) => r.eventName === 'ListAccessEntries').at(-1)!;
    expect(denied.event).toMatchObject({ errorCode: 'AccessDeniedException', readOnly: true });
    expect(state.requests.filter((r) => r.mutating).map((r) => r.operation)).toEqual(['CreateAccessEntry']);
  });
});
