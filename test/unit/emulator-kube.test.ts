import { request } from 'node:https';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { presignEksToken } from '../../src/facts/eks-token-presign.js';
import type { Scenario } from '../../packages/eks-emulator/src/scenario.js';
import { EmulatorState } from '../../packages/eks-emulator/src/state.js';
import { EksAuthenticator, type AuthenticationResult } from '../../packages/eks-emulator/src/kube/authenticate.js';
import { authorize } from '../../packages/eks-emulator/src/kube/authorize.js';
import { effectiveAccessEntries } from '../../packages/eks-emulator/src/kube/mapping.js';
import { bootstrapRbac, parseRbacObjects, RbacAuthorizer, type RequestAttributes } from '../../packages/eks-emulator/src/kube/rbac.js';
import { attributesOf, requestInfoOf } from '../../packages/eks-emulator/src/kube/request-info.js';
import { startKubeApiServer, type KubeApiServer } from '../../packages/eks-emulator/src/kube/server.js';
import { forbiddenStatus } from '../../packages/eks-emulator/src/kube/status.js';

const A = '111122223333';
const SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLE001';

// ---------------------------------------------------------------------------------------------
// RBAC

const scenarioRbac = parseRbacObjects([
  { kind: 'RoleBinding', metadata: { name: 'dev-edit', namespace: 'dev' }, roleRef: { kind: 'ClusterRole', name: 'edit' }, subjects: [{ kind: 'Group', name: 'dev-team' }] },
  { kind: 'Role', metadata: { name: 'aws-auth-reader', namespace: 'kube-system' }, rules: [{ apiGroups: [''], resources: ['configmaps'], resourceNames: ['aws-auth'], verbs: ['get'] }] },
  { kind: 'RoleBinding', metadata: { name: 'read-aws-auth', namespace: 'kube-system' }, roleRef: { kind: 'Role', name: 'aws-auth-reader' }, subjects: [{ kind: 'User', name: 'auditor' }] },
  { kind: 'ClusterRole', metadata: { name: 'scaler' }, rules: [{ apiGroups: ['apps'], resources: ['*/scale'], verbs: ['update'] }] },
  { kind: 'ClusterRoleBinding', metadata: { name: 'ci-scaler' }, roleRef: { kind: 'ClusterRole', name: 'scaler' }, subjects: [{ kind: 'ServiceAccount', name: 'ci', namespace: 'tools' }] },
  { kind: 'ClusterRoleBinding', metadata: { name: 'viewers' }, roleRef: { kind: 'ClusterRole', name: 'view' }, subjects: [{ kind: 'Group', name: 'viewers' }] },
  { kind: 'NotRbac', metadata: { name: 'ignored' } },
]);
const defaults = bootstrapRbac();
const rbac = new RbacAuthorizer([...defaults.roles, ...scenarioRbac.roles], [...defaults.bindings, ...scenarioRbac.bindings]);
const authed = (username: string, ...groups: string[]) => ({ username, groups: [...groups, 'system:authenticated'] });
const res = (verb: string, resource: string, namespace?: string, extra: Partial<RequestAttributes> = {}): RequestAttributes => ({ verb, resource, apiGroup: '', namespace, ...extra });

describe('RbacAuthorizer', () => {
  const cases: [string, { username: string; groups: string[] }, RequestAttributes, boolean, string][] = [
    ['cluster-admin via system:masters', authed('admin', 'system:masters'), res('delete', 'nodes'), true, 'RBAC: allowed by ClusterRoleBinding "cluster-admin" of ClusterRole "cluster-admin" to Group "system:masters"'],
    ['RoleBinding to ClusterRole edit, in its namespace', authed('bob', 'dev-team'), res('list', 'pods', 'dev'), true, 'RBAC: allowed by RoleBinding "dev-edit/dev" of ClusterRole "edit" to Group "dev-team"'],
    ['RoleBinding does not reach another namespace', authed('bob', 'dev-team'), res('list', 'pods', 'default'), false, ''],
    ['group with no binding', authed('eve', 'nobody-binds-this'), res('list', 'pods', 'default'), false, ''],
    ['resourceNames allows the named object', authed('auditor'), res('get', 'configmaps', 'kube-system', { name: 'aws-auth' }), true, 'RBAC: allowed by RoleBinding "read-aws-auth/kube-system" of Role "aws-auth-reader" to User "auditor"'],
    ['resourceNames does not allow another object', authed('auditor'), res('get', 'configmaps', 'kube-system', { name: 'coredns' }), false, ''],
    ['resourceNames does not allow list', authed('auditor'), res('list', 'configmaps', 'kube-system'), false, ''],
    ['view reads pods/log', authed('v', 'viewers'), res('get', 'pods', 'default', { subresource: 'log' }), true, 'RBAC: allowed by ClusterRoleBinding "viewers" of ClusterRole "view" to Group "viewers"'],
    ['view cannot exec', authed('v', 'viewers'), res('create', 'pods', 'default', { subresource: 'exec' }), false, ''],
    ['view cannot read secrets', authed('v', 'viewers'), res('get', 'secrets', 'default'), false, ''],
    ['*/scale matches any scale subresource', authed('system:serviceaccount:tools:ci'), { verb: 'update', apiGroup: 'apps', resource: 'deployments', subresource: 'scale', namespace: 'x' }, true, 'RBAC: allowed by ClusterRoleBinding "ci-scaler" of ClusterRole "scaler" to ServiceAccount "tools/ci"'],
    ['*/scale does not match the resource itself', authed('system:serviceaccount:tools:ci'), { verb: 'update', apiGroup: 'apps', resource: 'deployments', namespace: 'x' }, false, ''],
    ['every authenticated user may discover', authed('eve'), { verb: 'get', path: '/apis/apps/v1' }, true, 'RBAC: allowed by ClusterRoleBinding "system:discovery" of ClusterRole "system:discovery" to Group "system:authenticated"'],
    ['every authenticated user may create a SelfSubjectAccessReview', authed('eve'), { verb: 'create', apiGroup: 'authorization.k8s.io', resource: 'selfsubjectaccessreviews' }, true, 'RBAC: allowed by ClusterRoleBinding "system:basic-user" of ClusterRole "system:basic-user" to Group "system:authenticated"'],
    ['non-resource path outside discovery', authed('eve'), { verb: 'get', path: '/metrics' }, false, ''],
    ['anonymous may read /version', { username: 'system:anonymous', groups: ['system:unauthenticated'] }, { verb: 'get', path: '/version' }, true, 'RBAC: allowed by ClusterRoleBinding "system:public-info-viewer" of ClusterRole "system:public-info-viewer" to Group "system:unauthenticated"'],
    ['anonymous may not list pods', { username: 'system:anonymous', groups: ['system:unauthenticated'] }, res('list', 'pods', 'default'), false, ''],
  ];
  it.each(cases)('%s', (_name, user, attrs, allowed, reason) => {
    expect(rbac.authorize(user, attrs)).toEqual({ allowed, reason });
  });

  it('lists the rules that apply in a namespace (SelfSubjectRulesReview)', () => {
    const rules = rbac.rulesFor(authed('bob', 'dev-team'), 'dev');
    expect(rules.some((r) => r.resources?.includes('pods') && r.verbs.includes('create'))).toBe(true);
    expect(rbac.rulesFor(authed('bob', 'dev-team'), 'default').some((r) => r.resources?.includes('pods'))).toBe(false);
  });
});

describe('authorize: system:masters, RBAC, then EKS access policies', () => {
  const policy = (name: string, scope: { type: 'cluster' | 'namespace'; namespaces?: string[] }) => ({ policyArn: `arn:aws:eks::aws:cluster-access-policy/${name}`, accessScope: scope });
  const entryUser = (policies: ReturnType<typeof policy>[]) => ({ ...authed('arn:aws:sts::111122223333:assumed-role/dev/bob'), accessPolicies: policies, entryPrincipalArn: `arn:aws:iam::${A}:role/dev` });
  const cases: [string, Parameters<typeof authorize>[1], RequestAttributes, boolean][] = [
    ['system:masters bypasses RBAC (privileged group)', authed('kubernetes-admin', 'system:masters'), res('delete', 'pods', 'default'), true],
    ['ClusterAdmin policy allows anything', entryUser([policy('AmazonEKSClusterAdminPolicy', { type: 'cluster' })]), res('delete', 'nodes'), true],
    ['View policy, namespace scope, inside', entryUser([policy('AmazonEKSViewPolicy', { type: 'namespace', namespaces: ['apps'] })]), res('list', 'pods', 'apps'), true],
    ['View policy, namespace scope, outside', entryUser([policy('AmazonEKSViewPolicy', { type: 'namespace', namespaces: ['apps'] })]), res('list', 'pods', 'default'), false],
    ['View policy, namespace wildcard', entryUser([policy('AmazonEKSViewPolicy', { type: 'namespace', namespaces: ['team-*'] })]), res('list', 'pods', 'team-a'), true],
    ['View policy does not read secrets', entryUser([policy('AmazonEKSViewPolicy', { type: 'cluster' })]), res('get', 'secrets', 'default'), false],
    ['AdminView policy reads secrets', entryUser([policy('AmazonEKSAdminViewPolicy', { type: 'cluster' })]), res('get', 'secrets', 'default'), true],
    ['AdminView policy cannot write', entryUser([policy('AmazonEKSAdminViewPolicy', { type: 'cluster' })]), res('delete', 'pods', 'default'), false],
    ['Edit policy writes deployments', entryUser([policy('AmazonEKSEditPolicy', { type: 'cluster' })]), { verb: 'create', apiGroup: 'apps', resource: 'deployments', namespace: 'x' }, true],
    ['Admin policy manages rolebindings in its namespace', entryUser([policy('AmazonEKSAdminPolicy', { type: 'namespace', namespaces: ['x'] })]), { verb: 'create', apiGroup: 'rbac.authorization.k8s.io', resource: 'rolebindings', namespace: 'x' }, true],
    ['no policy, no group: nothing', entryUser([]), res('list', 'pods', 'default'), false],
  ];
  it.each(cases)('%s', (_name, user, attrs, allowed) => {
    expect(authorize(rbac, user, attrs).allowed).toBe(allowed);
  });

  it('names the access policy in the reason', () => {
    const d = authorize(rbac, entryUser([policy('AmazonEKSClusterAdminPolicy', { type: 'cluster' })]), res('list', 'pods', 'default'));
    expect(d.reason).toBe(
      `EKS Access Policy: allowed by ClusterRoleBinding "arn:aws:iam::${A}:role/dev+arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy" of ClusterRole "arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy" to User "arn:aws:sts::111122223333:assumed-role/dev/bob"`,
    );
  });
});

describe('request info and Forbidden messages (apiserver wording)', () => {
  const cases: [string, string, string, string][] = [
    ['GET', '/api/v1/namespaces/default/pods', 'pods is forbidden: User "u" cannot list resource "pods" in API group "" in the namespace "default"', 'list pods'],
    ['GET', '/api/v1/namespaces/kube-system/configmaps/aws-auth', 'configmaps "aws-auth" is forbidden: User "u" cannot get resource "configmaps" in API group "" in the namespace "kube-system"', 'get configmaps'],
    ['GET', '/api/v1/nodes', 'nodes is forbidden: User "u" cannot list resource "nodes" in API group "" at the cluster scope', 'list nodes'],
    ['GET', '/api/v1/namespaces/kube-system', 'namespaces "kube-system" is forbidden: User "u" cannot get resource "namespaces" in API group "" at the cluster scope', 'get namespaces'],
    ['GET', '/api/v1/pods?watch=true', 'pods is forbidden: User "u" cannot watch resource "pods" in API group "" at the cluster scope', 'watch pods'],
    ['DELETE', '/apis/rbac.authorization.k8s.io/v1/clusterrolebindings/x', 'clusterrolebindings.rbac.authorization.k8s.io "x" is forbidden: User "u" cannot delete resource "clusterrolebindings" in API group "rbac.authorization.k8s.io" at the cluster scope', 'delete clusterrolebindings'],
    ['GET', '/api/v1/namespaces/default/pods/p/log', 'pods "p" is forbidden: User "u" cannot get resource "pods/log" in API group "" in the namespace "default"', 'get pods'],
    ['GET', '/metrics', 'forbidden: User "u" cannot get path "/metrics"', 'get'],
  ];
  it.each(cases)('%s %s', (method, url, message, verbAndResource) => {
    const u = new URL(url, 'https://x');
    const info = requestInfoOf(method, u.pathname, u.searchParams);
    const attrs = attributesOf(info);
    expect(`${attrs.verb}${attrs.resource ? ` ${attrs.resource}` : ''}`).toBe(verbAndResource);
    const status = forbiddenStatus('u', attrs);
    expect(status).toMatchObject({ kind: 'Status', apiVersion: 'v1', status: 'Failure', reason: 'Forbidden', code: 403, message });
  });
});

// ---------------------------------------------------------------------------------------------
// Authentication chain

interface P {
  name: string;
  arn: string;
  key: string;
  session?: string;
  expired?: boolean;
  invalid?: boolean;
}
const principals: P[] = [
  { name: 'admin', arn: `arn:aws:iam::${A}:user/admin`, key: 'AKIAEXAMPLEADMIN0001' },
  { name: 'dev', arn: `arn:aws:iam::${A}:role/dev`, key: 'ASIAEXAMPLEDEV000001', session: 'bob@example.com' },
  { name: 'pathed', arn: `arn:aws:iam::${A}:role/teams/platform/ops`, key: 'ASIAEXAMPLEOPS000001', session: 'carol' },
  { name: 'stranger', arn: `arn:aws:iam::${A}:user/stranger`, key: 'AKIAEXAMPLESTRANGER1' },
  { name: 'creator', arn: `arn:aws:iam::${A}:role/creator`, key: 'ASIAEXAMPLECREATOR01', session: 'terraform' },
  { name: 'node', arn: `arn:aws:iam::${A}:role/eks-node`, key: 'ASIAEXAMPLENODE00001', session: 'i-0123456789abcdef0' },
  { name: 'expired', arn: `arn:aws:iam::${A}:user/expired`, key: 'AKIAEXAMPLEEXPIRED01', expired: true },
  { name: 'invalid', arn: `arn:aws:iam::${A}:user/invalid`, key: 'AKIAEXAMPLEINVALID01', invalid: true },
];

function scenarioWith(cluster: Partial<Scenario['cluster']>, extra: Partial<Scenario> = {}): Scenario {
  return {
    name: 'unit',
    description: 'unit',
    account: A,
    region: 'us-west-2',
    principals: principals.map((p) => ({
      name: p.name,
      arn: p.arn,
      accessKeyId: p.key,
      secretAccessKey: SECRET,
      sessionName: p.session,
      expired: p.expired,
      invalid: p.invalid,
    })),
    local: { profiles: {} },
    kubeconfig: {},
    cluster: { name: 'prod', creator: 'creator', ...cluster },
    awsAuth: {
      mapRoles:
        `- rolearn: arn:aws:iam::${A}:role/dev\n  username: dev:{{SessionName}}\n  groups: [dev-team]\n` +
        `- rolearn: arn:aws:iam::${A}:role/eks-node\n  username: system:node:{{EC2PrivateDNSName}}\n  groups: [system:bootstrappers, system:nodes]\n`,
      mapUsers: `- userarn: arn:aws:iam::${A}:user/admin\n  username: admin\n  groups: [system:masters]\n`,
    },
    expect: { exitCode: 0, rootCauses: [], kubectl: 'ok' },
    ...extra,
  };
}

const NOW = new Date();
const tokenFor = (name: string, opts: { cluster?: string; now?: Date } = {}) => {
  const p = principals.find((x) => x.name === name)!;
  return presignEksToken({ credentials: { accessKeyId: p.key, secretAccessKey: SECRET }, region: 'us-west-2', clusterName: opts.cluster ?? 'prod', now: opts.now ?? NOW });
};

function authenticator(scenario: Scenario) {
  const state = new EmulatorState(scenario);
  const lines: string[] = [];
  state.appendAuthenticatorLog = (m: string) => void lines.push(m);
  return { auth: new EksAuthenticator(state), lines };
}

type Expect = { ok: true; username: string | RegExp; groups: string[] } | { ok: false; error: string | RegExp; log: RegExp };

describe('EksAuthenticator: token → STS → canonical ARN → mapping', () => {
  const notMapped = (arn: string, wording = 'identity is not mapped') =>
    new RegExp(`level=warning msg="access denied" arn="${arn.replace(/[/.]/g, '\\$&')}" client=.* error="${wording}" method=POST path=/authenticate`);
  const cases: [string, Scenario, () => Promise<string>, Expect][] = [
    ['CONFIG_MAP: role session mapped by aws-auth ({{SessionName}} turns @ into -)', scenarioWith({ authenticationMode: 'CONFIG_MAP' }), () => tokenFor('dev'),
      { ok: true, username: 'dev:bob-example.com', groups: ['dev-team', 'system:authenticated'] }],
    ['CONFIG_MAP: a node role renders {{EC2PrivateDNSName}} from its instance session', scenarioWith({ authenticationMode: 'CONFIG_MAP' }), () => tokenFor('node'),
      { ok: true, username: /^system:node:ip-192-168-\d+-\d+\.us-west-2\.compute\.internal$/, groups: ['system:bootstrappers', 'system:nodes', 'system:authenticated'] }],
    ['CONFIG_MAP: user mapped by mapUsers', scenarioWith({ authenticationMode: 'CONFIG_MAP' }), () => tokenFor('admin'),
      { ok: true, username: 'admin', groups: ['system:masters', 'system:authenticated'] }],
    ['CONFIG_MAP: unmapped user is denied', scenarioWith({ authenticationMode: 'CONFIG_MAP' }), () => tokenFor('stranger'),
      { ok: false, error: 'identity is not mapped', log: notMapped(`arn:aws:iam::${A}:user/stranger`) }],
    ['older wording from the scenario', scenarioWith({ authenticationMode: 'CONFIG_MAP' }, { notMappedMessage: 'ARN is not mapped' }), () => tokenFor('stranger'),
      { ok: false, error: 'ARN is not mapped', log: notMapped(`arn:aws:iam::${A}:user/stranger`, 'ARN is not mapped') }],
    ['CONFIG_MAP: the creator is kubernetes-admin in system:masters', scenarioWith({ authenticationMode: 'CONFIG_MAP' }), () => tokenFor('creator'),
      { ok: true, username: 'kubernetes-admin', groups: ['system:masters', 'system:authenticated'] }],
    ['CONFIG_MAP: no bootstrap permissions, the creator is nobody', scenarioWith({ authenticationMode: 'CONFIG_MAP', bootstrapClusterCreatorAdminPermissions: false }), () => tokenFor('creator'),
      { ok: false, error: 'identity is not mapped', log: notMapped(`arn:aws:iam::${A}:role/creator`) }],
    ['token for another cluster name: STS SignatureDoesNotMatch', scenarioWith({}), () => tokenFor('admin', { cluster: 'staging' }),
      { ok: false, error: /^sts getCallerIdentity failed: error from AWS \(expected 200, got 403\) on us-west-2 endpoint\. Body: \{"Error":\{"Code":"SignatureDoesNotMatch"/, log: /level=warning msg="access denied" client=\S+ error="sts getCallerIdentity failed: .*SignatureDoesNotMatch.*" method=POST path=\/authenticate$/ }],
    ['expired credentials: STS ExpiredToken', scenarioWith({}), () => tokenFor('expired'),
      { ok: false, error: /got 403\).*"Code":"ExpiredToken"/, log: /ExpiredToken/ }],
    ['invalid credentials: STS InvalidClientTokenId', scenarioWith({}), () => tokenFor('invalid'),
      { ok: false, error: /got 403\).*"Code":"InvalidClientTokenId"/, log: /InvalidClientTokenId/ }],
    ['a key STS never issued: InvalidClientTokenId', scenarioWith({}), () =>
      presignEksToken({ credentials: { accessKeyId: 'AKIAEXAMPLEUNKNOWN01', secretAccessKey: SECRET }, region: 'us-west-2', clusterName: 'prod', now: NOW }),
      { ok: false, error: /"Code":"InvalidClientTokenId"/, log: /InvalidClientTokenId/ }],
    ['a token older than 15 minutes', scenarioWith({}), () => tokenFor('admin', { now: new Date(NOW.getTime() - 16 * 60_000) }),
      { ok: false, error: /^input token was not properly formatted: X-Amz-Date parameter is expired \(15 minute expiration\) /, log: /msg="access denied" client=\S+ error="input token was not properly formatted: X-Amz-Date parameter is expired/ }],
    ['not an EKS token', scenarioWith({}), async () => 'eyJhbGciOiJSUzI1NiJ9.e30.sig',
      { ok: false, error: 'input token was not properly formatted: token is missing expected "k8s-aws-v1." prefix', log: /^time=\S+ level=warning msg="access denied" client=\S+ error="input token was not properly formatted: token is missing expected \\"k8s-aws-v1.\\" prefix" method=POST path=\/authenticate$/ }],
    ['API: default access-entry username of a role is its session ARN', scenarioWith({ authenticationMode: 'API' }, { accessEntries: [{ principalArn: `arn:aws:iam::${A}:role/dev`, kubernetesGroups: ['dev-team'] }] }), () => tokenFor('dev'),
      { ok: true, username: `arn:aws:sts::${A}:assumed-role/dev/bob-example.com`, groups: ['dev-team', 'system:authenticated'] }],
    ['API: default access-entry username of a user is its ARN', scenarioWith({ authenticationMode: 'API' }, { accessEntries: [{ principalArn: `arn:aws:iam::${A}:user/stranger` }] }), () => tokenFor('stranger'),
      { ok: true, username: `arn:aws:iam::${A}:user/stranger`, groups: ['system:authenticated'] }],
    ['API: custom username template', scenarioWith({ authenticationMode: 'API' }, { accessEntries: [{ principalArn: `arn:aws:iam::${A}:role/dev`, username: 'developer:{{SessionName}}' }] }), () => tokenFor('dev'),
      { ok: true, username: 'developer:bob-example.com', groups: ['system:authenticated'] }],
    ['API: aws-auth is ignored', scenarioWith({ authenticationMode: 'API' }), () => tokenFor('dev'),
      { ok: false, error: 'identity is not mapped', log: notMapped(`arn:aws:iam::${A}:role/dev`) }],
    ['API_AND_CONFIG_MAP: the access entry wins over aws-auth', scenarioWith({ authenticationMode: 'API_AND_CONFIG_MAP' }, { accessEntries: [{ principalArn: `arn:aws:iam::${A}:role/dev`, username: 'from-entry' }] }), () => tokenFor('dev'),
      { ok: true, username: 'from-entry', groups: ['system:authenticated'] }],
    ['API_AND_CONFIG_MAP: aws-auth still maps others', scenarioWith({ authenticationMode: 'API_AND_CONFIG_MAP' }, { accessEntries: [] }), () => tokenFor('dev'),
      { ok: true, username: 'dev:bob-example.com', groups: ['dev-team', 'system:authenticated'] }],
    ['API: role access entry written with its path matches the session', scenarioWith({ authenticationMode: 'API' }, { accessEntries: [{ principalArn: `arn:aws:iam::${A}:role/teams/platform/ops` }] }), () => tokenFor('pathed'),
      { ok: true, username: `arn:aws:sts::${A}:assumed-role/ops/carol`, groups: ['system:authenticated'] }],
    ['API: role access entry without the path the role has does not match', scenarioWith({ authenticationMode: 'API' }, { accessEntries: [{ principalArn: `arn:aws:iam::${A}:role/ops` }] }), () => tokenFor('pathed'),
      { ok: false, error: 'identity is not mapped', log: notMapped(`arn:aws:iam::${A}:role/ops`) }],
    ['API: the creator gets its bootstrap access entry', scenarioWith({ authenticationMode: 'API' }), () => tokenFor('creator'),
      { ok: true, username: `arn:aws:sts::${A}:assumed-role/creator/terraform`, groups: ['system:authenticated'] }],
  ];

  it.each(cases)('%s', async (_name, scenario, token, want) => {
    const { auth, lines } = authenticator(scenario);
    const result: AuthenticationResult = auth.authenticate(await token(), '127.0.0.1:50000', NOW);
    if (want.ok) {
      if (!result.ok) throw new Error(result.error);
      if (typeof want.username === 'string') expect(result.user.username).toBe(want.username);
      else expect(result.user.username).toMatch(want.username);
      expect(result.user.groups).toEqual(want.groups);
      const granted = lines.find((l) => l.includes('msg="access granted"'));
      const u = result.user.username;
      expect(granted).toContain(`username=${/^[A-Za-z0-9\-._/@^+]*$/.test(u) ? u : `"${u}"`}`);
      expect(granted).toContain(`groups="[${want.groups.filter((g) => g !== 'system:authenticated').join(' ')}]"`);
    } else {
      expect(result.ok).toBe(false);
      if (result.ok) return;
      if (typeof want.error === 'string') expect(result.error).toBe(want.error);
      else expect(result.error).toMatch(want.error);
      expect(lines.at(-1)).toMatch(want.log);
      expect(lines.join('\n')).not.toContain('X-Amz-Signature');
    }
  });

  it('fills uid and extra as EKS does, and logs the STS response first', async () => {
    const { auth, lines } = authenticator(scenarioWith({ authenticationMode: 'CONFIG_MAP' }));
    const result = auth.authenticate(await tokenFor('dev'), '127.0.0.1:50000', NOW);
    if (!result.ok) throw new Error(result.error);
    expect(result.user.uid).toMatch(new RegExp(`^aws-iam-authenticator:${A}:AROA[A-Z2-7]{17}$`));
    expect(result.user.extra).toEqual({
      accessKeyId: ['ASIAEXAMPLEDEV000001'],
      arn: [`arn:aws:sts::${A}:assumed-role/dev/bob@example.com`],
      canonicalArn: [`arn:aws:iam::${A}:role/dev`],
      principalId: [result.user.uid.split(':')[2]],
      sessionName: ['bob@example.com'],
      // pkg/server/server.go authenticateEndpoint sets this key too.
      'sigs.k8s.io/aws-iam-authenticator/principalId': [result.user.uid.split(':')[2]],
    });
    expect(lines[0]).toMatch(/msg="STS response" accesskeyid=ASIAEXAMPLEDEV000001 accountid=111122223333 arn="arn:aws:sts::111122223333:assumed-role\/dev\/bob@example.com"/);
    expect(lines[1]).toMatch(/msg="access granted" arn="arn:aws:iam::111122223333:role\/dev"/);
  });

  it('caches a result for the same token, as kube-apiserver caches webhook answers', async () => {
    const { auth, lines } = authenticator(scenarioWith({}));
    const token = await tokenFor('stranger');
    auth.authenticate(token, '127.0.0.1:1', NOW);
    const count = lines.length;
    expect(auth.authenticate(token, '127.0.0.1:1', new Date(NOW.getTime() + 1000)).ok).toBe(false);
    expect(lines.length).toBe(count);
  });

  it('lists the creator entry among the access entries only in API modes, made when the cluster was', () => {
    expect(effectiveAccessEntries(scenarioWith({ authenticationMode: 'CONFIG_MAP' }))).toEqual([]);
    expect(effectiveAccessEntries(scenarioWith({ authenticationMode: 'API_AND_CONFIG_MAP', createdDaysAgo: 45 }))).toEqual([
      { principalArn: `arn:aws:iam::${A}:role/creator`, type: 'STANDARD', policies: [{ policyArn: 'arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy', accessScope: { type: 'cluster' } }], createdDaysAgo: 45 },
    ]);
  });
});

// ---------------------------------------------------------------------------------------------
// The HTTPS server

interface Reply {
  status: number;
  body: Record<string, unknown>;
}

describe('startKubeApiServer', () => {
  let server: KubeApiServer;
  let state: EmulatorState;
  beforeAll(async () => {
    state = new EmulatorState(
      scenarioWith(
        { authenticationMode: 'API_AND_CONFIG_MAP', version: '1.30' },
        {
          accessEntries: [{ principalArn: `arn:aws:iam::${A}:user/stranger`, policies: [{ policyArn: 'arn:aws:eks::aws:cluster-access-policy/AmazonEKSViewPolicy', accessScope: { type: 'namespace', namespaces: ['default'] } }] }],
          faults: [{ service: 'kube', operation: '/api/v1/namespaces/flaky', kind: '5xx' }],
        },
      ),
    );
    server = await startKubeApiServer(state, { host: '127.0.0.1' });
  });
  afterAll(() => server.close());

  const call = (method: string, path: string, token?: string, body?: unknown, accept = 'application/json', extraHeaders: Record<string, string> = {}): Promise<Reply> =>
    new Promise((resolve, reject) => {
      const payload = body === undefined ? undefined : JSON.stringify(body);
      const req = request(
        `${server.url}${path}`,
        { method, ca: server.caPem, headers: { accept, ...extraHeaders, ...(token ? { authorization: `Bearer ${token}` } : {}), ...(payload ? { 'content-type': 'application/json' } : {}) } },
        (res) => {
          let text = '';
          res.on('data', (c) => (text += c));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text.startsWith('{') ? JSON.parse(text) : { text } }));
        },
      );
      req.on('error', reject);
      req.end(payload);
    });

  it('serves /version with an EKS gitVersion, even anonymously, over TLS the CA vouches for', async () => {
    const r = await call('GET', '/version');
    expect(r.status).toBe(200);
    expect(r.body.gitVersion).toMatch(/^v1\.30\.\d+-eks-[0-9a-f]{7}$/);
    expect(r.body).toMatchObject({ major: '1', minor: '30+' });
  });

  it('answers a bad token with the exact 401 Status body', async () => {
    const r = await call('GET', '/api/v1/namespaces/default/pods', await tokenFor('admin', { cluster: 'other' }));
    expect(r).toEqual({ status: 401, body: { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'Unauthorized', reason: 'Unauthorized', code: 401 } });
  });

  it('lets a mapped admin list pods and read aws-auth', async () => {
    const token = await tokenFor('admin');
    const pods = await call('GET', '/api/v1/namespaces/default/pods', token);
    expect(pods.status).toBe(200);
    expect(pods.body.kind).toBe('PodList');
    const cm = await call('GET', '/api/v1/namespaces/kube-system/configmaps/aws-auth', token);
    expect(cm.body).toMatchObject({ kind: 'ConfigMap', apiVersion: 'v1', metadata: { name: 'aws-auth', namespace: 'kube-system' } });
    expect((cm.body.data as Record<string, string>).mapUsers).toContain('user/admin');
    const table = await call('GET', '/api/v1/namespaces/kube-system/pods', token, undefined, 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json');
    expect(table.body.kind).toBe('Table');
    expect((table.body.rows as unknown[]).length).toBeGreaterThan(0);
  });

  it('honours a namespace-scoped access policy and says Forbidden elsewhere', async () => {
    const token = await tokenFor('stranger');
    expect((await call('GET', '/api/v1/namespaces/default/pods', token)).status).toBe(200);
    const denied = await call('GET', '/api/v1/namespaces/kube-system/pods', token);
    expect(denied).toEqual({
      status: 403,
      body: {
        kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', reason: 'Forbidden', code: 403,
        message: `pods is forbidden: User "arn:aws:iam::${A}:user/stranger" cannot list resource "pods" in API group "" in the namespace "kube-system"`,
        details: { kind: 'pods' },
      },
    });
  });

  it('answers the three self reviews without storing anything', async () => {
    const token = await tokenFor('dev');
    const who = await call('POST', '/apis/authentication.k8s.io/v1/selfsubjectreviews', token, { apiVersion: 'authentication.k8s.io/v1', kind: 'SelfSubjectReview' });
    expect(who.status).toBe(201);
    expect(who.body).toMatchObject({ kind: 'SelfSubjectReview', status: { userInfo: { username: 'dev:bob-example.com', groups: ['dev-team', 'system:authenticated'] } } });
    const can = await call('POST', '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews', token, { spec: { resourceAttributes: { namespace: 'default', verb: 'list', resource: 'pods' } } });
    expect(can.body).toMatchObject({ kind: 'SelfSubjectAccessReview', status: { allowed: false } });
    const rules = await call('POST', '/apis/authorization.k8s.io/v1/selfsubjectrulesreviews', token, { spec: { namespace: 'default' } });
    // A webhook authorizer (EKS access policies) cannot list its rules.
    expect(rules.body).toMatchObject({ kind: 'SelfSubjectRulesReview', status: { incomplete: true, evaluationError: 'webhook authorizer does not support user rule resolution' } });
    const recorded = state.requests.filter((r) => r.operation.startsWith('create self'));
    expect(recorded.length).toBe(3);
    expect(recorded.every((r) => !r.mutating)).toBe(true);
  });

  it('refuses writes (405 when allowed, 403 when not) and records them as mutating', async () => {
    const admin = await call('DELETE', '/api/v1/namespaces/default/pods/hello-6f7d9c5b8d-2kq9z', await tokenFor('admin'));
    expect(admin.body).toMatchObject({ reason: 'MethodNotAllowed', code: 405 });
    const dev = await call('POST', '/api/v1/namespaces/default/configmaps', await tokenFor('dev'), { metadata: { name: 'x' } });
    expect(dev.body).toMatchObject({ reason: 'Forbidden', code: 403 });
    const writes = state.requests.filter((r) => r.method === 'DELETE' || (r.method === 'POST' && r.operation === 'create configmaps'));
    expect(writes.map((w) => [w.mutating, w.status])).toEqual([[true, 405], [true, 403]]);
  });

  it('serves discovery documents kubectl needs', async () => {
    const token = await tokenFor('dev');
    expect((await call('GET', '/api', token)).body).toMatchObject({ kind: 'APIVersions', versions: ['v1'] });
    const groups = (await call('GET', '/apis', token)).body.groups as { name: string }[];
    expect(groups.map((g) => g.name).sort()).toEqual(['authentication.k8s.io', 'authorization.k8s.io', 'rbac.authorization.k8s.io']);
    const rbacList = (await call('GET', '/apis/rbac.authorization.k8s.io/v1', token)).body;
    expect((rbacList.resources as { name: string }[]).map((r) => r.name)).toContain('clusterrolebindings');
    expect((await call('GET', '/apis/apps/v1', token)).status).toBe(404);
  });

  it('impersonates (kubectl --as) only for callers allowed to', async () => {
    const as = { 'impersonate-user': 'jane', 'impersonate-group': 'dev-team' };
    const byAdmin = await call('GET', '/api/v1/namespaces/default/pods', await tokenFor('admin'), undefined, 'application/json', as);
    expect(byAdmin.body).toMatchObject({ code: 403, message: 'pods is forbidden: User "jane" cannot list resource "pods" in API group "" in the namespace "default"' });
    const byDev = await call('GET', '/api/v1/namespaces/default/pods', await tokenFor('dev'), undefined, 'application/json', as);
    expect(byDev.body).toMatchObject({ code: 403, message: 'users "jane" is forbidden: User "dev:bob-example.com" cannot impersonate resource "users" in API group "" at the cluster scope' });
  });

  it('injects scenario faults by path prefix', async () => {
    const r = await call('GET', '/api/v1/namespaces/flaky/pods', await tokenFor('admin'));
    expect(r.status).toBe(503);
  });
});
