import { describe, expect, it } from 'vitest';
import type { Facts } from '../../src/engine/facts.js';
import type { Check, CheckContext, RunOptions } from '../../src/engine/types.js';
import { identityCheck } from '../../src/checks/identity/identity.js';
import { rbacCheck } from '../../src/checks/kube/rbac.js';
import { awsAuthCheck } from '../../src/checks/mapping/aws-auth.js';
import { mappingCheck } from '../../src/checks/mapping/mapping.js';
import type { EksClusterInfo } from '../../src/facts/eks-cluster.js';
import type { KubeApiClient } from '../../src/facts/kube-api.js';
import { fixture } from '../helpers/cli.js';

const options: RunOptions = { since: 3_600_000, noLogs: false, offline: false, timeoutMs: 10_000, verbose: false, env: {} };
const ROLE = 'arn:aws:iam::111122223333:role/dev';
const principal = { arn: 'arn:aws:sts::111122223333:assumed-role/dev/alice', principalArn: ROLE, accountId: '111122223333', source: 'exec-token' as const };
const cluster = (authenticationMode: string): EksClusterInfo => ({ name: 'prod', authenticationMode, publicAccessCidrs: [], enabledLogTypes: ['authenticator'] });

function run(check: Check, facts: Facts, extra: Partial<RunOptions> = {}) {
  const ctx: CheckContext = {
    facts,
    target: { kubeconfig: [], cluster: 'prod', region: 'us-west-2', accountId: '111122223333' },
    options: { ...options, ...extra },
    signal: new AbortController().signal,
    remainingMs: () => 10_000,
    progress: () => {},
    once: (_key, work) => work(),
    finished: async () => {},
  };
  return check.run(ctx);
}

const config = (roles: string[] = []) => ({ roles: roles.map((arn) => ({ section: 'mapRoles' as const, arn, groups: ['system:masters'] })), users: [], accounts: [], problems: [] });
const notMappedLine = { outcome: 'denied', reason: 'not-mapped', error: 'identity is not mapped', timestamp: 0, stream: 'authenticator-x', msg: 'access denied', fields: {} } as never;

describe('mapping verdict (is the principal mapped at all?)', () => {
  it.each<[string, Facts, string | undefined]>([
    ['CONFIG_MAP, aws-auth readable without the principal', { identity: principal, cluster: cluster('CONFIG_MAP'), awsAuth: { readable: true, exists: true, config: config(['arn:aws:iam::111122223333:role/admin']) } }, 'aws-auth/principal-not-mapped'],
    ['CONFIG_MAP, aws-auth unreadable, no logs: no verdict without evidence', { identity: principal, cluster: cluster('CONFIG_MAP'), awsAuth: { readable: false, exists: true } }, undefined],
    ['CONFIG_MAP, aws-auth unreadable, the authenticator says not mapped', { identity: principal, cluster: cluster('CONFIG_MAP'), awsAuth: { readable: false, exists: true }, logs: { notMapped: notMappedLine, admins: [] } }, 'aws-auth/principal-not-mapped'],
    ['API, entries readable, none for the principal', { identity: principal, cluster: cluster('API'), accessEntries: { readable: true, admins: [] } }, 'access-entry/missing'],
    ['API, entries not readable', { identity: principal, cluster: cluster('API'), accessEntries: { readable: false, admins: [] } }, undefined],
    ['API_AND_CONFIG_MAP, neither maps it', { identity: principal, cluster: cluster('API_AND_CONFIG_MAP'), accessEntries: { readable: true, admins: [] }, awsAuth: { readable: true, exists: false } }, 'aws-auth/principal-not-mapped'],
    ['API_AND_CONFIG_MAP, only the entries are known: not enough', { identity: principal, cluster: cluster('API_AND_CONFIG_MAP'), accessEntries: { readable: true, admins: [] }, awsAuth: { readable: false, exists: true } }, undefined],
    ['an access entry maps it', { identity: principal, cluster: cluster('API'), accessEntries: { readable: true, admins: [], entry: { principalArn: ROLE, kubernetesGroups: [], policies: [] } } }, undefined],
    ['aws-auth maps it', { identity: principal, cluster: cluster('CONFIG_MAP'), awsAuth: { readable: true, exists: true, config: config([ROLE]), mapped: { via: 'mapRoles', username: 'dev', groups: [] } } }, undefined],
    ['the API server accepted it (e.g. the invisible creator)', { identity: principal, cluster: cluster('CONFIG_MAP'), awsAuth: { readable: true, exists: false }, kube: { api: {} as KubeApiClient, authenticated: true } }, undefined],
  ])('%s', async (_, facts, rule) => {
    const out = await run(mappingCheck, facts);
    expect(out.findings.map((f) => f.rule)).toEqual(rule ? [rule] : []);
  });

  it('names the admins every source knows, once each', async () => {
    const out = await run(mappingCheck, {
      identity: principal,
      cluster: cluster('API_AND_CONFIG_MAP'),
      accessEntries: { readable: true, admins: ['arn:aws:iam::111122223333:role/platform'] },
      awsAuth: { readable: true, exists: true, config: config(['arn:aws:iam::111122223333:role/admin', 'arn:aws:iam::111122223333:role/platform']) },
      logs: { admins: ['arn:aws:iam::111122223333:user/creator'], creatorArn: 'arn:aws:iam::111122223333:user/creator' },
    });
    expect(out.findings[0]!.evidence).toMatchObject({
      admins: ['arn:aws:iam::111122223333:role/platform', 'arn:aws:iam::111122223333:role/admin', 'arn:aws:iam::111122223333:user/creator'],
      creatorArn: 'arn:aws:iam::111122223333:user/creator',
      sources: ['access entries', 'aws-auth'],
    });
  });
});

describe('identity: the principal the cluster sees', () => {
  it('prefers the token over the credential chain and flags another account than the cluster', async () => {
    const facts: Facts = { execIdentity: { ...principal, accountId: '999999999999' }, sdkIdentity: { ...principal, source: 'sdk' } };
    const out = await run(identityCheck, facts);
    expect(facts.identity?.source).toBe('exec-token');
    expect(out.findings).toEqual([{ rule: 'identity/account-mismatch', evidence: { identityAccount: '999999999999', clusterAccount: '111122223333', principalArn: ROLE } }]);
  });

  it('--principal replaces the identity, canonicalized', async () => {
    const facts: Facts = {};
    await run(identityCheck, facts, { principal: 'arn:aws:sts::111122223333:assumed-role/dev/bob' });
    expect(facts.identity).toEqual({ arn: 'arn:aws:sts::111122223333:assumed-role/dev/bob', principalArn: ROLE, accountId: '111122223333', source: 'principal-option' });
  });

  it('is skipped, not failed, when nothing established an identity', async () => {
    expect(await run(identityCheck, {})).toEqual({ findings: [], skip: 'no identity could be established' });
  });
});

describe('aws-auth: only what concerns this principal, from --aws-auth-file', () => {
  it('keeps lint findings about the principal\'s own entry and about whole sections, drops the others', async () => {
    const ops = { ...principal, arn: 'arn:aws:sts::111122223333:assumed-role/ops/carol', principalArn: 'arn:aws:iam::111122223333:role/ops' };
    const facts: Facts = { identity: ops, cluster: cluster('CONFIG_MAP') };
    const out = await run(awsAuthCheck, facts, { awsAuthFile: fixture('aws-auth', 'pitfalls.yaml') });
    const rules = out.findings.map((f) => f.rule).sort();
    expect(rules).toContain('aws-auth/duplicate-entry'); // ops is mapped twice
    expect(rules).toContain('aws-auth/invalid-username-template'); // in ops' own entry
    expect(rules).not.toContain('aws-auth/user-in-map-roles'); // about bob, not ops
    expect(rules).not.toContain('aws-auth/role-in-map-users');
  });
});

describe('rbac: groups bound to nothing', () => {
  const api = (bindings: unknown, rules?: unknown) => ({ listBindings: async () => bindings, rules: async () => rules }) as unknown as KubeApiClient;
  const forbidden = (a: KubeApiClient) => ({ api: a, authenticated: true, username: 'dev', groups: ['dev-team', 'system:authenticated'], allowed: [] });

  it('from the bindings, when the principal may list them', async () => {
    const lists = { clusterRoleBindings: { ok: true, items: [{ kind: 'ClusterRoleBinding', name: 'x', roleRef: { kind: 'ClusterRole', name: 'view', apiGroup: '' }, subjects: [{ kind: 'Group', name: 'other' }] }], truncated: false }, roleBindings: { ok: true, items: [], truncated: false } };
    const out = await run(rbacCheck, { kube: forbidden(api(lists)) });
    expect(out.findings).toEqual([{ rule: 'rbac/groups-without-bindings', evidence: { groups: ['dev-team'], username: 'dev', source: 'bindings' } }]);
  });

  it('from SelfSubjectRulesReview, when it may not: only the self-review rules every user has', async () => {
    const denied = { ok: false, status: 403, message: 'forbidden' };
    const rules = { ok: true, namespace: 'default', incomplete: false, nonResourceRules: [], resourceRules: [{ verbs: ['create'], apiGroups: ['authorization.k8s.io'], resources: ['selfsubjectaccessreviews'], resourceNames: [] }] };
    const out = await run(rbacCheck, { kube: forbidden(api({ clusterRoleBindings: denied, roleBindings: denied }, rules)) });
    expect(out.findings.map((f) => f.rule)).toEqual(['rbac/groups-without-bindings']);
  });

  it('says nothing when something is allowed, or when there is no group to bind', async () => {
    expect((await run(rbacCheck, { kube: { ...forbidden(api({})), allowed: ['get namespaces'] } })).findings).toEqual([]);
    expect((await run(rbacCheck, { kube: { ...forbidden(api({})), groups: ['system:authenticated'] } })).findings).toEqual([]);
  });
});
