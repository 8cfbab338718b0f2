/**
 * The emulator's aws-iam-authenticator reading the aws-auth ConfigMap, case by case as upstream does
 * (each case names the upstream file whose behaviour it follows). Fixtures here are our own,
 * equivalent to the shapes pkg/mapper/configmap/yaml/*.yaml and configmap_test.go exercise.
 */
import { describe, expect, it } from 'vitest';
import { MapStore, parseConfigMap } from '../../packages/eks-emulator/src/authenticator/config-map.js';
import { ssoArnLike, validateRoleMapping, type RoleMapping } from '../../packages/eks-emulator/src/authenticator/mappings.js';
import { resolveScalar } from '../../packages/eks-emulator/src/authenticator/yaml-v2-scalar.js';
import { unmarshalYamlV2StringList } from '../../packages/eks-emulator/src/authenticator/yaml-v2.js';
import { validateScenario } from '../../packages/eks-emulator/src/scenarios.js';

const A = '444455556666';
const NODE_ROLE = `arn:aws:iam::${A}:role/prod-workers-NodeInstanceRole-1A2B3C`;
const ADMIN = `arn:aws:iam::${A}:user/ops-admin`;
const role = (arn: string, username: string, groups: string[]) => ({ kind: 'role', roleArn: arn, username, groups });
const user = (arn: string, username: string, groups: string[]) => ({ kind: 'user', userArn: arn, username, groups });

const valid = (keys: { rolearn: string; userarn: string; username: string; groups: string }) => ({
  mapRoles: `- ${keys.rolearn}: ${NODE_ROLE}\n  ${keys.username}: system:node:{{EC2PrivateDNSName}}\n  ${keys.groups}:\n    - system:bootstrappers\n    - system:nodes\n`,
  mapUsers: `- ${keys.userarn}: ${ADMIN}\n  ${keys.username}: ops-admin\n  ${keys.groups}:\n    - system:masters\n`,
  mapAccounts: `- "${A}"\n`,
});
const VALID = { roles: [role(NODE_ROLE, 'system:node:{{EC2PrivateDNSName}}', ['system:bootstrappers', 'system:nodes'])], users: [user(ADMIN, 'ops-admin', ['system:masters'])], accounts: [A] };

describe('ParseMap sections (pkg/mapper/configmap/configmap.go, yaml_test.go TestConfigMap)', () => {
  it('reads the EKS documentation shape', () => {
    expect(parseConfigMap(valid({ rolearn: 'rolearn', userarn: 'userarn', username: 'username', groups: 'groups' }))).toMatchObject({ ...VALID, errors: [] });
  });

  it('matches entry fields case-insensitively (aws-auth-crazy-case-keys, aws-auth-open-source-case-keys)', () => {
    expect(parseConfigMap(valid({ rolearn: 'rOlEaRn', userarn: 'uSeRaRn', username: 'UsErNaMe', groups: 'gRoUpS' }))).toMatchObject(VALID);
    expect(parseConfigMap(valid({ rolearn: 'roleARN', userarn: 'userARN', username: 'username', groups: 'groups' }))).toMatchObject(VALID);
  });

  it('reads only the exact top-level keys (aws-auth-lower-case-top-keys, aws-auth-crazy-case-top-keys)', () => {
    const data = valid({ rolearn: 'rolearn', userarn: 'userarn', username: 'username', groups: 'groups' });
    expect(parseConfigMap({ maproles: data.mapRoles, MaPuSeRs: data.mapUsers, mapaccounts: data.mapAccounts })).toEqual({ roles: [], users: [], accounts: [], errors: [] });
  });

  it('folds a mis-indented list item into the scalar before it (aws-auth-space-out-of-place)', () => {
    const p = parseConfigMap({ mapRoles: `- rolearn: ${NODE_ROLE}\n  username: node\n  groups:\n    - system:bootstrappers\n     - system:nodes\n` });
    expect(p.roles).toEqual([role(NODE_ROLE, 'node', ['system:bootstrappers - system:nodes'])]);
  });

  it('never sees a ConfigMap whose data value is a list (aws-auth-missing-bar: kube-apiserver rejects it)', () => {
    const doc = { description: 'd', account: A, region: 'us-west-2', principals: [], local: { profiles: {} }, kubeconfig: {}, cluster: { name: 'c' }, awsAuth: { mapRoles: [{ rolearn: NODE_ROLE }] }, expect: { exitCode: 0, rootCauses: [], kubectl: 'ok' } };
    expect(() => validateScenario(doc, 'x.yaml', 'x')).toThrow(/awsAuth.mapRoles: ConfigMap data values are strings/);
  });

  it("treats '', \"\", `` and blank as empty sections, not as YAML (isSkippable; configmap_test.go TestBadParseMap*)", () => {
    for (const empty of ["''", '""', '``', '', '  \n  ']) {
      expect(parseConfigMap({ mapRoles: empty, mapUsers: empty, mapAccounts: empty })).toEqual({ roles: [], users: [], accounts: [], errors: [] });
    }
  });

  it('drops a section with a YAML error and still loads the others', () => {
    const p = parseConfigMap({ mapRoles: `- rolearn: ${NODE_ROLE}\n  username: n\n   groups:\n    - x\n`, mapUsers: `- userarn: ${ADMIN}\n  username: a\n`, mapAccounts: `- "${A}"\n` });
    expect(p.roles).toEqual([]);
    expect(p.users).toEqual([user(ADMIN, 'a', [])]);
    expect(p.accounts).toEqual([A]);
    expect(p.errors).toHaveLength(1);
  });

  it('keeps every good entry when ParseMap reports errors ("Only saving data that was good")', () => {
    const p = parseConfigMap({
      mapRoles: `- username: no-arn\n- rolearn: 42\n- "a string"\n- rolearn: ${NODE_ROLE}\n  username: n\n  sso: {permissionSetName: X, accountID: "${A}"}\n- rolearn: ${NODE_ROLE}\n  username: kept\n`,
      mapUsers: `key: a mapping where a list belongs\n`,
      mapAccounts: `- {not: an account}\n- ${A}\n`,
    });
    expect(p.roles).toEqual([role(NODE_ROLE, 'kept', [])]);
    expect(p.users).toEqual([]);
    expect(p.accounts).toEqual([A]);
    expect(p.errors).toEqual(expect.arrayContaining(['one of rolearn or SSO must be supplied', 'only one of rolearn or SSO can be supplied']));
  });

  it('takes a section starting with { as JSON (utilyaml.ToJSON hasJSONPrefix), where a list is a type error', () => {
    expect(parseConfigMap({ mapUsers: `{"userarn": "${ADMIN}", "username": "a"}` }).users).toEqual([]);
    expect(parseConfigMap({ mapUsers: `[{"userarn": "${ADMIN}", "username": "a"}]` }).users).toEqual([user(ADMIN, 'a', [])]);
  });

  it('decodes only the first YAML document of a section (yaml.v2 Unmarshal)', () => {
    expect(parseConfigMap({ mapUsers: `- userarn: ${ADMIN}\n  username: first\n---\n- not: read\n` }).users).toEqual([user(ADMIN, 'first', [])]);
  });

  it('drops a section whose aliases expand past yaml.v2\'s excessive-aliasing guard (the billion laughs)', () => {
    const bomb = `- a: &a [l,l,l,l,l,l,l,l,l]\n  b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\n  c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\n  d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\n  rolearn: ${NODE_ROLE}\n  groups: *d\n`;
    expect(parseConfigMap({ mapRoles: bomb })).toMatchObject({ roles: [], errors: ['yaml: document contains excessive aliasing'] });
    expect(parseConfigMap({ mapRoles: `- rolearn: ${NODE_ROLE}\n  username: &u node\n  groups: [*u, *u]\n` }).roles).toEqual([role(NODE_ROLE, 'node', ['node', 'node'])]);
  });
});

describe('YAML 1.1 scalars as yaml.v2 resolves them and encoding/json then reads them (resolve.go, decode.go)', () => {
  const username = (text: string) => parseConfigMap({ mapUsers: `- userarn: ${ADMIN}\n  username: ${text}\n` }).users[0]?.username;

  it('makes on / yes / y / off / no / n booleans: a type error that leaves the username "" and keeps the entry', () => {
    for (const b of ['on', 'On', 'yes', 'YES', 'y', 'Y', 'off', 'no', 'n', 'true', 'False']) expect(username(b)).toBe('');
    expect(username('"on"')).toBe('on');
    expect(username('!!str on')).toBe('on');
  });

  it('makes Go-syntax numbers ints (012 octal, 0x1F, 0o17, 0b101, 1_000), but not base-60 (190:20:30) or out-of-range floats', () => {
    for (const n of ['012', '0x1F', '0o17', '0b101', '1_000', '+12', '09', '1e3', '.5']) expect(username(n)).toBe('');
    expect(username('190:20:30')).toBe('190:20:30');
    expect(username('1e400')).toBe('1e400');
    expect(resolveScalar('012', 'plain')).toEqual({ tag: 'int', value: 10 });
    expect(resolveScalar('1_000', 'plain')).toEqual({ tag: 'int', value: 1000 });
    expect(resolveScalar('09', 'plain')).toEqual({ tag: 'float', value: 9 });
  });

  it('keeps timestamps as their text in an interface{} (decode.go "for backward compatibility")', () => {
    expect(username('2001-12-14')).toBe('2001-12-14');
  });

  it('drops the section for .inf / .nan, which json.Marshal refuses', () => {
    expect(parseConfigMap({ mapUsers: `- userarn: ${ADMIN}\n  username: u\n  note: .nan\n` }).users).toEqual([]);
  });

  it('keeps mapAccounts entries as written: yaml.v2 decodes a scalar into a string as its text', () => {
    expect(unmarshalYamlV2StringList('- 012345678901\n- 1_000\n- on\n- ~\n- "x"\n')).toMatchObject({ ok: true, value: ['012345678901', '1_000', 'on', '', 'x'] });
    expect(unmarshalYamlV2StringList('- 111122223333\n- !!int nope\n- 999988887777\n')).toMatchObject({ ok: false, partial: ['111122223333'] });
  });
});

describe('encoding/json into RoleMapping / UserMapping (pkg/config/types.go)', () => {
  const entry = (fields: string) => parseConfigMap({ mapUsers: `- userarn: ${ADMIN}\n${fields}` }).users[0];

  it('folds field names as bytes.EqualFold does: ſ (U+017F) is s', () => {
    expect(entry('  u\u017Fername: folded\n')?.username).toBe('folded');
    expect(entry('  usernam: typo\n')?.username).toBe('');
  });

  it('lets the key json.Marshal writes last win: keys are sorted, so `username` beats `Username` wherever it stands', () => {
    expect(entry('  username: exact\n  Username: other\n')?.username).toBe('exact');
    expect(entry('  USERNAME: b\n  Username: a\n')?.username).toBe('a');
  });

  it('gives every array element a slot: non-strings are "" (a type error), null is ""', () => {
    expect(entry('  groups: [dev, ~, 7, [x], {a: 1}, yes]\n')?.groups).toEqual(['dev', '', '', '', '', '']);
    expect(entry('  groups: system:masters\n')?.groups).toEqual([]);
    expect(entry('  groups: ~\n')?.groups).toEqual([]);
  });

  it('decodes a second array into the same slice without clearing it (decode.go array())', () => {
    expect(entry('  GROUPS: [a, b]\n  Groups: [7]\n')?.groups).toEqual(['a']);
  });

  it('applies a `<<` merge where it stands, so it overwrites keys set before it (yaml.v2 decode.go mapping)', () => {
    const p = parseConfigMap({ mapUsers: `- &base {username: merged, groups: [g]}\n- username: explicit\n  <<: *base\n  userarn: ${ADMIN}\n` });
    expect(p.users).toEqual([user(ADMIN, 'merged', ['g'])]);
  });

  it('an `sso` that is not an object still allocates the matcher (decode.go indirect before the type error), so the entry has both and is dropped', () => {
    expect(parseConfigMap({ mapRoles: `- rolearn: ${NODE_ROLE}\n  sso: x\n  username: u\n` }).roles).toEqual([]);
  });
});

describe('the MapStore (configmap.go saveMap, RoleMapping, UserMapping)', () => {
  const session = (name: string) => `arn:aws:iam::${A}:role/${name}`.toLowerCase();

  it('files roles under their lower-cased ARN, so the last of two entries differing in case wins', () => {
    const store = new MapStore(parseConfigMap({ mapRoles: `- rolearn: arn:aws:iam::${A}:role/Deploy\n  username: first\n- rolearn: arn:aws:iam::${A}:role/deploy\n  username: second\n` }), { ssoRoleMatch: false });
    expect(store.roleCandidates(session('deploy')).map((r) => r.username)).toEqual(['second']);
  });

  it('files users as written, so two entries differing in case both match (Go map order picks one)', () => {
    const store = new MapStore(parseConfigMap({ mapUsers: `- userarn: arn:aws:iam::${A}:user/Bob\n  username: first\n- userarn: arn:aws:iam::${A}:user/bob\n  username: second\n` }), { ssoRoleMatch: false });
    expect(store.userCandidates(`arn:aws:iam::${A}:user/bob`).map((u) => u.username)).toEqual(['first', 'second']);
  });

  it('matches ARNs with strings.EqualFold (K U+212A is k, ſ U+017F is s; dotless ı is not i)', () => {
    const store = new MapStore(parseConfigMap({ mapRoles: `- rolearn: arn:aws:iam::${A}:role/E\u212As-node\u017F\n  username: n\n- rolearn: arn:aws:iam::${A}:role/adm\u0131n\n  username: x\n` }), { ssoRoleMatch: false });
    expect(store.roleCandidates(session('eks-nodes'))).toHaveLength(1);
    expect(store.roleCandidates(session('admin'))).toHaveLength(0);
  });
});

describe('sso: entries (pkg/config/mapper.go SSOArnLike, Validate; the SSORoleMatch feature gate)', () => {
  const IDENTITY_CENTER_ROLE = `arn:aws:iam::${A}:role/awsreservedsso_viewonly_0123456789abcdef`;
  const sso = (fields: string) => parseConfigMap({ mapRoles: `- sso: {${fields}}\n  username: viewer\n  groups: [view]\n` });

  it('matches IAM Identity Center roles of the permission set with the gate on, and nothing with it off (EKS)', () => {
    const parsed = sso(`permissionSetName: ViewOnly, accountID: "${A}"`);
    expect(parsed.roles).toHaveLength(1);
    expect(new MapStore(parsed, { ssoRoleMatch: true }).roleCandidates(IDENTITY_CENTER_ROLE)).toHaveLength(1);
    expect(new MapStore(parsed, { ssoRoleMatch: true }).roleCandidates(`arn:aws:iam::${A}:role/awsreservedsso_admin_0123456789abcdef`)).toHaveLength(0);
    expect(new MapStore(parsed, { ssoRoleMatch: false }).roleCandidates(IDENTITY_CENTER_ROLE)).toHaveLength(0);
  });

  it('never matches once a partition is given: SSOArnLike fills the partition in only when it is empty', () => {
    const m = sso(`permissionSetName: ViewOnly, accountID: "${A}", partition: aws`).roles[0] as RoleMapping;
    expect(ssoArnLike(m.sso!)).toBe(`arn::iam::${A}:role/awsreservedsso_viewonly_*`);
    expect(new MapStore(sso(`permissionSetName: ViewOnly, accountID: "${A}", partition: aws`), { ssoRoleMatch: true }).roleCandidates(IDENTITY_CENTER_ROLE)).toHaveLength(0);
  });

  it('drops entries Validate refuses: an unquoted account ID (a YAML int), a bad name, an unknown partition, rolearn and sso together', () => {
    expect(sso(`permissionSetName: ViewOnly, accountID: ${A}`).roles).toEqual([]);
    expect(sso(`permissionSetName: "not valid!", accountID: "${A}"`).roles).toEqual([]);
    expect(sso(`permissionSetName: ViewOnly, accountID: "${A}", partition: moon`).roles).toEqual([]);
    expect(validateRoleMapping({ kind: 'role', roleArn: NODE_ROLE, sso: { permissionSetName: 'X', accountId: A, partition: '' }, username: '', groups: [] })).toBe('only one of rolearn or SSO can be supplied');
  });
});
