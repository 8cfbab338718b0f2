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
 * Where the product disagrees with upstream, the product is not changed here: each known
 * disagreement is a KNOWN_PRODUCT_BUGS entry with its minimal input (an `it.fails` test, which fails
 * once the product is fixed) and a fix-up that forgets exactly that difference; a disagreement that
 * the fix-ups together do not account for fails the test. PROPERTY_RUNS sets the number of generated
 * cases (fixed seed).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import yaml from 'js-yaml';
import { describe, expect, it } from 'vitest';
import { MapStore, parseConfigMap } from '../../packages/eks-emulator/src/authenticator/config-map.js';
import { unmarshalYamlV2 } from '../../packages/eks-emulator/src/authenticator/yaml-v2.js';
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
// Known disagreements. Each has its minimal input and the upstream source that decides it, and a
// fix-up that makes the comparison forget exactly that difference: `rewrite` turns the input into
// what the product reads it as (so upstream, fed the rewrite, answers as the product does), or
// `normalize` drops from both outcomes the detail the bug changes. A generated disagreement passes
// only if all fix-ups together make product and upstream agree.

interface KnownBug {
  id: string;
  /** What EKS's authenticator does, and the upstream source that says so. */
  upstream: string;
  /** What eksdoctor does instead. */
  product: string;
  data: Record<string, string>;
  caller: StsCaller;
  rewrite?: (data: Record<string, string>, caller: StsCaller) => Record<string, string>;
  normalize?: (o: Outcome, data: Record<string, string>) => Outcome;
}

const alice = (): StsCaller => userCaller(`arn:aws:iam::${ACCOUNT}:user/alice`);
const aliceEntry = (fields: string) => ({ mapUsers: `- userarn: arn:aws:iam::${ACCOUNT}:user/alice\n${fields}` });

/** Each section's text through `f`. */
const eachSection = (data: Record<string, string>, f: (text: string) => string) => Object.fromEntries(Object.entries(data).map(([k, v]) => [k, f(v)]));

/** A plain scalar `token` where a value stands (after `key: `, `- `, `[` or `,`, before the end of the line, `,`, `]` or `}`). */
const plainValue = (token: string) => new RegExp(String.raw`(^|:[ \t]+|-[ \t]+|\[[ \t]*|,[ \t]*)(${token})(?=[ \t]*(?:$|,|\]|\}|[ \t]#))`, 'gm');
const quotePlain = (token: string) => (data: Record<string, string>) => eachSection(data, (t) => t.replace(plainValue(token), '$1"$2"'));
const replacePlain = (token: string, by: string) => (data: Record<string, string>) => eachSection(data, (t) => t.replace(plainValue(token), `$1${by}`));

const KNOWN_PRODUCT_BUGS: KnownBug[] = [
  {
    id: 'yaml-1.1-booleans',
    upstream: 'mapUsers/mapRoles go through sigs.k8s.io/yaml (yaml.v2, YAML 1.1: y/yes/on/off/n/no are booleans) and encoding/json, so a boolean username is a type error that leaves it "" and a boolean group is "" (pkg/mapper/configmap/configmap.go ParseMap: utilyaml.ToJSON + json.Unmarshal)',
    product: 'reads them as the strings "on", "yes", …',
    data: aliceEntry('  username: on\n  groups: [dev, yes]\n'),
    caller: alice(),
    rewrite: quotePlain('y|Y|yes|Yes|YES|n|N|no|No|NO|on|On|ON|off|Off|OFF'),
  },
  {
    id: 'yaml-1.1-underscore-numbers',
    upstream: 'yaml.v2 resolve.go drops `_` from a plain scalar before strconv.ParseInt, so 1_000 is the int 1000 and not a string username',
    product: 'reads 1_000 as the string "1_000"',
    data: aliceEntry('  username: 1_000\n'),
    caller: alice(),
    rewrite: quotePlain(String.raw`[-+]?[0-9][0-9_]*_[0-9_]*`),
  },
  {
    id: 'yaml-1.1-timestamps-stay-strings',
    upstream: 'yaml.v2 decode.go scalar(): a timestamp-looking value decoded into an interface{} is kept as its text "for backward compatibility", so username 2001-12-14 is the string "2001-12-14"',
    product: 'reads it as a date, not a string, so the username is ""',
    data: aliceEntry('  username: 2001-12-14\n'),
    caller: alice(),
    rewrite: replacePlain(String.raw`\d{4}-\d{1,2}-\d{1,2}`, '0'),
  },
  {
    id: 'non-string-group-kept-as-empty',
    upstream: 'encoding/json decode.go array(): every element of a JSON array takes a slot in the []string; a null, number, boolean, list or map element is a type error (or no-op) that leaves its slot "", so groups [dev, ~] are ["dev", ""]',
    product: 'drops the element: ["dev"]',
    data: aliceEntry('  username: u\n  groups: [dev, ~, 7, [x]]\n'),
    caller: alice(),
    normalize: (o) => (o.kind === 'mapped' ? { ...o, groups: o.groups.filter((g) => g !== '') } : o),
  },
  {
    id: 'non-finite-float-drops-section',
    upstream: 'sigs.k8s.io/yaml YAMLToJSON ends in json.Marshal, which refuses NaN and ±Inf ("json: unsupported value"), so a section holding .inf or .nan anywhere (even in an unknown field) fails ToJSON and ParseMap drops the whole section',
    product: 'keeps the section (the value is not a string: username "")',
    data: aliceEntry('  username: .inf\n'),
    caller: alice(),
    rewrite: replacePlain(String.raw`[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN)`, '0'),
  },
  {
    id: 'unicode-case-folded-field-names',
    upstream: 'encoding/json matches a key to a field with foldName, which is bytes.EqualFold: U+017F ſ folds to s and U+212A K to k, so `uſername` sets username',
    product: 'matches field names case-insensitively in ASCII only and ignores `uſername`',
    data: aliceEntry('  u\u017Fername: u\n'),
    caller: alice(),
    rewrite: (data) => eachSection(data, (t) => t.replace(/[^\s:[\]{},'"]*[\u017F\u212A][^\s:[\]{},'"]*(?=:(?:\s|$))/g, (key) => key.replace(/[\u017F\u212A]/g, '_'))),
  },
  {
    id: 'unicode-case-folded-arns',
    upstream: 'pkg/config/mapper.go Matches compares with strings.EqualFold, under which U+017F ſ equals s (U+212A K equals k too), so rolearn …role/eks-nodeſ maps the role eks-nodes',
    product: 'compares lower-cased strings, which matches K but not ſ',
    data: { mapRoles: `- rolearn: arn:aws:iam::${ACCOUNT}:role/eks-node\u017F\n  username: node\n` },
    caller: sessionCaller(`arn:aws:iam::${ACCOUNT}:role/eks-nodes`, 'alice'),
    rewrite: (data) => eachSection(data, (t) => t.replace(/arn:[^\s"',\]}]*/g, (arn) => arn.replaceAll('\u017F', '\u0283'))),
  },
  {
    id: 'flow-plain-scalar-colon-is-a-syntax-error',
    upstream: 'yaml.v2 scannerc.go yaml_parser_scan_plain_scalar: inside [ ] or { }, a plain scalar followed by `:` and one of ,?[]{} is "found unexpected \':\'", a YAML error that drops the section (groups: [node:{{EC2PrivateDNSName}}] is such a case)',
    product: 'reads `node:{{…}}` as a key with a value (a mapping, so not a group) and keeps the section',
    data: aliceEntry('  username: u\n  notes: [node:{{EC2PrivateDNSName}}]\n'),
    caller: alice(),
    rewrite: (data) => eachSection(data, (t) => t.replace(/(\[[ \t]*|,[ \t]*)[^\s,[\]{}"']+:(?:\{\{\w+\}\}|(?=[,\]}]))/g, '$10')),
  },
  {
    id: 'federated-user-has-no-session-name',
    upstream: 'pkg/token/token.go getIdentityFromSTSResponse keeps a federated user\'s whole UserId ("account:name") and sets no SessionName, so {{SessionName}} and {{SessionNameRaw}} render as ""',
    product: 'takes the name after ":" in the UserId as the session name',
    data: { mapUsers: `- userarn: arn:aws:sts::${ACCOUNT}:federated-user/bob\n  username: "fed:{{SessionName}}"\n` },
    caller: federatedCaller(ACCOUNT, 'bob'),
    rewrite: (data, c) => {
      const m = /:federated-user\/(.+)$/.exec(c.arn);
      if (!m) return data;
      return eachSection(data, (t) => t.replaceAll('{{SessionNameRaw}}', m[1]!).replaceAll('{{SessionName}}', m[1]!.replaceAll('@', '-')));
    },
  },
  {
    id: 'first-yaml-document-only',
    upstream: 'yaml.v2 Unmarshal (decode.go unmarshal: p.parse() once) decodes the first document of a section and ignores the rest',
    product: 'drops a section that holds more than one document',
    data: { mapUsers: `- userarn: arn:aws:iam::${ACCOUNT}:user/alice\n  username: u\n---\n- userarn: x\n` },
    caller: alice(),
    rewrite: (data) => eachSection(data, (t) => (/\S[\s\S]*^---/m.test(t) ? '- [' : t)),
  },
  {
    id: 'excessive-aliasing-drops-section',
    upstream: 'yaml.v2 decode.go unmarshal fails with "document contains excessive aliasing" once over 99% of 1000+ decodes come through aliases, so ParseMap drops the section (fixtures/aws-auth/alias-bomb.yaml maps no one)',
    product: 'keeps the entry and treats the aliased value as junk',
    data: { mapRoles: `- a: &a [l,l,l,l,l,l,l,l,l]\n  b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\n  c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\n  d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\n  rolearn: arn:aws:iam::${ACCOUNT}:role/x\n  username: x\n  groups: *d\n` },
    caller: sessionCaller(`arn:aws:iam::${ACCOUNT}:role/x`, 'alice'),
    rewrite: (data) => eachSection(data, (t) => (/excessive aliasing/.test((unmarshalYamlV2(t) as { error?: string }).error ?? '') ? t.replace(/\*[\w-]+/g, '~') : t)),
  },
  {
    id: 'duplicate-groups-keys-reuse-the-slice',
    upstream: 'json.Marshal sorts keys, so GROUPS is decoded before Groups, and encoding/json decode.go array() decodes the second array into the same slice without clearing it: GROUPS [a, b] then Groups [7] leaves ["a"]',
    product: 'decodes the later key into a fresh list: []',
    data: aliceEntry('  username: u\n  GROUPS: [a, b]\n  Groups: [7]\n'),
    caller: alice(),
    normalize: (o, data) => {
      const twice = Object.values(data).some((t) => t.split(/^-/m).some((entry) => (entry.match(/^\s*group[s\u017F]:/gim) ?? []).length > 1));
      return twice && o.kind === 'mapped' ? { ...o, groups: [] } : o;
    },
  },
  {
    id: 'merge-key-overrides-earlier-keys',
    upstream: 'yaml.v2 decode.go mapping() applies a `<<` merge where it stands, so it overwrites keys set before it (go-yaml/yaml#410: the same order makes strict mode report "already set")',
    product: 'lets the explicit key win, as the YAML 1.1 merge spec says',
    data: { mapUsers: `- &base {username: merged}\n- username: explicit\n  <<: *base\n  userarn: arn:aws:iam::${ACCOUNT}:user/alice\n` },
    caller: alice(),
  },
  {
    id: 'binary-tag-decoded',
    upstream: 'yaml.v2 decode.go scalar() base64-decodes a !!binary value, so `username: !!binary dXNlcg==` is "user"',
    product: 'does not decode it (username "")',
    data: aliceEntry('  username: !!binary dXNlcg==\n'),
    caller: alice(),
  },
  {
    id: 'unknown-tag-is-a-string',
    upstream: 'yaml.v2 resolve.go returns the text of a scalar whose tag it cannot resolve (`!foo bar` is "bar")',
    product: 'drops the section',
    data: aliceEntry('  username: !foo bar\n'),
    caller: alice(),
  },
  {
    id: 'recursive-alias-drops-section',
    upstream: 'yaml.v2 decode.go alias(): "anchor \'e\' value contains itself", an error that drops the section',
    product: 'maps the entry',
    data: { mapUsers: `- &e {userarn: "arn:aws:iam::${ACCOUNT}:user/alice", username: u, self: *e}\n` },
    caller: alice(),
  },
  {
    id: 'key-json-cannot-hold-drops-section',
    upstream: 'sigs.k8s.io/yaml convertToJSONableObject accepts only string, int, float and bool map keys ("unsupported map key"), and yaml.v2 refuses a list as a key ("invalid map key"): a null, list or uint64 key anywhere drops the section',
    product: 'ignores the key and maps the entry',
    data: aliceEntry('  username: u\n  ~: x\n'),
    caller: alice(),
  },
  {
    id: 'sso-of-the-wrong-type-is-ignored',
    upstream: 'encoding/json leaves the *SSOARNMatcher nil when `sso` is not an object (a type error), so a rolearn entry with `sso: x` still validates and maps (pkg/config/mapper.go Validate)',
    product: 'drops the entry',
    data: { mapRoles: `- rolearn: arn:aws:iam::${ACCOUNT}:role/r\n  sso: x\n  username: u\n` },
    caller: sessionCaller(`arn:aws:iam::${ACCOUNT}:role/r`, 's'),
  },
];

function fixedUp(bugs: KnownBug[], d: Disagreement): boolean {
  const data = bugs.reduce((acc, b) => (b.rewrite ? b.rewrite(acc, d.caller) : acc), d.data);
  const norm = (o: Outcome) => bugs.reduce((acc, b) => (b.normalize ? b.normalize(acc, d.data) : acc), o);
  return upstreamOutcomes(data, d.caller).some((u) => same(norm(u), norm(d.product)));
}

/** A disagreement the known bugs account for (all their fix-ups together make the two agree). */
function explained(d: Disagreement): boolean {
  return fixedUp(KNOWN_PRODUCT_BUGS, d);
}

function describeDisagreement(d: Disagreement): string {
  return JSON.stringify({ data: d.data, caller: d.caller.arn, product: d.product, upstream: d.upstream });
}

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
    const unexplained = callers.map((caller) => compare(c.data, caller)).filter((d): d is Disagreement => !!d && !explained(d));
    expect(unexplained.map(describeDisagreement)).toEqual([]);
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
          if (d && !explained(d)) throw new Error(`product and upstream disagree:\n${describeDisagreement(d)}`);
        }
      }),
      { seed: 20261125, numRuns: RUNS },
    );
  });
});

describe('KNOWN_PRODUCT_BUGS: where eksdoctor disagrees with upstream (fix the product, then delete the entry)', () => {
  for (const b of KNOWN_PRODUCT_BUGS) {
    const d = (): Disagreement => ({ data: b.data, caller: b.caller, product: productMap(b.data, b.caller), upstream: upstreamOutcomes(b.data, b.caller) });
    if (b.rewrite || b.normalize) {
      it(`${b.id}: its fix-up alone explains its minimal input`, () => {
        expect(fixedUp([b], d())).toBe(true);
      });
    }
    it.fails(`${b.id}: the product maps as upstream does (${b.upstream})`, () => {
      expect(d().upstream).toContainEqual(d().product);
    });
  }
});
