import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { awsAuthFinding } from '../../src/checks/mapping/aws-auth.js';
import { adminMappings, mapIdentity, parseAwsAuthData as parseData, parseAwsAuthManifest as parseManifest, type AwsAuthConfig, type AwsAuthProblem, type CallerIdentity } from '../../src/facts/aws-auth.js';
import { findRule, type CatalogRule, type EvidenceOf, type RuleId } from '../../src/rules/index.js';
import type { Target } from '../../src/rules/rule.js';
import { cpuTimeMs } from '../helpers/timing.js';

/** The parser's problems as the aws-auth check reports them: one finding of the problem's rule each. */
type Found = { rule: string; evidence: Record<string, unknown> };
const asFindings = (problems: AwsAuthProblem[]): Found[] => problems.map((p) => awsAuthFinding(p) as unknown as Found);
const parseAwsAuthData = (...a: Parameters<typeof parseData>) => {
  const c = parseData(...a);
  return { ...c, config: c, problems: asFindings(c.problems) };
};
const parseAwsAuthManifest = (text: string, file?: string) => {
  const r = parseManifest(text, file);
  return { config: r.config, problems: asFindings(r.problems) };
};
const fixture = (name: string) => readFileSync(new URL(`../../fixtures/aws-auth/${name}`, import.meta.url), 'utf8');
const manifest = (name: string) => parseAwsAuthManifest(fixture(name), name);
const rulesOf = (problems: Found[]) => problems.map((p) => p.rule);
const find = (problems: Found[], rule: string) => problems.filter((p) => p.rule === rule);
const A = '111122223333';

describe('parseAwsAuthData: authenticator semantics (pkg/mapper/configmap ParseMap)', () => {
  it('loads the three sections; entry fields are case-insensitive', () => {
    const c = parseAwsAuthData({
      mapRoles: `- roleARN: arn:aws:iam::${A}:role/admin\n  UserName: admin\n  Groups: [system:masters]\n`,
      mapUsers: `- UserArn: arn:aws:iam::${A}:user/alice\n  username: alice\n  groups:\n  - devs\n`,
      mapAccounts: `- "${A}"\n- 012345678901\n`,
    });
    expect(c.roles).toEqual([{ section: 'mapRoles', arn: `arn:aws:iam::${A}:role/admin`, username: 'admin', groups: ['system:masters'], line: 1 }]);
    expect(c.users).toEqual([{ section: 'mapUsers', arn: `arn:aws:iam::${A}:user/alice`, username: 'alice', groups: ['devs'], line: 1 }]);
    // yaml.v2 into []string keeps the text, so a leading zero survives.
    expect(c.accounts).toEqual([A, '012345678901']);
    expect(c.problems).toEqual([]);
  });

  it('a YAML error drops only its own section, with the line inside the file', () => {
    const c = parseAwsAuthData(
      { mapRoles: `- rolearn: arn:aws:iam::${A}:role/a\n  username: a\n   groups: [x]\n`, mapUsers: `- userarn: arn:aws:iam::${A}:user/alice\n  username: alice\n` },
      { file: 'cm.yaml', lineOffsets: { mapRoles: 10, mapUsers: 20 } },
    );
    expect(c.roles).toEqual([]);
    expect(c.users).toHaveLength(1);
    expect(c.users[0]!.line).toBe(21);
    expect(c.problems).toEqual([{ rule: 'aws-auth/invalid-yaml', evidence: expect.objectContaining({ section: 'mapRoles', file: 'cm.yaml', line: 13, dropped: 'section' }) }]);
  });

  it('tabs in indentation break the section', () => {
    const c = parseAwsAuthData({ mapRoles: `- rolearn: arn:aws:iam::${A}:role/a\n\tusername: a\n` });
    expect(c.roles).toEqual([]);
    expect(find(c.problems, 'aws-auth/invalid-yaml')[0]!.evidence).toMatchObject({ section: 'mapRoles', line: 2 });
  });

  it('a misspelled top-level key is ignored and reported', () => {
    const c = parseAwsAuthData({ maproles: `- rolearn: arn:aws:iam::${A}:role/a\n  username: a\n`, MapUsers: '[]' });
    expect(c.roles).toEqual([]);
    expect(find(c.problems, 'aws-auth/unknown-key').map((p) => [p.evidence.key, p.evidence.suggestedKey])).toEqual([
      ['maproles', 'mapRoles'],
      ['MapUsers', 'mapUsers'],
    ]);
  });

  it.each([
    ['no rolearn', { mapRoles: '- username: x\n  groups: [a]\n' }, 'aws-auth/invalid-yaml', { line: 1, dropped: 'entry' }, 0],
    ['rolearn of the wrong type', { mapRoles: '- rolearn: 12\n  username: x\n' }, 'aws-auth/invalid-yaml', { line: 1, dropped: 'entry' }, 0],
    ['userarn in mapRoles', { mapRoles: `- userarn: arn:aws:iam::${A}:user/bob\n  username: bob\n` }, 'aws-auth/invalid-yaml', { arn: `arn:aws:iam::${A}:user/bob`, dropped: 'entry' }, 0],
    ['entry that is not a mapping', { mapRoles: `- just a string\n- rolearn: arn:aws:iam::${A}:role/a\n` }, 'aws-auth/invalid-yaml', { line: 1, dropped: 'entry' }, 1],
    ['section that is not a list', { mapRoles: `rolearn: arn:aws:iam::${A}:role/a\nusername: a\n` }, 'aws-auth/invalid-yaml', { dropped: 'section' }, 0],
    ['misspelt entry field', { mapRoles: `- rolearn: arn:aws:iam::${A}:role/a\n  username: a\n  group: [system:masters]\n` }, 'aws-auth/unknown-key', { key: 'group', suggestedKey: 'groups', line: 3 }, 1],
  ])('%s', (_name, data, rule, evidence, kept) => {
    const c = parseAwsAuthData(data);
    expect(c.roles).toHaveLength(kept);
    expect(find(c.problems, rule)[0]?.evidence).toMatchObject(evidence);
  });

  it('keeps an entry whose groups is a string, with no groups (Go json skips the field)', () => {
    const c = parseAwsAuthData({ mapUsers: `- userarn: arn:aws:iam::${A}:user/carol\n  username: carol\n  groups: system:masters\n` });
    expect(c.users).toEqual([{ section: 'mapUsers', arn: `arn:aws:iam::${A}:user/carol`, username: 'carol', groups: [], line: 1 }]);
    expect(find(c.problems, 'aws-auth/invalid-yaml')[0]!.evidence).toMatchObject({ line: 3, arn: `arn:aws:iam::${A}:user/carol` });
  });

  it('two spellings of one field: the byte-wise greatest wins (sorted JSON keys, last match)', () => {
    const c = parseAwsAuthData({ mapRoles: `- rolearn: arn:aws:iam::${A}:role/lower\n  roleARN: arn:aws:iam::${A}:role/upper\n` });
    expect(c.roles.map((r) => r.arn)).toEqual([`arn:aws:iam::${A}:role/lower`]);
  });

  it('sso matcher entries (pkg/config SSOARNMatcher): alone they are skipped quietly, with a rolearn the entry is dropped', () => {
    const alone = parseData({ mapRoles: `- sso:\n    permissionSetName: Admin\n    accountID: "${A}"\n  username: admin\n` });
    expect(alone).toEqual({ roles: [], users: [], accounts: [], problems: [] });
    const both = parseAwsAuthData({ mapRoles: `- rolearn: arn:aws:iam::${A}:role/a\n  sso:\n    permissionSetName: Admin\n  username: a\n` });
    expect(both.roles).toEqual([]);
    expect(find(both.problems, 'aws-auth/invalid-yaml')[0]!.evidence).toMatchObject({ line: 2, dropped: 'entry' });
  });

  it(`more than 5000 entries: the rest is not checked, and that is said`, () => {
    const many = Array.from({ length: 5002 }, (_, i) => `- rolearn: arn:aws:iam::${A}:role/r${i}\n  username: r${i}\n`).join('');
    const c = parseAwsAuthData({ mapRoles: many });
    expect(c.roles).toHaveLength(5000);
    expect(c.roles[4999]!.line).toBe(9999);
    expect(find(c.problems, 'aws-auth/invalid-yaml')[0]!.evidence.reason).toMatch(/5002 entries/);
  });

  it('blank sections are not errors', () => {
    expect(parseData({ mapRoles: '', mapUsers: '  \n', mapAccounts: '""' })).toEqual({ roles: [], users: [], accounts: [], problems: [] });
    // pkg/mapper/configmap isSkippable: `''` is an empty section too, not invalid YAML.
    expect(parseData({ mapRoles: "''", mapUsers: '``' })).toEqual({ roles: [], users: [], accounts: [], problems: [] });
  });

  it('a non-string section (hostile input) is a finding, not a crash', () => {
    const c = parseAwsAuthData({ mapRoles: 42 as unknown as string, mapUsers: { a: 1 } as unknown as string });
    expect(rulesOf(c.problems)).toEqual(['aws-auth/invalid-yaml', 'aws-auth/invalid-yaml']);
  });

  it('an oversized section is refused with a finding', () => {
    const big = `- rolearn: arn:aws:iam::${A}:role/a\n` + '#'.repeat(1024 * 1024 + 1);
    const c = parseAwsAuthData({ mapRoles: big });
    expect(c.roles).toEqual([]);
    expect(find(c.problems, 'aws-auth/invalid-yaml')[0]!.evidence.reason).toMatch(/1 MiB/);
  });
});

describe('lint findings carry the line of the entry', () => {
  const pitfalls = manifest('pitfalls.yaml');
  it.each([
    ['aws-auth/assumed-role-arn', { line: 9, section: 'mapRoles', suggestedArn: `arn:aws:iam::${A}:role/ci-deployer` }],
    ['aws-auth/user-in-map-roles', { line: 13, arn: `arn:aws:iam::${A}:user/bob` }],
    ['aws-auth/invalid-username-template', { line: 17, placeholder: '{{sessionname}}', reason: 'unknown-placeholder', suggestedTemplate: 'ops:{{SessionName}}' }],
    ['aws-auth/duplicate-entry', { lines: [17, 21], effectiveUsername: 'ops-2' }],
    ['aws-auth/unknown-key', { key: 'MapAccounts', suggestedKey: 'mapAccounts', line: 36, section: 'data' }],
    ['aws-auth/role-in-map-users', { line: 29, section: 'mapUsers', arn: `arn:aws:iam::${A}:role/legacy-admin` }],
  ])('%s', (rule, evidence) => {
    expect(find(pitfalls.problems, rule)[0]?.evidence).toMatchObject({ file: 'pitfalls.yaml', ...evidence });
  });

  it('session templates in mapUsers are flagged (IAM users have no session)', () => {
    const carol = find(pitfalls.problems, 'aws-auth/invalid-username-template').find((p) => p.evidence.section === 'mapUsers');
    expect(carol?.evidence).toMatchObject({ line: 33, reason: 'no-session-for-users', placeholder: '{{SessionName}}' });
  });

  it('misspelled MapAccounts is not loaded', () => {
    expect(pitfalls.config?.accounts).toEqual([]);
  });

  it.each([
    ['{{AccountID}}-{{SessionName}}-{{SessionNameRaw}}-{{AccessKeyID}}', 'mapRoles', []],
    ['system:node:{{EC2PrivateDNSName}}', 'mapRoles', []],
    ['admin-{{AccountID}}', 'mapUsers', []],
    ['{{ SessionName }}', 'mapRoles', ['unknown-placeholder']],
    ['{{UserName}}', 'mapRoles', ['unknown-placeholder']],
    ['admin-{{SessionName', 'mapRoles', ['unclosed-braces']],
    ['{{SessionNameRaw}}', 'mapUsers', ['no-session-for-users']],
    ['system:node:{{EC2PrivateDNSName}}', 'mapUsers', ['ec2-dns-for-users']],
  ])('template %j in %s', (template, section, reasons) => {
    const key = section === 'mapRoles' ? 'rolearn' : 'userarn';
    const arn = section === 'mapRoles' ? `arn:aws:iam::${A}:role/r` : `arn:aws:iam::${A}:user/u`;
    const c = parseAwsAuthData({ [section]: `- ${key}: ${arn}\n  username: "${template}"\n` });
    expect(find(c.problems, 'aws-auth/invalid-username-template').map((p) => p.evidence.reason)).toEqual(reasons);
  });

  it('templates in groups are checked too', () => {
    const c = parseAwsAuthData({ mapRoles: `- rolearn: arn:aws:iam::${A}:role/r\n  username: r\n  groups: ["team-{{accountId}}"]\n` });
    expect(find(c.problems, 'aws-auth/invalid-username-template')[0]!.evidence).toMatchObject({ field: 'groups', suggestedTemplate: 'team-{{AccountID}}' });
  });

  it.each([
    [`arn:aws:iam::${A}:role/dev-*`, 'wildcard'],
    [`arn:aws:iam:${A}:role/x`, 'malformed'],
    [`arn:moon:iam::${A}:role/x`, 'partition'],
    [`arn:aws:iam::${A}:group/admins`, 'not-a-principal'],
  ])('invalid ARN %s (%s)', (arn, reason) => {
    const c = parseAwsAuthData({ mapRoles: `- rolearn: "${arn}"\n  username: x\n` });
    expect(find(c.problems, 'aws-auth/invalid-arn')[0]?.evidence).toMatchObject({ arn, reason });
  });

  it('a role with a path in mapUsers is both misplaced and unmatchable', () => {
    const c = parseAwsAuthData({ mapUsers: `- userarn: arn:aws:iam::${A}:role/team/admin\n  username: admin\n` });
    expect(rulesOf(c.problems).sort()).toEqual(['aws-auth/role-arn-has-path', 'aws-auth/role-in-map-users']);
  });

  it('the same ARN in mapRoles and mapUsers: the role entry is the one in effect', () => {
    const c = parseAwsAuthData({
      mapRoles: `- rolearn: arn:aws:iam::${A}:role/x\n  username: from-roles\n`,
      mapUsers: `- userarn: arn:aws:iam::${A}:role/x\n  username: from-users\n`,
    });
    expect(find(c.problems, 'aws-auth/duplicate-entry')[0]!.evidence).toMatchObject({ section: 'mapRoles', effectiveUsername: 'from-roles' });
  });

  it('case variants of one user ARN are flagged as unpredictable', () => {
    const c = parseAwsAuthData({ mapUsers: `- userarn: arn:aws:iam::${A}:user/Bob\n  username: a\n- userarn: arn:aws:iam::${A}:user/bob\n  username: b\n` });
    expect(find(c.problems, 'aws-auth/duplicate-entry')[0]!.evidence).toMatchObject({ nondeterministic: true, lines: [1, 3] });
  });
});

describe('parseAwsAuthManifest', () => {
  it('eksctl shape: node role, admin role, admin user, lines in the file, no findings', () => {
    const r = manifest('eksctl-healthy.yaml');
    expect(r.problems).toEqual([]);
    expect(r.config!.roles.map((m) => [m.line, m.username, m.groups])).toEqual([
      [8, 'system:node:{{EC2PrivateDNSName}}', ['system:bootstrappers', 'system:nodes']],
      [12, 'platform-admin:{{SessionName}}', ['system:masters']],
    ]);
    expect(r.config!.users.map((m) => m.line)).toEqual([17]);
  });

  it('EKS docs shape with mapAccounts', () => {
    const r = manifest('docs-example.yaml');
    expect(r.problems).toEqual([]);
    expect(r.config!.accounts).toEqual(['444455556666']);
    expect(r.config!.roles.map((m) => m.line)).toEqual([9, 14]);
  });

  it('SSO role with path and a team path: both flagged with the pathless ARN', () => {
    const r = manifest('sso-role-with-path.yaml');
    expect(find(r.problems, 'aws-auth/role-arn-has-path').map((p) => [p.evidence.line, p.evidence.sso, p.evidence.suggestedArn])).toEqual([
      [14, true, `arn:aws:iam::${A}:role/AWSReservedSSO_AdministratorAccess_0123456789abcdef`],
      [18, false, `arn:aws:iam::${A}:role/deployer`],
    ]);
  });

  it('malformed mapRoles: dropped with its file line, mapUsers still loads', () => {
    const r = manifest('malformed-section.yaml');
    expect(r.problems).toEqual([{ rule: 'aws-auth/invalid-yaml', evidence: expect.objectContaining({ file: 'malformed-section.yaml', section: 'mapRoles', line: 11 }) }]);
    expect(r.config!.roles).toEqual([]);
    expect(r.config!.users.map((u) => u.arn)).toEqual([`arn:aws:iam::${A}:user/alice`]);
  });

  it('multi-document file: picks the aws-auth ConfigMap and counts lines from the top of the file', () => {
    const r = manifest('multi-doc.yaml');
    expect(r.config!.roles.map((m) => m.line)).toEqual([22, 27]);
    expect(rulesOf(r.problems)).toEqual(['aws-auth/role-arn-has-path']);
    expect(r.problems[0]!.evidence.line).toBe(27);
  });

  it('mapRoles written as a YAML list is refused, as kubectl apply refuses it', () => {
    const r = manifest('data-as-list.yaml');
    expect(r.problems).toEqual([{ rule: 'aws-auth/invalid-yaml', evidence: expect.objectContaining({ section: 'mapRoles', line: 8, dropped: 'section' }) }]);
    expect(r.config!.roles).toEqual([]);
  });

  it('an alias bomb finishes quickly and drops its section, as yaml.v2 refuses excessive aliasing', () => {
    const { result: r, cpuMs } = cpuTimeMs(() => manifest('alias-bomb.yaml'));
    expect(cpuMs).toBeLessThan(2000);
    expect(find(r.problems, 'aws-auth/invalid-yaml')[0]!.evidence).toMatchObject({ reason: expect.stringMatching(/excessive aliasing/), dropped: 'section' });
    expect(r.config!.roles).toEqual([]);
  });

  it('a bare data mapping is accepted, with file lines', () => {
    const r = parseAwsAuthManifest(`mapRoles: |\n  - rolearn: arn:aws:iam::${A}:role/team/x\n    username: x\n`, 'bare.yaml');
    expect(r.config!.roles[0]!.line).toBe(2);
    expect(find(r.problems, 'aws-auth/role-arn-has-path')[0]!.evidence).toMatchObject({ file: 'bare.yaml', line: 2 });
  });

  it('a quoted section (kubectl -o yaml style) points at the key line', () => {
    const text = `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: aws-auth\n  namespace: kube-system\ndata:\n  mapRoles: "- rolearn: arn:aws:iam::${A}:role/a/b\\n  username: b\\n"\n`;
    const r = parseAwsAuthManifest(text, 'q.yaml');
    expect(find(r.problems, 'aws-auth/role-arn-has-path')[0]!.evidence.line).toBe(7);
  });

  it.each([
    ['no aws-auth at all', 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: x\n', /no ConfigMap named aws-auth/],
    ['wrong namespace', 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: aws-auth\n  namespace: default\ndata: {}\n', /kube-system/],
    ['broken YAML', 'apiVersion: v1\nkind: ConfigMap\nmetadata: [\n', /./],
    ['binary', 'a\u0000b', /binary/],
    ['huge', 'a: ' + 'x'.repeat(5 * 1024 * 1024), /MiB/],
  ])('%s gives aws-auth/invalid-yaml, never a throw', (_name, text, reason) => {
    const r = parseAwsAuthManifest(text, 'f.yaml');
    expect(r.problems[0]).toMatchObject({ rule: 'aws-auth/invalid-yaml', evidence: { file: 'f.yaml', reason: expect.stringMatching(reason) } });
  });

  it('a YAML error reports the line in the file', () => {
    const r = parseAwsAuthManifest('kind: Namespace\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: aws-auth\n  labels: [\n', 'f.yaml');
    expect(r.problems[0]!.evidence.line).toBeGreaterThanOrEqual(7);
  });
});

describe('mapIdentity (pkg/server/server.go doMapping, renderTemplate)', () => {
  const config: AwsAuthConfig = parseData({
    mapRoles: [
      `- rolearn: arn:aws:iam::${A}:role/eks-nodes`,
      '  username: system:node:{{EC2PrivateDNSName}}',
      '  groups: [system:bootstrappers, system:nodes]',
      `- rolearn: arn:aws:iam::${A}:role/Admin`,
      '  username: admin:{{SessionName}}',
      '  groups: [system:masters, "acct-{{AccountID}}"]',
      `- rolearn: arn:aws:iam::${A}:role/raw`,
      '  username: "{{SessionNameRaw}}/{{AccessKeyID}}"',
      `- rolearn: arn:aws:iam::${A}:user/both`,
      '  username: from-roles',
    ].join('\n'),
    mapUsers: [
      `- userarn: arn:aws:iam::${A}:user/alice`,
      '  username: alice',
      '  groups: [devs]',
      `- userarn: arn:aws:iam::${A}:user/both`,
      '  username: from-users',
      `- userarn: arn:aws:iam::${A}:role/legacy`,
      '  username: legacy',
    ].join('\n'),
    mapAccounts: `- "${A}"\n`,
  });
  const role = (name: string, session: string, extra: Partial<CallerIdentity> = {}): CallerIdentity => ({
    arn: `arn:aws:sts::${A}:assumed-role/${name}/${session}`,
    canonicalArn: `arn:aws:iam::${A}:role/${name}`,
    accountId: A,
    userId: `AROAEXAMPLE:${session}`,
    ...extra,
  });

  it('role match, case-insensitive, with {{SessionName}} (@ → -) and {{AccountID}}', () => {
    const m = mapIdentity(config, role('admin', 'alice@example.com'));
    expect(m).toMatchObject({ via: 'mapRoles', username: 'admin:alice-example.com', groups: ['system:masters', `acct-${A}`] });
    expect(m!.entry!.arn).toBe(`arn:aws:iam::${A}:role/Admin`);
  });

  it('{{SessionNameRaw}} keeps the @, {{AccessKeyID}} is the token key', () => {
    expect(mapIdentity(config, role('raw', 'alice@example.com', { accessKeyId: 'ASIAEXAMPLE' }))!.username).toBe('alice@example.com/ASIAEXAMPLE');
  });

  it('{{AccessKeyID}} stays unresolved, with a note, when the key is not known', () => {
    const m = mapIdentity(config, role('raw', 's'));
    expect(m!.username).toBe('s/{{AccessKeyID}}');
    expect(m!.notes!.join()).toMatch(/AccessKeyID/);
  });

  it('{{EC2PrivateDNSName}} for an instance session: unresolved with a note, or the DNS name when known', () => {
    const m = mapIdentity(config, role('eks-nodes', 'i-0abc1234def567890'));
    expect(m).toMatchObject({ via: 'mapRoles', username: 'system:node:{{EC2PrivateDNSName}}', groups: ['system:bootstrappers', 'system:nodes'] });
    expect(m!.error).toBeUndefined();
    expect(m!.notes!.join()).toMatch(/DescribeInstances/);
    const named = mapIdentity(config, role('eks-nodes', 'i-0abc1234def567890', { ec2PrivateDnsName: 'ip-10-0-1-23.eu-west-1.compute.internal' }));
    expect(named!.username).toBe('system:node:ip-10-0-1-23.eu-west-1.compute.internal');
  });

  it('{{EC2PrivateDNSName}} for a session that is not an instance: the authenticator denies', () => {
    expect(mapIdentity(config, role('eks-nodes', 'alice'))!.error).toBe('SessionName did not contain an instance id');
    expect(mapIdentity(config, role('eks-nodes', 'i-0abc'))!.error).toBeDefined(); // neither 8 nor 17 characters
  });

  it('the session name comes from the STS user ID, as in pkg/token', () => {
    const m = mapIdentity(config, role('admin', 'from-arn', { userId: 'AROAEXAMPLE:from-userid' }));
    expect(m!.username).toBe('admin:from-userid');
  });

  it('user match', () => {
    const m = mapIdentity(config, { arn: `arn:aws:iam::${A}:user/ALICE`, canonicalArn: `arn:aws:iam::${A}:user/ALICE`, accountId: A, userId: 'AIDAEXAMPLE' });
    expect(m).toMatchObject({ via: 'mapUsers', username: 'alice', groups: ['devs'] });
  });

  it('roles are looked up before users', () => {
    const m = mapIdentity(config, { arn: `arn:aws:iam::${A}:user/both`, canonicalArn: `arn:aws:iam::${A}:user/both`, accountId: A });
    expect(m).toMatchObject({ via: 'mapRoles', username: 'from-roles' });
  });

  it('a role listed under mapUsers still matches: the user lookup compares the ARN string', () => {
    expect(mapIdentity(config, role('legacy', 's'))).toMatchObject({ via: 'mapUsers', username: 'legacy' });
  });

  it('mapAccounts comes last: username is the canonical ARN, no groups', () => {
    expect(mapIdentity(config, role('Other-Role', 's'))).toEqual({ via: 'mapAccounts', username: `arn:aws:iam::${A}:role/Other-Role`, groups: [] });
  });

  it('nothing matches in another account', () => {
    expect(mapIdentity(config, { arn: 'arn:aws:iam::999999999999:user/x', canonicalArn: 'arn:aws:iam::999999999999:user/x', accountId: '999999999999' })).toBeUndefined();
  });

  it('a rolearn with a path never matches the session', () => {
    const c = parseData({ mapRoles: `- rolearn: arn:aws:iam::${A}:role/team/admin\n  username: admin\n` });
    expect(mapIdentity(c, role('admin', 's'))).toBeUndefined();
  });

  it('duplicate role entries: the last one wins', () => {
    const c = parseData({ mapRoles: `- rolearn: arn:aws:iam::${A}:role/x\n  username: first\n- rolearn: arn:aws:iam::${A}:role/X\n  username: second\n` });
    expect(mapIdentity(c, role('x', 's'))!.username).toBe('second');
  });

  it('computes the canonical ARN when the caller gives none', () => {
    expect(mapIdentity(config, { ...role('admin', 'bob'), canonicalArn: '' })).toMatchObject({ via: 'mapRoles', username: 'admin:bob' });
  });
});

describe('adminMappings', () => {
  it('lists the usable system:masters mappings, one per principal', () => {
    const c = manifest('pitfalls.yaml').config!;
    // role/Ops is overridden by the later role/ops entry (no groups); the session ARN can never match.
    expect(adminMappings(c).map((m) => m.arn)).toEqual([`arn:aws:iam::${A}:role/legacy-admin`]);
    expect(adminMappings(manifest('eksctl-healthy.yaml').config!).map((m) => m.arn)).toEqual([`arn:aws:iam::${A}:role/platform-admin`, `arn:aws:iam::${A}:user/alice`]);
    expect(adminMappings(manifest('sso-role-with-path.yaml').config!)).toEqual([]);
  });
});

describe('aws-auth rules, from the evidence the parser and checks produce', () => {
  const t: Target = { kubeconfig: ['/home/u/.kube/config'], context: 'prod', cluster: 'prod-eks', region: 'eu-west-1', accountId: A };
  const rule = (id: string): CatalogRule => {
    const r = findRule(id);
    if (!r) throw new Error(`no rule ${id}`);
    return r;
  };
  /** Evidence of the rule's own type: tsc rejects a key the rule does not take. */
  const ev = <Id extends RuleId>(_id: Id, e: EvidenceOf<Id>) => e;

  it('covers every aws-auth rule of SPEC §5 with its severity', () => {
    const spec: Record<string, string> = {
      'aws-auth/not-found': 'warning',
      'aws-auth/unreadable': 'info',
      'aws-auth/invalid-yaml': 'error',
      'aws-auth/role-arn-has-path': 'error',
      'aws-auth/assumed-role-arn': 'error',
      'aws-auth/role-in-map-users': 'error',
      'aws-auth/user-in-map-roles': 'error',
      'aws-auth/duplicate-entry': 'warning',
      'aws-auth/invalid-username-template': 'error',
      'aws-auth/account-only-mapping': 'warning',
      'aws-auth/principal-not-mapped': 'error',
      'aws-auth/ignored-in-api-mode': 'warning',
      'aws-auth/granted': 'info',
    };
    for (const [id, severity] of Object.entries(spec)) expect(rule(id).severity, id).toBe(severity);
  });

  it('every finding the parser emits has a rule, and renders without "undefined"', () => {
    for (const f of ['pitfalls.yaml', 'malformed-section.yaml', 'sso-role-with-path.yaml', 'alias-bomb.yaml', 'data-as-list.yaml']) {
      for (const p of manifest(f).problems) {
        const r = rule(p.rule);
        const text = [r.message(p.evidence, t), r.detail?.(p.evidence, t) ?? '', JSON.stringify(r.fix?.(p.evidence, t) ?? {})].join('\n');
        expect(text, `${f} ${p.rule}`).not.toMatch(/undefined|\[object Object\]/);
      }
    }
  });

  it('lint findings render with file, line and the suggested ARN', () => {
    const path = find(manifest('sso-role-with-path.yaml').problems, 'aws-auth/role-arn-has-path')[0]!.evidence;
    const r = rule('aws-auth/role-arn-has-path');
    expect(r.message(path, t)).toContain('sso-role-with-path.yaml:14');
    const fix = r.fix!(path, t);
    expect(fix.summary).toContain(`arn:aws:iam::${A}:role/AWSReservedSSO_AdministratorAccess_0123456789abcdef`);
    expect(fix.commands).toEqual(['eksdoctor lint sso-role-with-path.yaml', 'kubectl apply -f sso-role-with-path.yaml --context prod']);
  });

  it('in-cluster lint findings edit the ConfigMap with the real context', () => {
    const e = find(parseAwsAuthData({ mapRoles: `- rolearn: arn:aws:sts::${A}:assumed-role/ci/s\n  username: ci\n` }).problems, 'aws-auth/assumed-role-arn')[0]!.evidence;
    const fix = rule('aws-auth/assumed-role-arn').fix!(e, t);
    expect(fix.commands).toEqual(['kubectl edit configmap aws-auth -n kube-system --context prod']);
    expect(fix.summary).toContain('mapRoles line 1');
    expect(fix.summary).toContain(`arn:aws:iam::${A}:role/ci`);
  });

  it('role-arn-has-path names the access entry with the full ARN as the other way, without running both', () => {
    const [p] = parseData({ mapRoles: `- rolearn: arn:aws:iam::${A}:role/team/admin\n  username: admin\n` }).problems.filter((x) => x.kind === 'role-arn-has-path');
    const fix = rule('aws-auth/role-arn-has-path').fix!(awsAuthFinding(p!, 'API_AND_CONFIG_MAP').evidence, t);
    expect(fix.summary).toContain(`aws eks create-access-entry --cluster-name prod-eks --region eu-west-1 --principal-arn arn:aws:iam::${A}:role/team/admin`);
    expect(fix.commands).toEqual(['kubectl edit configmap aws-auth -n kube-system --context prod']);
  });

  it('role-in-map-users, content unknown: kubectl edit with the entry to write in mapRoles', () => {
    const e = find(parseAwsAuthData({ mapUsers: `- userarn: arn:aws:iam::${A}:role/legacy-admin\n  username: legacy-admin\n  groups: [system:masters]\n` }).problems, 'aws-auth/role-in-map-users')[0]!.evidence;
    const fix = rule('aws-auth/role-in-map-users').fix!(e, t);
    expect(fix.commands).toEqual(['kubectl edit configmap aws-auth -n kube-system --context prod']);
    expect(fix.insert).toEqual({ where: 'at the end of data.mapRoles, after deleting the entry at mapUsers line 1', lines: [`- rolearn: arn:aws:iam::${A}:role/legacy-admin`, '  username: legacy-admin', '  groups:', '    - system:masters'] });
    expect(fix.alternative).toBeUndefined();
  });

  describe('lint fixes on a cluster whose aws-auth is known: one exact merge patch (issue 13 §3)', () => {
    const admin = { arn: `arn:aws:iam::${A}:user/ops`, username: 'ops', groups: ['system:masters'] };
    const withContent = (data: Record<string, string>): { t: Target; problems: AwsAuthProblem[] } => {
      const c = parseData(data);
      const entry = (m: { arn: string; username?: string; groups: string[] }) => ({ arn: m.arn, ...(m.username !== undefined && { username: m.username }), groups: m.groups });
      return { problems: c.problems, t: { ...t, awsAuth: { mapRoles: c.roles.map(entry), mapUsers: c.users.map(entry), mapAccounts: [] } } };
    };
    const patchOf = (cmd: string) => JSON.parse(/-p '(.*)'/.exec(cmd)![1]!) as { data: Record<string, string | null> };
    const fixers = [{ arn: admin.arn, reason: 'aws-auth-admin' as const, seenIn: 'aws-auth', profile: 'ops' }];
    const users = `- userarn: ${admin.arn}\n  username: ops\n  groups:\n    - system:masters\n`;

    it('role-arn-has-path: the whole mapRoles with the path dropped, as the fixer, eksctl as the alternative', () => {
      const { t: tt, problems } = withContent({ mapRoles: `- rolearn: arn:aws:iam::${A}:role/eks-node\n  username: system:node:{{EC2PrivateDNSName}}\n  groups: [system:nodes]\n- rolearn: arn:aws:iam::${A}:role/team/dev\n  username: dev\n  groups: [dev-team]\n`, mapUsers: users });
      const p = problems.find((x) => x.kind === 'role-arn-has-path')!;
      const fix = rule('aws-auth/role-arn-has-path').fix!(awsAuthFinding(p, 'CONFIG_MAP', {}, { fixers }).evidence, tt);
      expect(fix.commands[0]).toBe('aws eks update-kubeconfig --name prod-eks --region eu-west-1 --alias prod-eks-ops --user-alias prod-eks-ops --profile ops');
      expect(fix.commands[1]).toMatch(/^kubectl patch configmap aws-auth -n kube-system --type merge -p '.*' --context prod-eks-ops$/);
      expect(patchOf(fix.commands[1]!).data).toEqual({ mapRoles: `- rolearn: arn:aws:iam::${A}:role/eks-node\n  username: "system:node:{{EC2PrivateDNSName}}"\n  groups:\n    - system:nodes\n- rolearn: arn:aws:iam::${A}:role/dev\n  username: dev\n  groups:\n    - dev-team\n` });
      expect(fix.alternative!.commands).toEqual([
        `eksctl delete iamidentitymapping --cluster prod-eks --region eu-west-1 --arn arn:aws:iam::${A}:role/team/dev --profile ops`,
        `eksctl create iamidentitymapping --cluster prod-eks --region eu-west-1 --arn arn:aws:iam::${A}:role/dev --username dev --group dev-team --profile ops`,
      ]);
      expect(fix.placeholders).toBeUndefined();
    });

    // Found by the fix proof (role-path-locked-out-no-history): the caller's first fix had mapped role/dev, and
    // writing it again here made a duplicate of which the authenticator kept the last, so the paste did nothing.
    it('role-arn-has-path when the role is already mapped: removes the dead entry instead of writing a second one', () => {
      const { t: tt, problems } = withContent({ mapRoles: `- rolearn: arn:aws:iam::${A}:role/team/dev\n  username: dev\n  groups: [system:masters]\n- rolearn: arn:aws:iam::${A}:role/dev\n  username: dev\n  groups: [dev-view]\n`, mapUsers: users });
      const p = problems.find((x) => x.kind === 'role-arn-has-path')!;
      const fix = rule('aws-auth/role-arn-has-path').fix!(awsAuthFinding(p, 'CONFIG_MAP', {}, { fixers }).evidence, tt);
      expect(patchOf(fix.commands[1]!).data).toEqual({ mapRoles: `- rolearn: arn:aws:iam::${A}:role/dev\n  username: dev\n  groups:\n    - dev-view\n` });
      expect(fix.summary).toContain(`arn:aws:iam::${A}:role/dev is already mapped in mapRoles (groups: dev-view): remove the entry at mapRoles line 1`);
      expect(fix.summary).toContain("this entry's groups (system:masters)");
      expect(fix.alternative!.commands).toEqual([`eksctl delete iamidentitymapping --cluster prod-eks --region eu-west-1 --arn arn:aws:iam::${A}:role/team/dev --profile ops`]);
    });

    it('no fixer with a profile: the admin profile is a listed placeholder; no fixers at all: the own context', () => {
      const { t: tt, problems } = withContent({ mapRoles: `- rolearn: arn:aws:sts::${A}:assumed-role/ci/s\n  username: ci\n` });
      const e = awsAuthFinding(problems.find((x) => x.kind === 'assumed-role-arn')!, 'CONFIG_MAP', {}, { fixers: [] }).evidence;
      const fix = rule('aws-auth/assumed-role-arn').fix!(e, tt);
      expect(fix.commands[0]).toContain('--profile "$ADMIN_PROFILE"');
      expect(Object.keys(fix.placeholders!)).toEqual(['ADMIN_PROFILE']);
      expect(patchOf(fix.commands[1]!).data.mapRoles).toBe(`- rolearn: arn:aws:iam::${A}:role/ci\n  username: ci\n`);
      const own = rule('aws-auth/assumed-role-arn').fix!(awsAuthFinding(problems.find((x) => x.kind === 'assumed-role-arn')!, 'CONFIG_MAP').evidence, tt);
      expect(own.commands).toHaveLength(1);
      expect(own.commands[0]).toMatch(/--context prod$/);
    });

    it('role-in-map-users and user-in-map-roles move the entry in one patch (an emptied section is removed)', () => {
      const { t: tt, problems } = withContent({ mapUsers: `- userarn: arn:aws:iam::${A}:role/legacy\n  username: legacy\n  groups: [system:masters]\n` });
      const fix = rule('aws-auth/role-in-map-users').fix!(awsAuthFinding(problems.find((x) => x.kind === 'role-in-map-users')!).evidence, tt);
      expect(patchOf(fix.commands[0]!).data).toEqual({ mapUsers: null, mapRoles: `- rolearn: arn:aws:iam::${A}:role/legacy\n  username: legacy\n  groups:\n    - system:masters\n` });
      const u = withContent({ mapRoles: `- rolearn: arn:aws:iam::${A}:user/alice\n  username: alice\n`, mapUsers: users });
      const fu = rule('aws-auth/user-in-map-roles').fix!(awsAuthFinding(u.problems.find((x) => x.kind === 'user-in-map-roles')!).evidence, u.t);
      expect(patchOf(fu.commands[0]!).data).toEqual({ mapRoles: null, mapUsers: `${users}- userarn: arn:aws:iam::${A}:user/alice\n  username: alice\n` });
    });

    it('an EC2 DNS template for a user becomes the user name; an instance profile becomes its role', () => {
      const { t: tt, problems } = withContent({ mapRoles: `- rolearn: arn:aws:iam::${A}:instance-profile/runner\n  username: runner\n`, mapUsers: `- userarn: arn:aws:iam::${A}:user/alice\n  username: system:node:{{EC2PrivateDNSName}}\n  groups: [readers]\n` });
      const tpl = rule('aws-auth/invalid-username-template').fix!(awsAuthFinding(problems.find((x) => x.kind === 'invalid-username-template')!).evidence, tt);
      expect(patchOf(tpl.commands[0]!).data).toEqual({ mapUsers: `- userarn: arn:aws:iam::${A}:user/alice\n  username: alice\n  groups:\n    - readers\n` });
      const ip = rule('aws-auth/invalid-arn').fix!(awsAuthFinding(problems.find((x) => x.kind === 'invalid-arn')!).evidence, tt);
      expect(patchOf(ip.commands[0]!).data).toEqual({ mapRoles: `- rolearn: arn:aws:iam::${A}:role/runner\n  username: runner\n` });
    });

    it('a misspelt key and a bad indent: the corrected section from the check, the misspelt key removed', () => {
      const key = parseData({ maproles: `- rolearn: arn:aws:iam::${A}:role/dev\n  username: dev\n` }).problems.find((x) => x.kind === 'unknown-key')!;
      const corrected = { section: 'mapRoles' as const, entries: [{ arn: `arn:aws:iam::${A}:role/dev`, username: 'dev', groups: [] }], change: 'renamed maproles to mapRoles' };
      const fix = rule('aws-auth/unknown-key').fix!(awsAuthFinding(key, 'CONFIG_MAP', {}, { corrected }).evidence, t);
      expect(patchOf(fix.commands[0]!).data).toEqual({ mapRoles: `- rolearn: arn:aws:iam::${A}:role/dev\n  username: dev\n`, maproles: null });
      const bad = parseData({ mapRoles: `- rolearn: arn:aws:iam::${A}:role/dev\n  username: dev\n   groups:\n    - g\n` }).problems.find((x) => x.kind === 'invalid-yaml')!;
      const yaml = rule('aws-auth/invalid-yaml').fix!(awsAuthFinding(bad, 'CONFIG_MAP', {}, { corrected: { ...corrected, entries: [{ ...corrected.entries[0]!, groups: ['g'] }], change: 're-indented line 3 of mapRoles' } }).evidence, t);
      expect(yaml.summary).toContain('re-indented line 3 of mapRoles');
      expect(patchOf(yaml.commands[0]!).data).toEqual({ mapRoles: `- rolearn: arn:aws:iam::${A}:role/dev\n  username: dev\n  groups:\n    - g\n` });
      expect(rule('aws-auth/invalid-yaml').fix!(awsAuthFinding(bad).evidence, t).commands).toEqual(['kubectl edit configmap aws-auth -n kube-system --context prod']);
    });
  });

  describe('principal-not-mapped (one plan for every not-mapped fix: src/rules/grant.ts)', () => {
    const principalArn = `arn:aws:iam::${A}:role/ec2-worker`;
    const base = { principalArn, callerArn: `arn:aws:sts::${A}:assumed-role/ec2-worker/i-0abc`, cluster: 'prod-eks', sources: ['aws-auth'], unseen: [], grant: { level: 'view' } as const };
    const fixers = [
      { arn: `arn:aws:iam::${A}:role/platform-admin`, reason: 'aws-auth-admin' as const, seenIn: 'aws-auth', profile: 'platform' },
      { arn: `arn:aws:iam::${A}:user/alice`, reason: 'creator' as const, seenIn: 'CloudTrail' },
    ];
    const r = rule('aws-auth/principal-not-mapped');
    const withContent = { ...t, awsAuth: { mapRoles: [{ arn: `arn:aws:iam::${A}:role/eks-node`, username: 'system:node:{{EC2PrivateDNSName}}', groups: ['system:bootstrappers', 'system:nodes'] }], mapUsers: [], mapAccounts: [] } };

    it('CONFIG_MAP, content known: a merge patch of the whole mapRoles as the first fixer (their profile), a view binding, eksctl as the alternative', () => {
      const fix = r.fix!(ev('aws-auth/principal-not-mapped', { ...base, authenticationMode: 'CONFIG_MAP', fixers }), withContent);
      expect(fix.commands[0]).toBe('aws eks update-kubeconfig --name prod-eks --region eu-west-1 --alias prod-eks-platform-admin --user-alias prod-eks-platform-admin --profile platform');
      expect(fix.commands[1]).toMatch(/^kubectl patch configmap aws-auth -n kube-system --type merge -p '\{"data":\{"mapRoles":".*eks-node.*ec2-worker.*"\}\}' --context prod-eks-platform-admin$/);
      expect(fix.commands[2]).toBe('kubectl create clusterrolebinding ec2-worker-view --clusterrole=view --group=ec2-worker-view --context prod-eks-platform-admin');
      expect(fix.summary).toContain(`Run as arn:aws:iam::${A}:role/platform-admin (mapped to system:masters, seen in aws-auth; your profile platform is that principal)`);
      expect(fix.summary).toContain(`arn:aws:iam::${A}:user/alice (created the cluster, seen in CloudTrail)`);
      expect(fix.summary).toMatch(/Read-only \(view\)/);
      expect(fix.alternative!.commands[1]).toBe(`eksctl create iamidentitymapping --cluster prod-eks --region eu-west-1 --arn ${principalArn} --username 'ec2-worker:{{SessionName}}' --group ec2-worker-view --profile platform`);
      expect(fix.commands.join('\n')).not.toContain('create-access-entry');
      expect(fix.placeholders).toBeUndefined();
    });

    it('the patch carries the section the authenticator reads back exactly: the old entries and the new one', () => {
      const fix = r.fix!(ev('aws-auth/principal-not-mapped', { ...base, authenticationMode: 'CONFIG_MAP', fixers }), withContent);
      const json = JSON.parse(/-p '(.*)' --context/.exec(fix.commands[1]!)![1]!.replace(/'\\''/g, "'")) as { data: { mapRoles: string } };
      const back = parseAwsAuthData(json.data);
      expect(back.problems).toEqual([]);
      expect(back.roles.map((m) => [m.arn, m.username, m.groups])).toEqual([
        [`arn:aws:iam::${A}:role/eks-node`, 'system:node:{{EC2PrivateDNSName}}', ['system:bootstrappers', 'system:nodes']],
        [principalArn, 'ec2-worker:{{SessionName}}', ['ec2-worker-view']],
      ]);
    });

    it('CONFIG_MAP, content unknown and no local profile: kubectl edit with the exact lines, the admin profile as a placeholder', () => {
      const fix = r.fix!(ev('aws-auth/principal-not-mapped', { ...base, authenticationMode: 'CONFIG_MAP', fixers: [fixers[1]!] }), t);
      expect(fix.commands[0]).toBe('aws eks update-kubeconfig --name prod-eks --region eu-west-1 --alias prod-eks-alice --user-alias prod-eks-alice --profile "$ADMIN_PROFILE"');
      expect(fix.commands[1]).toBe('kubectl edit configmap aws-auth -n kube-system --context prod-eks-alice');
      expect(fix.insert!.lines).toEqual([`- rolearn: ${principalArn}`, '  username: "ec2-worker:{{SessionName}}"', '  groups:', '    - ec2-worker-view']);
      expect(fix.placeholders).toEqual({ ADMIN_PROFILE: `an AWS profile whose credentials are arn:aws:iam::${A}:user/alice` });
    });

    it('admin only when the evidence says so (it created the cluster): system:masters, no view binding', () => {
      const fix = r.fix!(ev('aws-auth/principal-not-mapped', { ...base, authenticationMode: 'CONFIG_MAP', fixers, grant: { level: 'admin', because: 'it created the cluster' } }), withContent);
      expect(fix.commands[1]).toContain('system:masters');
      expect(fix.commands.some((c) => c.includes('clusterrolebinding'))).toBe(false);
      expect(fix.summary).toContain('Full admin, because it created the cluster.');
    });

    it.each(['API', 'API_AND_CONFIG_MAP'] as const)('%s: an access entry with the view policy, run with the fixer profile', (mode) => {
      const fix = r.fix!(ev('aws-auth/principal-not-mapped', { ...base, authenticationMode: mode, fixers }), t);
      expect(fix.commands).toEqual([
        `aws eks create-access-entry --cluster-name prod-eks --region eu-west-1 --principal-arn ${principalArn} --profile platform`,
        `aws eks associate-access-policy --cluster-name prod-eks --region eu-west-1 --principal-arn ${principalArn} --policy-arn arn:aws:eks::aws:cluster-access-policy/AmazonEKSViewPolicy --access-scope type=cluster --profile platform`,
      ]);
      expect(fix.commands.join('\n')).not.toContain('eksctl');
    });

    it('restores the policies a deleted entry had (CloudTrail), with the full ARN IAM gave', () => {
      const grant = { level: 'restore' as const, policies: ['arn:aws:eks::aws:cluster-access-policy/AmazonEKSEditPolicy'], because: 'CloudTrail shows them' };
      const fix = r.fix!(ev('aws-auth/principal-not-mapped', { ...base, authenticationMode: 'API', fixers, grant, fullArn: `arn:aws:iam::${A}:role/team/ec2-worker` }), t);
      expect(fix.commands[0]).toContain(`--principal-arn arn:aws:iam::${A}:role/team/ec2-worker`);
      expect(fix.commands[1]).toContain('AmazonEKSEditPolicy');
    });

    it('SSO role in an access entry: the full ARN with its path is a placeholder, with how to look it up', () => {
      const sso = `arn:aws:iam::${A}:role/AWSReservedSSO_Admin_0123456789abcdef`;
      const fix = r.fix!(ev('aws-auth/principal-not-mapped', { ...base, principalArn: sso, authenticationMode: 'API', fixers: [] }), t);
      expect(fix.commands[0]).toContain('--principal-arn "$ROLE_ARN"');
      expect(fix.commands.join('\n')).not.toContain('$(');
      expect(fix.placeholders!.ROLE_ARN).toContain('aws iam get-role --role-name AWSReservedSSO_Admin_0123456789abcdef --query Role.Arn --output text');
      expect(Object.keys(fix.placeholders!).sort()).toEqual(['ADMIN_PROFILE', 'ROLE_ARN']);
    });

    it('no fixer seen: a cluster administrator, and what could not be seen', () => {
      const e = ev('aws-auth/principal-not-mapped', { ...base, authenticationMode: 'CONFIG_MAP', fixers: [], unseen: ['CloudTrail: denied'] });
      expect(r.fix!(e, t).summary).toContain('Have a cluster administrator run these (who that is could not be seen: CloudTrail: denied)');
      expect(r.detail!(e, t)).toContain('No principal with admin rights could be seen.');
    });
  });

  it('account-only-mapping binds RBAC to the ARN username, as a cluster administrator (the principal itself is forbidden everything)', () => {
    const e = ev('aws-auth/account-only-mapping', { principalArn: `arn:aws:iam::${A}:user/dave`, username: `arn:aws:iam::${A}:user/dave`, accountId: A });
    const fix = rule('aws-auth/account-only-mapping').fix!(e, t);
    expect(fix.commands).toEqual([
      `aws eks update-kubeconfig --name prod-eks --region eu-west-1 --alias prod-eks-admin --user-alias prod-eks-admin --profile "$ADMIN_PROFILE"`,
      `kubectl create clusterrolebinding dave-view --clusterrole=view --user=arn:aws:iam::${A}:user/dave --context prod-eks-admin`,
    ]);
    expect(Object.keys(fix.placeholders ?? {})).toEqual(['ADMIN_PROFILE']);
  });

  it('ignored-in-api-mode gives the principal an access entry with the groups it had, system:masters becoming ClusterAdmin', () => {
    const base = { principalArn: `arn:aws:iam::${A}:role/a`, section: 'mapRoles' as const, line: 1, fixers: [], unseen: [] };
    const withGroups = rule('aws-auth/ignored-in-api-mode').fix!(ev('aws-auth/ignored-in-api-mode', { ...base, groups: ['dev-team'] }), t).commands;
    expect(withGroups[0]).toBe(`aws eks create-access-entry --cluster-name prod-eks --region eu-west-1 --principal-arn arn:aws:iam::${A}:role/a --kubernetes-groups dev-team --profile "$ADMIN_PROFILE"`);
    expect(withGroups).toHaveLength(1);
    const masters = rule('aws-auth/ignored-in-api-mode').fix!(ev('aws-auth/ignored-in-api-mode', { ...base, groups: ['system:masters'] }), t).commands;
    expect(masters[1]).toContain('AmazonEKSClusterAdminPolicy');
  });

  it('not-found creates aws-auth with kubectl alone (no redirection), eksctl as the alternative', () => {
    const fix = rule('aws-auth/not-found').fix!(ev('aws-auth/not-found', { authenticationMode: 'CONFIG_MAP', principalArn: `arn:aws:iam::${A}:role/a` }), t);
    expect(fix.commands[0]).toBe('kubectl create configmap aws-auth -n kube-system --context prod');
    expect(fix.commands[1]).toMatch(/^kubectl patch configmap aws-auth -n kube-system --type merge -p '.*role\/a.*' --context prod$/);
    expect(fix.alternative!.commands[0]).toMatch(/^eksctl create iamidentitymapping/);
  });

  it.each([
    ['malformed-section.yaml', 'aws-auth/invalid-yaml', /Fix the YAML of mapRoles at malformed-section\.yaml:11/],
    ['pitfalls.yaml', 'aws-auth/unknown-key', /Rename "MapAccounts" to "mapAccounts" in pitfalls\.yaml:36/],
    ['pitfalls.yaml', 'aws-auth/duplicate-entry', /the one at pitfalls\.yaml:21 \(mapRoles\) is the one in effect/],
    ['pitfalls.yaml', 'aws-auth/user-in-map-roles', /Move the entry at pitfalls\.yaml:13 \(mapRoles\) to mapUsers/],
  ])('%s: %s fix names the place', (file, id, summary) => {
    const e = find(manifest(file).problems, id)[0]!.evidence;
    expect(rule(id).fix!(e, t).summary).toMatch(summary);
  });

  it('a session template for an IAM user asks for a fixed username', () => {
    const e = find(manifest('pitfalls.yaml').problems, 'aws-auth/invalid-username-template').find((p) => p.evidence.section === 'mapUsers')!.evidence;
    expect(rule('aws-auth/invalid-username-template').fix!(e, t).summary).toContain('give the IAM user a fixed username');
  });

  it('granted says who the principal is mapped as', () => {
    const msg = rule('aws-auth/granted').message(ev('aws-auth/granted', { principalArn: `arn:aws:iam::${A}:role/a`, section: 'mapRoles', line: 3, username: 'a', groups: ['devs'] }), t);
    expect(msg).toBe(`arn:aws:iam::${A}:role/a is mapped by mapRoles line 3 as "a" with groups devs`);
  });
});


describe('corrections of a section the authenticator drops (src/facts/aws-auth/repair.ts)', () => {
  it('a misspelt section key is read as the section it means, only when that section is absent', async () => {
    const { renamedSection } = await import('../../src/facts/aws-auth/repair.js');
    const text = `- rolearn: arn:aws:iam::${A}:role/dev\n  username: dev\n  groups:\n    - system:masters\n`;
    expect(renamedSection({ maproles: text }, 'maproles', 'mapRoles')).toMatchObject({ section: 'mapRoles', entries: [{ arn: `arn:aws:iam::${A}:role/dev`, username: 'dev', groups: ['system:masters'] }] });
    expect(renamedSection({ maproles: text, mapRoles: '' }, 'maproles', 'mapRoles')).toBeUndefined();
    expect(renamedSection({ maproles: 'not: [valid' }, 'maproles', 'mapRoles')).toBeUndefined();
  });

  it('one line indented off its siblings is aligned; anything else stays a hand edit', async () => {
    const { reindentedSection } = await import('../../src/facts/aws-auth/repair.js');
    const data = { mapRoles: `- rolearn: arn:aws:iam::${A}:role/dev\n  username: dev\n   groups:\n    - system:masters\n` };
    const [p] = parseData(data).problems;
    expect(p).toMatchObject({ kind: 'invalid-yaml', dropped: 'section' });
    expect(reindentedSection(data, 'mapRoles', (p as { line?: number }).line)).toMatchObject({ change: 're-indented line 3 of mapRoles', entries: [{ username: 'dev', groups: ['system:masters'] }] });
    expect(reindentedSection({ mapRoles: '- rolearn: [\n' }, 'mapRoles', 1)).toBeUndefined();
  });
});
