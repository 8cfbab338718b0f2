/**
 * Differential test of the aws-auth mapping: eksdoctor's mapper (src/facts/aws-auth) against the
 * emulator's own aws-iam-authenticator (packages/eks-emulator/src/authenticator, written from
 * upstream), over (a) the aws-auth data of every scenario and fixture with their principals and
 * variants, and (b) generated aws-auth sections and principals. Both get the same caller, with the
 * canonical ARN the authenticator computes, so only parsing and mapping are compared. The outcome is
 * not mapped, denied (a template that cannot be rendered), or mapped to exactly this username and
 * these groups. Where the upstream store may pick any of several entries (Go map order), any of
 * their outcomes is accepted.
 *
 * Every disagreement fails the test. Cases that once disagreed stay as UPSTREAM_CASES, each with its
 * minimal input and the upstream source that decides it. PROPERTY_RUNS sets the number of
 * generated cases (fixed seed).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import yaml from 'js-yaml';
import { describe, expect, it } from 'vitest';
import { MapStore, parseConfigMap } from '../../packages/eks-emulator/src/authenticator/config-map.js';
import { possibleOutcomes, type MappingOutcome } from '../../packages/eks-emulator/src/authenticator/config-map-mapper.js';
import { identityFromStsResponse, type AuthenticatorIdentity } from '../../packages/eks-emulator/src/authenticator/identity.js';
import { EKS_AUTHENTICATOR_FEATURES, emulatedEc2 } from '../../packages/eks-emulator/src/kube/mapping.js';
import { listScenarios, loadScenario } from '../../packages/eks-emulator/src/scenarios.js';
import { identityOfPrincipal } from '../../packages/eks-emulator/src/state.js';
import { mapIdentity, parseAwsAuthData } from '../../src/facts/aws-auth.js';

const REGION = 'us-west-2';
const ec2 = emulatedEc2(REGION);

type Outcome = { kind: 'not-mapped' } | { kind: 'denied' } | { kind: 'mapped'; username: string; groups: string[] };

/** A caller as STS describes it (GetCallerIdentity) plus the access key it signed with. */
interface StsCaller {
  arn: string;
  account: string;
  userId: string;
  accessKeyId: string;
}

/** The emulator's view of the caller: pkg/token's Identity; undefined when Canonicalize refuses the ARN. */
function authenticatorIdentity(c: StsCaller): AuthenticatorIdentity | undefined {
  const r = identityFromStsResponse({ Arn: c.arn, Account: c.account, UserId: c.userId }, { accessKeyId: c.accessKeyId, stsEndpoint: `sts.${REGION}.amazonaws.com` });
  return r.ok ? r.identity : undefined;
}

/** THE adapter: the only place eksdoctor's mapper is reached (its exports parseAwsAuthData and mapIdentity). */
function productMap(data: Record<string, string>, caller: StsCaller): Outcome {
  const id = authenticatorIdentity(caller)!;
  const dns = ec2(id.sessionName);
  const mapped = mapIdentity(parseAwsAuthData(data), {
    arn: caller.arn,
    canonicalArn: id.canonicalArn,
    accountId: caller.account,
    userId: caller.userId,
    accessKeyId: caller.accessKeyId,
    sessionName: id.sessionName,
    ...(/^i-(\w{8}|\w{17})$/.test(id.sessionName) && dns.ok && { ec2PrivateDnsName: dns.name }),
  });
  if (!mapped) return { kind: 'not-mapped' };
  if (mapped.error) return { kind: 'denied' };
  return { kind: 'mapped', username: mapped.username, groups: mapped.groups };
}

function asOutcome(o: MappingOutcome): Outcome {
  return o.kind === 'mapped' ? { kind: 'mapped', username: o.username, groups: o.groups } : { kind: o.kind };
}

/** What EKS's authenticator may answer (several outcomes only when the store's Go map order decides). */
function upstreamOutcomes(data: Record<string, string>, caller: StsCaller): Outcome[] {
  const store = new MapStore(parseConfigMap(data), EKS_AUTHENTICATOR_FEATURES);
  return possibleOutcomes(store, authenticatorIdentity(caller)!, ec2).map(asOutcome);
}

const same = (a: Outcome, b: Outcome) => JSON.stringify(a) === JSON.stringify(b);

interface Disagreement {
  data: Record<string, string>;
  caller: StsCaller;
  product: Outcome;
  upstream: Outcome[];
}

function describeDisagreement(d: Disagreement): string {
  return JSON.stringify({ data: d.data, caller: d.caller.arn, product: d.product, upstream: d.upstream });
}

function compare(data: Record<string, string>, caller: StsCaller): Disagreement | undefined {
  if (!authenticatorIdentity(caller)) return undefined;
  const product = productMap(data, caller);
  const upstream = upstreamOutcomes(data, caller);
  return upstream.some((u) => same(u, product)) ? undefined : { data, caller, product, upstream };
}

// ---------------------------------------------------------------------------------------------
// Callers

const ACCOUNT = '111122223333';
const OTHER_ACCOUNT = '999988887777';
const SESSION_NAMES = ['alice', 'bob@example.com', 'i-0123456789abcdef0', 'i-01234567', 'i-0123', 'EKSGetTokenAuth'];

let keyCounter = 0;
const nextKey = (prefix: 'AKIA' | 'ASIA') => `${prefix}EXAMPLE${String(keyCounter++).padStart(9, '0')}`;

function userCaller(arn: string): StsCaller {
  return { arn, account: arn.split(':')[4]!, userId: 'AIDAEXAMPLEUSERID0001', accessKeyId: nextKey('AKIA') };
}

/** A session of the role `arn:…:role/[path/]name`: STS names it without the path. */
function sessionCaller(roleArn: string, session: string): StsCaller {
  const [, partition, , , account, resource] = roleArn.split(':') as [string, string, string, string, string, string];
  const name = resource.split('/').pop()!;
  return { arn: `arn:${partition}:sts::${account}:assumed-role/${name}/${session}`, account, userId: `AROAEXAMPLEROLEID0001:${session}`, accessKeyId: nextKey('ASIA') };
}

function federatedCaller(account: string, name: string): StsCaller {
  return { arn: `arn:aws:sts::${account}:federated-user/${name}`, account, userId: `${account}:${name}`, accessKeyId: nextKey('ASIA') };
}

function rootCaller(account: string): StsCaller {
  return { arn: `arn:aws:iam::${account}:root`, account, userId: account, accessKeyId: nextKey('AKIA') };
}

/** The callers worth trying against some aws-auth data: every principal it names, with variants. */
function callersFor(data: Record<string, string>, principals: string[] = []): StsCaller[] {
  const text = Object.values(data).join('\n');
  const named = [...text.matchAll(/arn:aws:(?:iam|sts)::\d{12}:(?:role|user|assumed-role|federated-user)\/[\w+=,.@/-]+/gi)].map((m) => m[0]);
  const arns = [...new Set([...principals, ...named])];
  const callers: StsCaller[] = [];
  for (const arn of arns) {
    const resource = arn.split(':')[5] ?? '';
    if (/^role\//i.test(resource)) for (const s of SESSION_NAMES) callers.push(sessionCaller(arn, s));
    else if (/^user\//i.test(resource)) callers.push(userCaller(arn), userCaller(arn.toLowerCase()));
    else if (/^assumed-role\//i.test(resource)) callers.push({ ...sessionCaller(`arn:aws:iam::${arn.split(':')[4]}:role/${resource.split('/')[1]}`, resource.split('/')[2] ?? 's') });
  }
  for (const account of [ACCOUNT, OTHER_ACCOUNT, ...new Set([...text.matchAll(/\b\d{12}\b/g)].map((m) => m[0]))]) {
    callers.push(rootCaller(account), federatedCaller(account, 'bob'), sessionCaller(`arn:aws:iam::${account}:role/unlisted`, 'alice'));
  }
  return callers;
}

// ---------------------------------------------------------------------------------------------
// Cases where eksdoctor once disagreed with upstream: each minimal input, and the upstream source
// that decides it. Product and upstream must agree on each.

interface UpstreamCase {
  id: string;
  /** What EKS's authenticator does, and the upstream source that says so. */
  upstream: string;
  data: Record<string, string>;
  caller: StsCaller;
}

const alice = (): StsCaller => userCaller(`arn:aws:iam::${ACCOUNT}:user/alice`);
const aliceEntry = (fields: string) => ({ mapUsers: `- userarn: arn:aws:iam::${ACCOUNT}:user/alice\n${fields}` });

const UPSTREAM_CASES: UpstreamCase[] = [
  {
    id: 'yaml-1.1-booleans',
    upstream: 'mapUsers/mapRoles go through sigs.k8s.io/yaml (yaml.v2, YAML 1.1: y/yes/on/off/n/no are booleans) and encoding/json, so a boolean username is a type error that leaves it "" and a boolean group is "" (pkg/mapper/configmap/configmap.go ParseMap: utilyaml.ToJSON + json.Unmarshal)',
    data: aliceEntry('  username: on\n  groups: [dev, yes]\n'),
    caller: alice(),
  },
  {
    id: 'yaml-1.1-underscore-numbers',
    upstream: 'yaml.v2 resolve.go drops `_` from a plain scalar before strconv.ParseInt, so 1_000 is the int 1000 and not a string username',
    data: aliceEntry('  username: 1_000\n'),
    caller: alice(),
  },
  {
    id: 'yaml-1.1-timestamps-stay-strings',
    upstream: 'yaml.v2 decode.go scalar(): a timestamp-looking value decoded into an interface{} is kept as its text "for backward compatibility", so username 2001-12-14 is the string "2001-12-14"',
    data: aliceEntry('  username: 2001-12-14\n'),
    caller: alice(),
  },
  {
    id: 'non-string-group-kept-as-empty',
    upstream: 'encoding/json decode.go array(): every element of a JSON array takes a slot in the []string; a null, number, boolean, list or map element is a type error (or no-op) that leaves its slot "", so groups [dev, ~] are ["dev", ""]',
    data: aliceEntry('  username: u\n  groups: [dev, ~, 7, [x]]\n'),
    caller: alice(),
  },
  {
    id: 'non-finite-float-drops-section',
    upstream: 'sigs.k8s.io/yaml YAMLToJSON ends in json.Marshal, which refuses NaN and ±Inf ("json: unsupported value"), so a section holding .inf or .nan anywhere (even in an unknown field) fails ToJSON and ParseMap drops the whole section',
    data: aliceEntry('  username: .inf\n'),
    caller: alice(),
  },
  {
    id: 'unicode-case-folded-field-names',
    upstream: 'encoding/json matches a key to a field with foldName, which is bytes.EqualFold: U+017F ſ folds to s and U+212A K to k, so `uſername` sets username',
    data: aliceEntry('  u\u017Fername: u\n'),
    caller: alice(),
  },
  {
    id: 'unicode-case-folded-arns',
    upstream: 'pkg/config/mapper.go Matches compares with strings.EqualFold, under which U+017F ſ equals s (U+212A K equals k too), so rolearn …role/eks-nodeſ maps the role eks-nodes',
    data: { mapRoles: `- rolearn: arn:aws:iam::${ACCOUNT}:role/eks-node\u017F\n  username: node\n` },
    caller: sessionCaller(`arn:aws:iam::${ACCOUNT}:role/eks-nodes`, 'alice'),
  },
  {
    id: 'flow-plain-scalar-colon-is-a-syntax-error',
    upstream: 'yaml.v2 scannerc.go yaml_parser_scan_plain_scalar: inside [ ] or { }, a plain scalar takes a `:` followed by anything but a blank and ends at ,?[]{}, so [node:{{EC2PrivateDNSName}}] is the scalar `node:` followed by `{`: "did not find expected \',\' or \']\'", a YAML error that drops the section',
    data: aliceEntry('  username: u\n  notes: [node:{{EC2PrivateDNSName}}]\n'),
    caller: alice(),
  },
  {
    id: 'federated-user-has-no-session-name',
    upstream: 'pkg/token/token.go getIdentityFromSTSResponse keeps a federated user\'s whole UserId ("account:name") and sets no SessionName, so {{SessionName}} and {{SessionNameRaw}} render as ""',
    data: { mapUsers: `- userarn: arn:aws:sts::${ACCOUNT}:federated-user/bob\n  username: "fed:{{SessionName}}"\n` },
    caller: federatedCaller(ACCOUNT, 'bob'),
  },
  {
    id: 'first-yaml-document-only',
    upstream: 'yaml.v2 Unmarshal (decode.go unmarshal: p.parse() once) decodes the first document of a section and ignores the rest',
    data: { mapUsers: `- userarn: arn:aws:iam::${ACCOUNT}:user/alice\n  username: u\n---\n- userarn: x\n` },
    caller: alice(),
  },
  {
    id: 'excessive-aliasing-drops-section',
    upstream: 'yaml.v2 decode.go unmarshal fails with "document contains excessive aliasing" once over 99% of 1000+ decodes come through aliases, so ParseMap drops the section (fixtures/aws-auth/alias-bomb.yaml maps no one)',
    data: { mapRoles: `- a: &a [l,l,l,l,l,l,l,l,l]\n  b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\n  c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\n  d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\n  rolearn: arn:aws:iam::${ACCOUNT}:role/x\n  username: x\n  groups: *d\n` },
    caller: sessionCaller(`arn:aws:iam::${ACCOUNT}:role/x`, 'alice'),
  },
  {
    id: 'duplicate-groups-keys-reuse-the-slice',
    upstream: 'json.Marshal sorts keys, so GROUPS is decoded before Groups, and encoding/json decode.go array() decodes the second array into the same slice without clearing it: GROUPS [a, b] then Groups [7] leaves ["a"]',
    data: aliceEntry('  username: u\n  GROUPS: [a, b]\n  Groups: [7]\n'),
    caller: alice(),
  },
  {
    id: 'merge-key-overrides-earlier-keys',
    upstream: 'yaml.v2 decode.go mapping() applies a `<<` merge where it stands, so it overwrites keys set before it (go-yaml/yaml#410: the same order makes strict mode report "already set")',
    data: { mapUsers: `- &base {username: merged}\n- username: explicit\n  <<: *base\n  userarn: arn:aws:iam::${ACCOUNT}:user/alice\n` },
    caller: alice(),
  },
  {
    id: 'binary-tag-decoded',
    upstream: 'yaml.v2 decode.go scalar() base64-decodes a !!binary value, so `username: !!binary dXNlcg==` is "user"',
    data: aliceEntry('  username: !!binary dXNlcg==\n'),
    caller: alice(),
  },
  {
    id: 'unknown-tag-is-a-string',
    upstream: 'yaml.v2 resolve.go returns the text of a scalar whose tag it cannot resolve (`!foo bar` is "bar")',
    data: aliceEntry('  username: !foo bar\n'),
    caller: alice(),
  },
  {
    id: 'recursive-alias-drops-section',
    upstream: 'yaml.v2 decode.go alias(): "anchor \'e\' value contains itself", an error that drops the section',
    data: { mapUsers: `- &e {userarn: "arn:aws:iam::${ACCOUNT}:user/alice", username: u, self: *e}\n` },
    caller: alice(),
  },
  {
    id: 'key-json-cannot-hold-drops-section',
    upstream: 'sigs.k8s.io/yaml convertToJSONableObject accepts only string, int, float and bool map keys ("unsupported map key"), and yaml.v2 refuses a list as a key ("invalid map key"): a null, list or uint64 key anywhere drops the section',
    data: aliceEntry('  username: u\n  ~: x\n'),
    caller: alice(),
  },
  {
    id: 'sso-of-the-wrong-type-allocates-the-matcher',
    upstream:
      'encoding/json decode.go literalStore and array() call indirect(v, false) first, which allocates the nil *SSOARNMatcher before the type error is saved, so `sso: x` leaves a non-nil matcher and Validate drops the entry ("only one of rolearn or SSO can be supplied", pkg/config/mapper.go)',
    data: { mapRoles: `- rolearn: arn:aws:iam::${ACCOUNT}:role/r\n  sso: x\n  username: u\n` },
    caller: sessionCaller(`arn:aws:iam::${ACCOUNT}:role/r`, 's'),
  },
];
// ---------------------------------------------------------------------------------------------
// (a) Every scenario and every fixture that holds aws-auth data

interface Corpus {
  name: string;
  data: Record<string, string>;
  principals: string[];
}

function scenarioCorpus(): Corpus[] {
  return listScenarios()
    .map(({ name }) => loadScenario(name))
    .filter((s) => s.awsAuth)
    .map((s) => ({ name: `scenario ${s.name}`, data: s.awsAuth as Record<string, string>, principals: s.principals.map((p) => p.arn) }));
}

const FIXTURES = join(import.meta.dirname, '..', '..', 'fixtures');

/** ConfigMaps named aws-auth in the fixture files, with `data` only when kube-apiserver would store it (string values). */
function fixtureConfigMaps(): { name: string; data?: Record<string, string>; rejected?: string }[] {
  const files = ['aws-auth', 'hostile'].flatMap((dir) => readdirSync(join(FIXTURES, dir)).map((f) => join(dir, f)));
  const out: { name: string; data?: Record<string, string>; rejected?: string }[] = [];
  for (const file of files) {
    let docs: unknown[];
    try {
      docs = yaml.loadAll(readFileSync(join(FIXTURES, file), 'utf8'));
    } catch {
      continue; // billion-laughs kubeconfigs: not aws-auth data
    }
    for (const doc of docs as { kind?: string; metadata?: { name?: string }; data?: Record<string, unknown> }[]) {
      if (doc?.kind !== 'ConfigMap' || doc.metadata?.name !== 'aws-auth' || !doc.data) continue;
      const nonString = Object.entries(doc.data).find(([, v]) => typeof v !== 'string');
      if (nonString) out.push({ name: file, rejected: `data.${nonString[0]} is not a string` });
      else out.push({ name: file, data: doc.data as Record<string, string> });
    }
  }
  return out;
}

function fixtureCorpus(): Corpus[] {
  return fixtureConfigMaps()
    .filter((f) => f.data)
    .map((f) => ({ name: `fixture ${f.name}`, data: f.data!, principals: [] }));
}

/** Scenario principals as STS reports them: roles through a session (identityOfPrincipal), with session-name variants. */
function scenarioCallers(s: ReturnType<typeof loadScenario>): StsCaller[] {
  return s.principals.map((p) => {
    const id = identityOfPrincipal(p, `${p.name}-session`);
    return { arn: id.arn, account: id.accountId, userId: id.userId, accessKeyId: id.accessKeyId };
  });
}

describe('differential: scenarios and fixtures', () => {
  const scenarios = listScenarios().map(({ name }) => loadScenario(name));
  const corpus = [...scenarioCorpus(), ...fixtureCorpus()];

  it('covers every scenario with aws-auth and every aws-auth fixture', () => {
    expect(corpus.filter((c) => c.name.startsWith('scenario')).length).toBe(scenarios.filter((s) => s.awsAuth).length);
    expect(corpus.filter((c) => c.name.startsWith('fixture')).map((c) => c.name).sort()).toMatchInlineSnapshot(`
      [
        "fixture aws-auth/alias-bomb.yaml",
        "fixture aws-auth/docs-example.yaml",
        "fixture aws-auth/eksctl-healthy.yaml",
        "fixture aws-auth/malformed-section.yaml",
        "fixture aws-auth/multi-doc.yaml",
        "fixture aws-auth/pitfalls.yaml",
        "fixture aws-auth/sso-role-with-path.yaml",
        "fixture hostile/aws-auth-junk.yaml",
      ]
    `);
  });

  it.each(corpus.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const scenario = scenarios.find((s) => `scenario ${s.name}` === c.name);
    const callers = [...(scenario ? scenarioCallers(scenario) : []), ...callersFor(c.data, c.principals)];
    const disagreements = callers.map((caller) => compare(c.data, caller)).filter((d): d is Disagreement => !!d);
    expect(disagreements.map(describeDisagreement)).toEqual([]);
  });

  it('a ConfigMap whose data is not all strings never reaches the authenticator (kube-apiserver rejects it)', () => {
    expect(fixtureConfigMaps().filter((f) => f.rejected)).toEqual([{ name: 'aws-auth/data-as-list.yaml', rejected: 'data.mapRoles is not a string' }]);
  });
});

// ---------------------------------------------------------------------------------------------
// (b) Generated aws-auth sections and callers

/** Bare YAML 1.1 scalars and quoted forms, each a YAML text to splice into a document. */
const yamlScalar = (values: string[]) => fc.constantFrom(...values);
const ROLE_NAMES = ['admin', 'Admin', 'ops', 'eks-nodes', 'AWSReservedSSO_Admin_0123456789abcdef', 'deployer'];
const USER_NAMES = ['alice', 'Alice', 'bob', 'carol'];
const PATHS = ['', 'teams/', 'teams/platform/', 'aws-reserved/sso.amazonaws.com/eu-west-1/'];

const roleArn = fc.tuple(fc.constantFrom(ACCOUNT, OTHER_ACCOUNT), fc.constantFrom(...PATHS), fc.constantFrom(...ROLE_NAMES)).map(([a, p, n]) => `arn:aws:iam::${a}:role/${p}${n}`);
const userArn = fc.tuple(fc.constantFrom(ACCOUNT, OTHER_ACCOUNT), fc.constantFrom('', 'engineering/'), fc.constantFrom(...USER_NAMES)).map(([a, p, n]) => `arn:aws:iam::${a}:user/${p}${n}`);

/** An ARN as someone might write it: exact, upper-cased, a session ARN, quoted, or junk. */
const writtenArn = fc.oneof(
  { weight: 6, arbitrary: fc.oneof(roleArn, userArn) },
  { weight: 2, arbitrary: fc.oneof(roleArn, userArn).map((a) => a.toUpperCase().replace(/^ARN:AWS:IAM/, 'arn:aws:iam')) },
  { weight: 1, arbitrary: fc.tuple(fc.constantFrom(...ROLE_NAMES), fc.constantFrom('alice', 'bob@example.com')).map(([r, s]) => `arn:aws:sts::${ACCOUNT}:assumed-role/${r}/${s}`) },
  { weight: 1, arbitrary: fc.oneof(roleArn, userArn).map((a) => `"${a}"`) },
  { weight: 1, arbitrary: fc.oneof(roleArn, userArn).map((a) => a.replace('eks-nodes', 'e\u212As-node\u017F').replace('admin', 'adm\u0131n')) },
  { weight: 1, arbitrary: yamlScalar(['42', 'on', '~', '""', '[a, b]', '{x: y}', 'not-an-arn']) },
);

const usernameValue = yamlScalar([
  'admin', 'kubernetes-admin', '"{{SessionName}}"', 'dev:{{SessionName}}', 'raw:{{SessionNameRaw}}', 'system:node:{{EC2PrivateDNSName}}',
  '"{{AccountID}}:{{AccessKeyID}}"', 'ops:{{sessionname}}', '""', 'on', 'yes', 'no', 'off', 'y', 'n', '012', '0x1F', '1_000', '190:20:30', '2001-12-14', '~', 'null', '[a]', '.inf', '.nan',
]);
const groupValue = yamlScalar(['system:masters', 'dev', '"{{SessionName}}"', 'node:{{EC2PrivateDNSName}}', 'yes', 'on', 'off', '012', '~', '"012"', '[x]', '7', '2001-12-14', '.inf']);
const groups = fc.oneof(
  fc.array(groupValue, { maxLength: 3 }).map((g) => `[${g.join(', ')}]`),
  fc.array(groupValue, { minLength: 1, maxLength: 3 }).map((g) => g.map((x) => `\n  - ${x}`).join('')),
  yamlScalar(['system:masters', '~', '""', '[]']),
);

const arnKey = (base: 'rolearn' | 'userarn') =>
  fc.constantFrom(base, base === 'rolearn' ? 'roleARN' : 'userARN', base === 'rolearn' ? 'RoleArn' : 'UserArn', base.toUpperCase(), base === 'userarn' ? 'u\u017Ferarn' : 'rOlEaRn');
const usernameKey = fc.constantFrom('username', 'Username', 'userName', 'USERNAME', 'u\u017Fername');
const groupsKey = fc.constantFrom('groups', 'Groups', 'GROUPS', 'group', 'group\u017F');

/** One list entry: the fields in any order, sometimes repeated in another case, sometimes missing. */
function entry(section: 'rolearn' | 'userarn') {
  const field = (key: fc.Arbitrary<string>, value: fc.Arbitrary<string>) => fc.tuple(key, value).map(([k, v]) => `${k}: ${v}`);
  const sso = fc
    .tuple(fc.constantFrom('Admin', 'ReadOnly', 'bad name!'), fc.constantFrom(`"${ACCOUNT}"`, ACCOUNT, '"123"'), fc.constantFrom('', 'aws', 'aws-cn'))
    .map(([set, acct, part]) => `sso: {permissionSetName: ${set}, accountID: ${acct}${part ? `, partition: ${part}` : ''}}`);
  const fields = fc.tuple(
    fc.option(field(arnKey(section), writtenArn), { freq: 6 }),
    fc.option(section === 'rolearn' ? sso : fc.constant(''), { freq: 1 }),
    fc.option(field(usernameKey, usernameValue), { freq: 4 }),
    fc.option(field(groupsKey, groups), { freq: 4 }),
    fc.option(fc.oneof(field(usernameKey, usernameValue), field(groupsKey, groups), field(arnKey(section), writtenArn)), { freq: 1 }),
  );
  return fc.oneof(
    { weight: 12, arbitrary: fields.chain((f) => fc.shuffledSubarray(f.filter((x): x is string => !!x), { minLength: f.filter((x) => !!x).length })) },
    { weight: 1, arbitrary: yamlScalar(['"just a string"', '[a, list]', '42', '~']).map((v) => [v]) },
  ).map((lines) => (lines.length === 0 ? '- {}' : Array.isArray(lines) && lines.length === 1 && !lines[0]!.includes(': ') ? `- ${lines[0]}` : `- ${lines.map((l) => l.replaceAll('\n', '\n  ')).join('\n  ')}`));
}

/** A section: a list of entries (duplicates come from repeats), an empty form, or junk. */
function section(kind: 'rolearn' | 'userarn') {
  return fc.oneof(
    { weight: 10, arbitrary: fc.array(entry(kind), { maxLength: 5 }).chain((es) => fc.constantFrom(es, [...es, ...es.slice(0, 1)])).map((es) => es.join('\n') + '\n') },
    { weight: 1, arbitrary: yamlScalar(["''", '""', '``', '', '[]', 'key: value', '{"rolearn": "x"}', '- a: [\n']) },
    { weight: 1, arbitrary: entry(kind).map((e) => `${e}\n---\n- {}\n`) },
  );
}

const accounts = fc.oneof(
  fc.array(yamlScalar([`"${ACCOUNT}"`, ACCOUNT, `'${OTHER_ACCOUNT}'`, '012345678901', '~', '{a: 1}', '[1, 2]']), { maxLength: 3 }).map((a) => a.map((x) => `- ${x}`).join('\n') + '\n'),
  yamlScalar(["''", ACCOUNT, 'x: y']),
);

const awsAuthData = fc
  .record({ mapRoles: section('rolearn'), mapUsers: section('userarn'), mapAccounts: accounts }, { requiredKeys: [] })
  .map((d) => Object.fromEntries(Object.entries(d).filter(([, v]) => v !== undefined)) as Record<string, string>);

const caller = fc.oneof(
  { weight: 4, arbitrary: fc.tuple(roleArn, fc.constantFrom(...SESSION_NAMES)).map(([r, s]) => sessionCaller(r, s)) },
  { weight: 3, arbitrary: userArn.map(userCaller) },
  { weight: 1, arbitrary: fc.constantFrom(ACCOUNT, OTHER_ACCOUNT).map((a) => federatedCaller(a, 'bob')) },
  { weight: 1, arbitrary: fc.constantFrom(ACCOUNT, OTHER_ACCOUNT).map(rootCaller) },
);

const RUNS = Number(process.env.PROPERTY_RUNS ?? 300);

describe('differential: generated aws-auth data and callers', () => {
  it(`maps like upstream for ${RUNS} generated ConfigMaps × callers`, () => {
    fc.assert(
      fc.property(awsAuthData, fc.array(caller, { minLength: 1, maxLength: 4 }), (data, callers) => {
        for (const c of callers) {
          const d = compare(data, c);
          if (d) throw new Error(`product and upstream disagree:\n${describeDisagreement(d)}`);
        }
      }),
      { seed: 20261125, numRuns: RUNS },
    );
  });
});

describe('cases where eksdoctor once disagreed with upstream', () => {
  it.each(UPSTREAM_CASES.map((c) => [c.id, c] as const))('%s', (_id, c) => {
    expect(compare(c.data, c.caller), c.upstream).toBeUndefined();
  });
});
