/**
 * aws-auth inputs at the edges of yaml.v2, sigs.k8s.io/yaml and encoding/json, each with the outcome
 * that aws-iam-authenticator's own code gives. The outcomes were produced by running ParseMap and the
 * ConfigMap mapper's lookup (pkg/mapper/configmap) in Go, with gopkg.in/yaml.v2 2.4.0,
 * sigs.k8s.io/yaml's YAMLToJSON and Go's encoding/json; they are pinned here so the product is held to
 * upstream without the emulator. Callers: the IAM user alice, and a session of role r named after an
 * EC2 instance.
 */
import { describe, expect, it } from 'vitest';
import { mapIdentity, parseAwsAuthData } from '../../src/facts/aws-auth.js';

const A = '111122223333';
const DNS = 'ip-10-0-0-1.ec2.internal';
type Outcome = { kind: 'not-mapped' } | { kind: 'denied' } | { kind: 'mapped'; username: string; groups: string[] };

const alice = { arn: `arn:aws:iam::${A}:user/alice`, canonicalArn: `arn:aws:iam::${A}:user/alice`, accountId: A, userId: 'AIDAEXAMPLE', accessKeyId: 'AKIAEXAMPLE' };
const roleSession = {
  arn: `arn:aws:sts::${A}:assumed-role/r/i-0123456789abcdef0`,
  canonicalArn: `arn:aws:iam::${A}:role/r`,
  accountId: A,
  userId: 'AROAEXAMPLE:i-0123456789abcdef0',
  accessKeyId: 'ASIAEXAMPLE',
  sessionName: 'i-0123456789abcdef0',
  ec2PrivateDnsName: DNS,
};

function outcome(data: Record<string, string>, caller: Parameters<typeof mapIdentity>[1]): Outcome {
  const m = mapIdentity(parseAwsAuthData(data), caller);
  if (!m) return { kind: 'not-mapped' };
  if (m.error) return { kind: 'denied' };
  return { kind: 'mapped', username: m.username, groups: m.groups };
}

const CASES: [Record<string, string>, Outcome, Outcome][] = [
  [{"mapUsers": "- userarn: arn:aws:iam::111122223333:user/alice\n  username: on\n  groups: [dev, yes]\n"}, {"kind": "mapped", "username": "", "groups": ["dev", ""]}, {"kind": "not-mapped"}],
  [{"mapUsers": "- userarn: arn:aws:iam::111122223333:user/alice\n  username: 1_000\n"}, {"kind": "mapped", "username": "", "groups": []}, {"kind": "not-mapped"}],
  [{"mapUsers": "- userarn: arn:aws:iam::111122223333:user/alice\n  username: 2001-12-14\n"}, {"kind": "mapped", "username": "2001-12-14", "groups": []}, {"kind": "not-mapped"}],
  [{"mapUsers": "- userarn: arn:aws:iam::111122223333:user/alice\n  username: u\n  groups: [dev, ~, 7, [x]]\n"}, {"kind": "mapped", "username": "u", "groups": ["dev", "", "", ""]}, {"kind": "not-mapped"}],
  [{"mapUsers": "- userarn: arn:aws:iam::111122223333:user/alice\n  username: .inf\n"}, {"kind": "not-mapped"}, {"kind": "not-mapped"}],
  [{"mapUsers": "- userarn: arn:aws:iam::111122223333:user/alice\n  uſername: u\n"}, {"kind": "mapped", "username": "u", "groups": []}, {"kind": "not-mapped"}],
  [{"mapUsers": "- userarn: arn:aws:iam::111122223333:user/alice\n  username: u\n  notes: [node:{{EC2PrivateDNSName}}]\n"}, {"kind": "not-mapped"}, {"kind": "not-mapped"}],
  [{"mapUsers": "- userarn: arn:aws:iam::111122223333:user/alice\n  username: u\n---\n- userarn: x\n"}, {"kind": "mapped", "username": "u", "groups": []}, {"kind": "not-mapped"}],
  [{"mapUsers": "- &base {username: merged}\n- username: explicit\n  <<: *base\n  userarn: arn:aws:iam::111122223333:user/alice\n"}, {"kind": "mapped", "username": "merged", "groups": []}, {"kind": "not-mapped"}],
  [{"mapUsers": "- userarn: arn:aws:iam::111122223333:user/alice\n  username: !!binary dXNlcg==\n"}, {"kind": "mapped", "username": "user", "groups": []}, {"kind": "not-mapped"}],
  [{"mapUsers": "- userarn: arn:aws:iam::111122223333:user/alice\n  username: !foo bar\n"}, {"kind": "mapped", "username": "bar", "groups": []}, {"kind": "not-mapped"}],
  [{"mapUsers": "- &e {userarn: \"arn:aws:iam::111122223333:user/alice\", username: u, self: *e}\n"}, {"kind": "not-mapped"}, {"kind": "not-mapped"}],
  [{"mapUsers": "- userarn: arn:aws:iam::111122223333:user/alice\n  username: u\n  ~: x\n"}, {"kind": "not-mapped"}, {"kind": "not-mapped"}],
  [{"mapUsers": "- userarn: arn:aws:iam::111122223333:user/alice\n  username: u\n  GROUPS: [a, b]\n  Groups: [7]\n  gRoups: [x, 9]\n"}, {"kind": "mapped", "username": "u", "groups": ["x", "b"]}, {"kind": "not-mapped"}],
  [{"mapUsers": "- userarn: arn:aws:iam::111122223333:user/alice\n  username: u\n  groups: [a, ~]\n  Groups: ~\n"}, {"kind": "mapped", "username": "u", "groups": ["a", ""]}, {"kind": "not-mapped"}],
  [{"mapUsers": "- userarn: arn:aws:iam::111122223333:user/alice\n  username: 08\n"}, {"kind": "mapped", "username": "", "groups": []}, {"kind": "not-mapped"}],
  [{"mapUsers": "- userarn: arn:aws:iam::111122223333:user/alice\n  username: x\n  18446744073709551615: x\n"}, {"kind": "not-mapped"}, {"kind": "not-mapped"}],
  [{"mapUsers": "- userarn: arn:aws:iam::111122223333:user/alice\n  username: x\n  9223372036854775807: x\n"}, {"kind": "mapped", "username": "x", "groups": []}, {"kind": "not-mapped"}],
  [{"mapUsers": "- userarn: arn:aws:iam::111122223333:user/alice\n  username: x\n  [a]: x\n"}, {"kind": "not-mapped"}, {"kind": "not-mapped"}],
  [{"mapUsers": "- userarn: arn:aws:iam::111122223333:user/alice\n  username: x\n  {a: b}: x\n"}, {"kind": "not-mapped"}, {"kind": "not-mapped"}],
  [{"mapUsers": "- userarn: arn:aws:iam::111122223333:user/alice\n  username: x\n  2001-12-14: x\n"}, {"kind": "mapped", "username": "x", "groups": []}, {"kind": "not-mapped"}],
  [{"mapUsers": "- userarn: arn:aws:iam::111122223333:user/alice\n  username: x\n  1.5: x\n"}, {"kind": "mapped", "username": "x", "groups": []}, {"kind": "not-mapped"}],
  [{"mapUsers": "- userarn: arn:aws:iam::111122223333:user/alice\n  username: x\n  <<: [{groups: [m]}, {groups: [n], username: y}]\n"}, {"kind": "mapped", "username": "", "groups": ["m"]}, {"kind": "not-mapped"}],
  [{"mapUsers": "- userarn: arn:aws:iam::111122223333:user/alice\n  username: x\n  <<: ~\n"}, {"kind": "not-mapped"}, {"kind": "not-mapped"}],
  [{"mapUsers": "- userarn: arn:aws:iam::111122223333:user/alice\n  username: \"a\\ud800\"\n"}, {"kind": "not-mapped"}, {"kind": "not-mapped"}],
  [{"mapUsers": "- userarn: arn:aws:iam::111122223333:user/alice\n  username: !!str 123\n  groups: [!!int 5]\n"}, {"kind": "mapped", "username": "123", "groups": [""]}, {"kind": "not-mapped"}],
  [{"mapUsers": "- userarn: arn:aws:iam::111122223333:user/alice\n  username: !!int abc\n"}, {"kind": "not-mapped"}, {"kind": "not-mapped"}],
  [{"mapUsers": "- userarn: arn:aws:iam::111122223333:user/alice\n  username: !!timestamp 2001-02-30\n"}, {"kind": "not-mapped"}, {"kind": "not-mapped"}],
  [{"mapUsers": "- userarn: arn:aws:iam::111122223333:user/alice\n  username: !!timestamp 2001-02-28\n"}, {"kind": "mapped", "username": "2001-02-28", "groups": []}, {"kind": "not-mapped"}],
  [{"mapUsers": "- userarn: arn:aws:iam::111122223333:user/alice\n  username: ! 123\n"}, {"kind": "mapped", "username": "123", "groups": []}, {"kind": "not-mapped"}],
  [{"mapUsers": "- userarn: arn:aws:iam::111122223333:user/alice\n  username: !!binary ____\n"}, {"kind": "not-mapped"}, {"kind": "not-mapped"}],
  [{"mapUsers": "- userarn: arn:aws:iam::111122223333:user/alice\n  username: !!binary 4oI=\n"}, {"kind": "mapped", "username": "��", "groups": []}, {"kind": "not-mapped"}],
  [{"mapUsers": "- userarn: arn:aws:iam::111122223333:user/alice\n  groups: [a:, b]\n  username: \"\\/\"\n"}, {"kind": "not-mapped"}, {"kind": "not-mapped"}],
  [{"mapUsers": "- userarn: arn:aws:iam::111122223333:user/alice\n  groups: [a:, b]\n"}, {"kind": "mapped", "username": "", "groups": ["a:", "b"]}, {"kind": "not-mapped"}],
  [{"mapUsers": "- userarn: arn:aws:iam::111122223333:user/alice\n  groups: {a:, b: c}\n"}, {"kind": "mapped", "username": "", "groups": []}, {"kind": "not-mapped"}],
  [{"mapUsers": "- userarn: arn:aws:iam::111122223333:user/alice\n  username: !!float 1\n"}, {"kind": "mapped", "username": "", "groups": []}, {"kind": "not-mapped"}],
  [{"mapUsers": "- userarn: arn:aws:iam::111122223333:user/alice\n  username: !!float .inf\n"}, {"kind": "not-mapped"}, {"kind": "not-mapped"}],
  [{"mapUsers": "- userarn: arn:aws:iam::111122223333:user/alice\n  username: 0b101\n  groups: [0x1F, 0o17, 1e400, .5, '0']\n"}, {"kind": "mapped", "username": "", "groups": ["", "", "1e400", "", "0"]}, {"kind": "not-mapped"}],
  [{"mapUsers": "- userarn: arn:aws:iam::111122223333:user/alice\n  username: 1e400\n"}, {"kind": "mapped", "username": "1e400", "groups": []}, {"kind": "not-mapped"}],
  [{"mapUsers": "- userarn: arn:aws:iam::111122223333:user/alice\n  username: 0b-101\n"}, {"kind": "mapped", "username": "", "groups": []}, {"kind": "not-mapped"}],
  [{"mapUsers": "- userarn: arn:aws:iam::111122223333:user/alice\n  username: +.5e1_0\n"}, {"kind": "mapped", "username": "", "groups": []}, {"kind": "not-mapped"}],
  [{"mapRoles": "- rolearn: arn:aws:iam::111122223333:role/r\n  username: \"{{SessionName}}\"\n  groups: [\"{{EC2PrivateDNSName}}\"]\n"}, {"kind": "not-mapped"}, {"kind": "mapped", "username": "i-0123456789abcdef0", "groups": ["ip-10-0-0-1.ec2.internal"]}],
  [{"mapAccounts": "- 111122223333\n- !!int x\n- 3\n"}, {"kind": "mapped", "username": "arn:aws:iam::111122223333:user/alice", "groups": []}, {"kind": "mapped", "username": "arn:aws:iam::111122223333:role/r", "groups": []}],
  [{"mapAccounts": "- 1\n- 111122223333\n- [1]\n- {a: 1}\n"}, {"kind": "mapped", "username": "arn:aws:iam::111122223333:user/alice", "groups": []}, {"kind": "mapped", "username": "arn:aws:iam::111122223333:role/r", "groups": []}],
  [{"mapAccounts": "111122223333\n"}, {"kind": "not-mapped"}, {"kind": "not-mapped"}],
  [{"mapAccounts": "- &a 111122223333\n- *a\n"}, {"kind": "mapped", "username": "arn:aws:iam::111122223333:user/alice", "groups": []}, {"kind": "mapped", "username": "arn:aws:iam::111122223333:role/r", "groups": []}],
  [{"mapUsers": "{\"a\": 1}"}, {"kind": "not-mapped"}, {"kind": "not-mapped"}],
  [{"mapUsers": "- userarn: arn:aws:iam::111122223333:user/alice\n  username: u\n  userarn: arn:aws:iam::111122223333:user/bob\n"}, {"kind": "not-mapped"}, {"kind": "not-mapped"}],
  [{"mapRoles": "- rolearn: arn:aws:iam::111122223333:role/r\n  sso: ~\n  username: u\n"}, {"kind": "not-mapped"}, {"kind": "mapped", "username": "u", "groups": []}],
  [{"mapRoles": "- rolearn: arn:aws:iam::111122223333:role/r\n  SSO: {}\n  sso: ~\n  username: u\n"}, {"kind": "not-mapped"}, {"kind": "mapped", "username": "u", "groups": []}],
  [{"mapRoles": "- rolearn: arn:aws:iam::111122223333:role/r\n  sso: x\n  username: u\n"}, {"kind": "not-mapped"}, {"kind": "not-mapped"}],
  [{"mapRoles": "- rolearn: arn:aws:iam::111122223333:role/R\n  username: a\n- rolearn: arn:aws:iam::111122223333:role/r\n  username: b\n"}, {"kind": "not-mapped"}, {"kind": "mapped", "username": "b", "groups": []}],
  [{"mapUsers": "- userarn: arn:aws:iam::111122223333:user/alice\n  username: 'a\n    b'\n"}, {"kind": "mapped", "username": "a b", "groups": []}, {"kind": "not-mapped"}],
  [{"mapUsers": "- userarn: arn:aws:iam::111122223333:user/alice\n  username: a\n    b\n"}, {"kind": "mapped", "username": "a b", "groups": []}, {"kind": "not-mapped"}],
  [{"mapUsers": "- userarn: arn:aws:iam::111122223333:user/alice\n  username: |\n    x\n"}, {"kind": "mapped", "username": "x\n", "groups": []}, {"kind": "not-mapped"}],
  [{"mapUsers": "- userarn: arn:aws:iam::111122223333:user/alice\n  ? username\n  : k\n"}, {"kind": "mapped", "username": "k", "groups": []}, {"kind": "not-mapped"}],
  [{"mapUsers": "- userarn: arn:aws:iam::111122223333:user/alice\n  username: &u v\n  groups: [*u, *u]\n"}, {"kind": "mapped", "username": "v", "groups": ["v", "v"]}, {"kind": "not-mapped"}],
  [{"mapUsers": "- userarn: arn:aws:iam::111122223333:user/alice\n  username: x\n  groups: [\"a\\x41\", \"\\u00e9\"]\n"}, {"kind": "mapped", "username": "x", "groups": ["aA", "é"]}, {"kind": "not-mapped"}],
  [{"mapUsers": "- userarn: arn:aws:iam::111122223333:user/alice\n  username: \"\\'\"\n"}, {"kind": "mapped", "username": "'", "groups": []}, {"kind": "not-mapped"}],
  [{"mapUsers": "%YAML 1.2\n---\n- userarn: arn:aws:iam::111122223333:user/alice\n  username: u\n"}, {"kind": "not-mapped"}, {"kind": "not-mapped"}],
  [{"mapUsers": "- userarn: arn:aws:iam::111122223333:user/alice\n  username: [a]\n  Username: b\n"}, {"kind": "mapped", "username": "b", "groups": []}, {"kind": "not-mapped"}],
  [{"mapUsers": "- userarn: arn:aws:iam::111122223333:user/alice\n  username: a?b\n  groups: [c?d]\n"}, {"kind": "not-mapped"}, {"kind": "not-mapped"}],
];

describe('aws-auth edge inputs map as aws-iam-authenticator maps them (outcomes from upstream code)', () => {
  it.each(CASES.map((c, i) => [i, JSON.stringify(c[0]), ...c] as const))('#%i %s', (_i, _text, data, forAlice, forRole) => {
    expect(outcome(data, alice)).toEqual(forAlice);
    expect(outcome(data, roleSession)).toEqual(forRole);
  });
});
