import type { NotMappedEvidence } from '../../src/rules/evidence.js';
/**
 * Checks on fact sets (RuleTester style): each case gives facts and asserts exactly the findings the
 * check returns, rendered through the catalog — so each rule's text and fix are tested with the
 * evidence its check really produces.
 */
import { describe, expect, it } from 'vitest';
import type { Facts } from '../../src/checks/facts.js';
import { identityCheck } from '../../src/checks/identity/identity.js';
import { rbacCheck } from '../../src/checks/kube/rbac.js';
import { awsAuthCheck } from '../../src/checks/mapping/aws-auth.js';
import { mappingCheck } from '../../src/checks/mapping/mapping.js';
import type { AuthenticationMode, EksClusterInfo } from '../../src/facts/eks-cluster.js';
import type { KubeApiClient } from '../../src/facts/kube-api.js';
import { fixture } from '../helpers/cli.js';
import { testCheck } from '../helpers/check-tester.js';

const ROLE = 'arn:aws:iam::111122223333:role/dev';
const principal = { arn: 'arn:aws:sts::111122223333:assumed-role/dev/alice', principalArn: ROLE, accountId: '111122223333', source: 'exec-token' as const };
const cluster = (authenticationMode: AuthenticationMode): EksClusterInfo => ({ name: 'prod', authenticationMode, publicAccessCidrs: [], enabledLogTypes: ['authenticator'] });
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
    const r = await testCheck(mappingCheck, { facts });
    expect(r.rules).toEqual(rule ? [rule] : []);
  });

  it('names who can fix it in SPEC §10 order, once each, never the caller; its fix runs as the first', async () => {
    const r = await testCheck(mappingCheck, {
      facts: {
        identity: principal,
        cluster: cluster('API_AND_CONFIG_MAP'),
        accessEntries: { readable: true, admins: ['arn:aws:iam::111122223333:role/platform', ROLE] },
        awsAuth: { readable: true, exists: true, config: config(['arn:aws:iam::111122223333:role/admin', 'arn:aws:iam::111122223333:role/platform']) },
        logs: { admins: ['arn:aws:iam::111122223333:user/creator'], creatorArn: 'arn:aws:iam::111122223333:user/creator' },
      },
    });
    const f = r.one('aws-auth/principal-not-mapped');
    expect(f.evidence.fixers).toEqual([
      { arn: 'arn:aws:iam::111122223333:role/platform', reason: 'access-entry-admin', seenIn: 'access entries' },
      { arn: 'arn:aws:iam::111122223333:role/admin', reason: 'aws-auth-admin', seenIn: 'aws-auth' },
      { arn: 'arn:aws:iam::111122223333:user/creator', reason: 'creator', seenIn: 'authenticator logs' },
    ]);
    expect(f.evidence).toMatchObject({ sources: ['access entries', 'aws-auth'], grant: { level: 'view' } });
    expect(f.title).toBe(`${ROLE} is not mapped`);
    expect(f.fix!.commands[0]).toBe(`aws eks create-access-entry --cluster-name prod --region us-west-2 --principal-arn ${ROLE} --profile "$ADMIN_PROFILE"`);
  });

  it("the shell's own principal, when it is an admin, is the fixer with its profile (exec plugin runs as another)", async () => {
    const admin = 'arn:aws:iam::111122223333:user/cluster-admin';
    const r = await testCheck(mappingCheck, {
      facts: {
        identity: principal,
        cluster: cluster('CONFIG_MAP'),
        awsAuth: { readable: true, exists: true, config: { roles: [], users: [{ section: 'mapUsers' as const, arn: admin, groups: ['system:masters'] }], accounts: [], problems: [] } },
        shell: { identity: { arn: admin, principalArn: admin, accountId: '111122223333', source: 'sdk' }, clients: {} as never, profile: 'default' },
      },
    });
    const f = r.one('aws-auth/principal-not-mapped');
    expect(f.evidence.fixers).toEqual([{ arn: admin, reason: 'aws-auth-admin', seenIn: 'aws-auth', profile: 'default' }]);
    expect(f.fix!.commands[0]).toMatch(/--profile default$/);
  });

  it('in API mode names no aws-auth admin: API mode ignores aws-auth', async () => {
    const r = await testCheck(mappingCheck, {
      facts: { identity: principal, cluster: cluster('API'), accessEntries: { readable: true, admins: [] }, awsAuth: { readable: true, exists: true, config: config(['arn:aws:iam::111122223333:role/admin']) } },
    });
    expect(r.one('access-entry/missing').evidence).toMatchObject({ fixers: [] });
  });

  it('CloudTrail: the creator and the last changer are fixers, a deleted entry says who deleted it and its policies come back', async () => {
    const actor = (arn: string) => ({ arn, type: 'AssumedRole' });
    const r = await testCheck(mappingCheck, {
      facts: {
        identity: principal,
        cluster: cluster('API'),
        accessEntries: { readable: true, admins: [] },
        cloudtrail: {
          ok: true,
          complete: true,
          creation: { name: 'CreateCluster', time: '2026-09-01T00:00:00.000Z', actor: { arn: 'arn:aws:iam::111122223333:user/ops-jane', type: 'IAMUser' }, parameters: { name: 'prod' } },
          changes: [
            { name: 'DeleteAccessEntry', time: '2026-11-30T22:00:00.000Z', actor: actor('arn:aws:iam::111122223333:role/ci/deploy-pipeline'), parameters: { name: 'prod', principalArn: ROLE } },
            { name: 'AssociateAccessPolicy', time: '2026-10-01T00:00:00.000Z', actor: actor('arn:aws:iam::111122223333:role/platform'), parameters: { name: 'prod', principalArn: ROLE, policyArn: 'arn:aws:eks::aws:cluster-access-policy/AmazonEKSEditPolicy' } },
          ],
        },
      },
    });
    const e = r.one('access-entry/missing').evidence as unknown as NotMappedEvidence;
    expect(e.fixers.map((f) => [f.arn, f.reason])).toEqual([
      ['arn:aws:iam::111122223333:user/ops-jane', 'creator'],
      ['arn:aws:iam::111122223333:role/ci/deploy-pipeline', 'changed-access'],
    ]);
    expect(e.deleted).toEqual({ at: '2026-11-30T22:00:00.000Z', by: 'arn:aws:iam::111122223333:role/ci/deploy-pipeline' });
    expect(e.grant).toMatchObject({ level: 'restore', policies: ['arn:aws:eks::aws:cluster-access-policy/AmazonEKSEditPolicy'] });
  });

  it.each<[string, string[], unknown, RegExp]>([
    ['system:masters in aws-auth → the admin policy', ['system:masters'], { level: 'admin', because: expect.stringMatching(/system:masters/) }, /AmazonEKSClusterAdminPolicy/],
    ['other groups → an access entry with those groups (system: ones dropped), no policy', ['dev-team', 'system:authenticated'], { level: 'groups', groups: ['dev-team'] }, /--kubernetes-groups dev-team/],
  ])('API mode, aws-auth still maps the caller: %s', async (_, groups, grant, command) => {
    const r = await testCheck(mappingCheck, {
      facts: { identity: principal, cluster: cluster('API'), accessEntries: { readable: true, admins: [] }, awsAuth: { readable: true, exists: true, config: config(), mapped: { via: 'mapRoles', username: 'dev', groups } } },
    });
    const f = r.one('access-entry/missing');
    expect(f.evidence.grant).toMatchObject(grant as object);
    expect(f.fix!.commands.join('\n')).toMatch(command);
    if ((grant as { level: string }).level === 'groups') expect(f.fix!.commands.join('\n')).not.toMatch(/associate-access-policy/);
  });

  it('the caller created the cluster: the fix grants admin, and the caller is not its own fixer', async () => {
    const r = await testCheck(mappingCheck, {
      facts: {
        identity: principal,
        cluster: cluster('API'),
        accessEntries: { readable: true, admins: [] },
        cloudtrail: { ok: true, complete: true, creation: { name: 'CreateCluster', time: '2026-09-01T00:00:00.000Z', actor: { arn: ROLE, type: 'AssumedRole' }, parameters: { name: 'prod' } }, changes: [] },
      },
    });
    const e = r.one('access-entry/missing').evidence;
    expect(e.fixers).toEqual([]);
    expect(e.grant).toEqual({ level: 'admin', because: 'it created the cluster' });
  });
});

describe('identity: the principal the cluster sees', () => {
  it('prefers the token over the credential chain and flags another account than the cluster', async () => {
    const r = await testCheck(identityCheck, { facts: { execIdentity: { ...principal, accountId: '999999999999' }, sdkIdentity: { ...principal, source: 'sdk' } } });
    expect(r.facts.identity?.source).toBe('exec-token');
    expect(r.findings.map((f) => [f.rule, f.title])).toEqual([['identity/account-mismatch', 'Principal account 999999999999 differs from cluster account 111122223333']]);
  });

  it('--principal replaces the identity, canonicalized', async () => {
    const r = await testCheck(identityCheck, { facts: {}, options: { principal: 'arn:aws:sts::111122223333:assumed-role/dev/bob' } });
    expect(r.facts.identity).toEqual({ arn: 'arn:aws:sts::111122223333:assumed-role/dev/bob', principalArn: ROLE, accountId: '111122223333', source: 'principal-option' });
  });

  it('cannot establish an identity when nothing did: the check could not run (its dependents are incomplete)', async () => {
    const r = await testCheck(identityCheck, { facts: {} });
    expect(r.outcome).toEqual({ findings: [], halt: 'no identity could be established' });
  });

  it('does not apply to a credential that is not an IAM identity', async () => {
    const r = await testCheck(identityCheck, { facts: { credential: { kind: 'client-certificate', certPem: 'c', keyPem: 'k' } } });
    expect(r.outcome.skip).toMatch(/not an IAM identity/);
  });
});

describe("aws-auth: only what concerns this principal, from --aws-auth-file", () => {
  it("keeps lint findings about the principal's own entry and about whole sections, drops the others", async () => {
    const ops = { ...principal, arn: 'arn:aws:sts::111122223333:assumed-role/ops/carol', principalArn: 'arn:aws:iam::111122223333:role/ops' };
    const r = await testCheck(awsAuthCheck, { facts: { identity: ops, cluster: cluster('CONFIG_MAP') }, options: { awsAuthFile: fixture('aws-auth', 'pitfalls.yaml') } });
    expect(r.rules).toContain('aws-auth/duplicate-entry'); // ops is mapped twice
    expect(r.rules).toContain('aws-auth/invalid-username-template'); // in ops' own entry
    expect(r.rules).not.toContain('aws-auth/user-in-map-roles'); // about bob, not ops
    expect(r.rules).not.toContain('aws-auth/role-in-map-users');
    // A file's finding points into the file, and its fix re-lints and applies it.
    const dup = r.one('aws-auth/duplicate-entry');
    expect(dup.fix!.commands[0]).toMatch(/^eksdoctor lint .*pitfalls\.yaml$/);
    expect(dup.title).toMatch(/arn:aws:iam::111122223333:role\/ops is mapped 2 times/);
  });
});

describe('rbac: groups bound to nothing', () => {
  const api = (bindings: unknown, rules?: unknown) => ({ listBindings: async () => bindings, rules: async () => rules }) as unknown as KubeApiClient;
  const forbidden = (a: KubeApiClient) => ({ api: a, authenticated: true, username: 'dev', groups: ['dev-team', 'system:authenticated'], allowed: [] });

  it('from the bindings, when the principal may list them', async () => {
    const lists = { clusterRoleBindings: { ok: true, items: [{ kind: 'ClusterRoleBinding', name: 'x', roleRef: { kind: 'ClusterRole', name: 'view', apiGroup: '' }, subjects: [{ kind: 'Group', name: 'other' }] }], truncated: false }, roleBindings: { ok: true, items: [], truncated: false } };
    const r = await testCheck(rbacCheck, { facts: { kube: forbidden(api(lists)) } });
    expect(r.one('rbac/groups-without-bindings').evidence).toEqual({ groups: ['dev-team'], username: 'dev', source: 'bindings', fixers: [] });
    // Forbidden everything, the principal cannot bind its own group: an administrator's context does.
    expect(r.one('rbac/groups-without-bindings').fix!.commands).toEqual([
      'aws eks update-kubeconfig --name prod --region us-west-2 --alias prod-admin --user-alias prod-admin --profile "$ADMIN_PROFILE"',
      'kubectl create clusterrolebinding dev-team-view --clusterrole=view --group=dev-team --context prod-admin',
    ]);
  });

  it('from SelfSubjectRulesReview, when it may not: only the self-review rules every user has', async () => {
    const denied = { ok: false, status: 403, message: 'forbidden' };
    const rules = { ok: true, namespace: 'default', incomplete: false, nonResourceRules: [], resourceRules: [{ verbs: ['create'], apiGroups: ['authorization.k8s.io'], resources: ['selfsubjectaccessreviews'], resourceNames: [] }] };
    const r = await testCheck(rbacCheck, { facts: { kube: forbidden(api({ clusterRoleBindings: denied, roleBindings: denied }, rules)) } });
    expect(r.rules).toEqual(['rbac/groups-without-bindings']);
  });

  it('says nothing when something is allowed, or when there is no group to bind', async () => {
    expect((await testCheck(rbacCheck, { facts: { kube: { ...forbidden(api({})), allowed: ['get namespaces'] } } })).rules).toEqual([]);
    expect((await testCheck(rbacCheck, { facts: { kube: { ...forbidden(api({})), groups: ['system:authenticated'] } } })).rules).toEqual([]);
  });
});
