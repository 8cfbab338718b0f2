/**
 * The emulator's aws-iam-authenticator from the STS answer to a decision: pkg/arn Canonicalize,
 * pkg/token getIdentityFromSTSResponse, pkg/server renderTemplates and doMapping with the aws-auth
 * mapper. Each case names the upstream behaviour it follows.
 */
import { describe, expect, it } from 'vitest';
import { canonicalize, partitionOfRegion } from '../../packages/eks-emulator/src/authenticator/arn.js';
import { MapStore, parseConfigMap } from '../../packages/eks-emulator/src/authenticator/config-map.js';
import { mapThroughConfigMap } from '../../packages/eks-emulator/src/authenticator/config-map-mapper.js';
import { identityFromStsResponse, type AuthenticatorIdentity } from '../../packages/eks-emulator/src/authenticator/identity.js';
import { renderMapping, type PrivateDnsLookup } from '../../packages/eks-emulator/src/authenticator/templates.js';

const A = '444455556666';
const ec2: PrivateDnsLookup = (id) => ({ ok: true, name: `ip-10-0-0-1.${id}.internal` });

function identity(arn: string, userId: string, accessKeyId = 'ASIAEXAMPLEKEY000001'): AuthenticatorIdentity {
  const r = identityFromStsResponse({ Arn: arn, Account: A, UserId: userId }, { accessKeyId, stsEndpoint: 'sts.us-west-2.amazonaws.com' });
  if (!r.ok) throw new Error(r.error);
  return r.identity;
}
const session = (roleName: string, name: string) => identity(`arn:aws:sts::${A}:assumed-role/${roleName}/${name}`, `AROAEXAMPLEROLE00001:${name}`);

describe('Canonicalize (pkg/arn/arn.go)', () => {
  it.each([
    [`arn:aws:sts::${A}:assumed-role/Deploy/alice`, 'assumed-role', `arn:aws:iam::${A}:role/Deploy`],
    [`arn:aws-cn:sts::${A}:assumed-role/Deploy/i-0123456789abcdef0`, 'assumed-role', `arn:aws-cn:iam::${A}:role/Deploy`],
    [`arn:aws:sts::${A}:federated-user/bob`, 'federated-user', `arn:aws:sts::${A}:federated-user/bob`],
    [`arn:aws:iam::${A}:user/engineering/alice`, 'user', `arn:aws:iam::${A}:user/engineering/alice`],
    [`arn:aws:iam::${A}:role/teams/deployer`, 'role', `arn:aws:iam::${A}:role/teams/deployer`],
    [`arn:aws:iam::${A}:root`, 'root', `arn:aws:iam::${A}:root`],
  ])('%s → %s %s', (arn, type, canonical) => {
    expect(canonicalize(arn)).toEqual({ ok: true, type, canonicalArn: canonical });
  });

  it.each([
    ['not-an-arn', "arn 'not-an-arn' is invalid: 'arn: invalid prefix'"],
    ['arn:aws:iam', "arn 'arn:aws:iam' is invalid: 'arn: not enough sections'"],
    [`arn:aws-moon:iam::${A}:user/x`, `arn 'arn:aws-moon:iam::${A}:user/x' does not have a recognized partition`],
    [`arn:aws:sts::${A}:assumed-role/Deploy`, `assumed-role arn 'arn:aws:sts::${A}:assumed-role/Deploy' does not have a role`],
    [`arn:aws:iam::${A}:group/admins`, 'unrecognized resource group/admins for service iam'],
    [`arn:aws:s3:::bucket`, 'service s3 in arn arn:aws:s3:::bucket is not a valid service for identities'],
  ])('refuses %s', (arn, error) => {
    expect(canonicalize(arn)).toEqual({ ok: false, error });
  });

  it('puts regions in their partition', () => {
    expect(['us-west-2', 'cn-north-1', 'us-gov-west-1', 'us-iso-east-1', 'us-isob-east-1', 'eu-isoe-west-1', 'xx-new-1'].map(partitionOfRegion)).toEqual(['aws', 'aws-cn', 'aws-us-gov', 'aws-iso', 'aws-iso-b', 'aws-iso-e', 'aws']);
  });
});

describe('the Identity from STS (pkg/token/token.go getIdentityFromSTSResponse)', () => {
  it('splits a role session UserId into the principal ID and the session name', () => {
    expect(session('Deploy', 'bob@example.com')).toMatchObject({ userId: 'AROAEXAMPLEROLE00001', sessionName: 'bob@example.com', canonicalArn: `arn:aws:iam::${A}:role/Deploy` });
  });

  it('keeps a federated user\'s whole UserId and gives it no session name', () => {
    expect(identity(`arn:aws:sts::${A}:federated-user/bob`, `${A}:bob`)).toMatchObject({ userId: `${A}:bob`, sessionName: '' });
  });

  it('keeps a user\'s and the root\'s UserId as it is', () => {
    expect(identity(`arn:aws:iam::${A}:user/alice`, 'AIDAEXAMPLEUSER00001')).toMatchObject({ userId: 'AIDAEXAMPLEUSER00001', sessionName: '' });
    expect(identity(`arn:aws:iam::${A}:root`, A)).toMatchObject({ userId: A, sessionName: '' });
  });

  it('refuses a session UserId that is not id:session', () => {
    expect(identityFromStsResponse({ Arn: `arn:aws:sts::${A}:assumed-role/R/s`, Account: A, UserId: 'AROAONLY' }, { accessKeyId: 'k', stsEndpoint: 'h' })).toEqual({ ok: false, error: 'malformed UserID "AROAONLY"' });
  });
});

describe('renderTemplates (pkg/server/server.go)', () => {
  const render = (username: string, id: AuthenticatorIdentity, groups: string[] = [], lookup = ec2) => renderMapping({ username, groups }, id, lookup);

  it('replaces {{AccountID}}, {{SessionName}} (@ → -), {{SessionNameRaw}} and {{AccessKeyID}}, and nothing else', () => {
    expect(render('{{AccountID}}|{{SessionName}}|{{SessionNameRaw}}|{{AccessKeyID}}|{{sessionname}}|{{Nope}}', session('Dev', 'bob@example.com'))).toEqual({
      ok: true,
      username: `${A}|bob-example.com|bob@example.com|ASIAEXAMPLEKEY000001|{{sessionname}}|{{Nope}}`,
      groups: [],
    });
  });

  it('renders a federated user\'s {{SessionName}} empty', () => {
    expect(render('fed:{{SessionName}}', identity(`arn:aws:sts::${A}:federated-user/bob`, `${A}:bob`))).toMatchObject({ ok: true, username: 'fed:' });
  });

  it('renders {{EC2PrivateDNSName}} only for a session named like an instance ID (i- and 8 or 17 word characters)', () => {
    expect(render('system:node:{{EC2PrivateDNSName}}', session('Node', 'i-0123456789abcdef0'))).toMatchObject({ ok: true, username: 'system:node:ip-10-0-0-1.i-0123456789abcdef0.internal' });
    expect(render('{{EC2PrivateDNSName}}', session('Node', 'i-ABCDEFGH'))).toMatchObject({ ok: true });
    for (const name of ['i-0123', 'i-0123456789abcdef', 'alice']) {
      expect(render('system:node:{{EC2PrivateDNSName}}', session('Node', name))).toEqual({
        ok: false,
        error: 'error rendering username template "system:node:{{EC2PrivateDNSName}}": SessionName did not contain an instance id',
      });
    }
  });

  it('fails on a group template too, and when EC2 cannot describe the instance', () => {
    expect(render('u', session('Node', 'alice'), ['ok', 'n:{{EC2PrivateDNSName}}'])).toEqual({ ok: false, error: 'error rendering group template "n:{{EC2PrivateDNSName}}": SessionName did not contain an instance id' });
    expect(render('{{EC2PrivateDNSName}}', session('Node', 'i-0123456789abcdef0'), [], () => ({ ok: false, error: 'InvalidInstanceID.NotFound' }))).toMatchObject({ ok: false, error: expect.stringContaining('InvalidInstanceID.NotFound') });
  });
});

describe('doMapping with the aws-auth mapper (pkg/server/server.go, pkg/mapper/configmap/mapper.go Map)', () => {
  const store = (data: Record<string, string>) => new MapStore(parseConfigMap(data), { ssoRoleMatch: false });
  const user = identity(`arn:aws:iam::${A}:user/alice`, 'AIDAEXAMPLEUSER00001');

  it('tries role entries before user entries, for any kind of principal', () => {
    const s = store({ mapRoles: `- rolearn: arn:aws:iam::${A}:user/alice\n  username: from-roles\n`, mapUsers: `- userarn: arn:aws:iam::${A}:user/alice\n  username: from-users\n` });
    expect(mapThroughConfigMap(s, user, ec2)).toEqual({ kind: 'mapped', via: 'mapRoles', username: 'from-roles', groups: [] });
  });

  it('maps an account in mapAccounts last, as the canonical ARN with no groups', () => {
    const s = store({ mapAccounts: `- "${A}"\n` });
    expect(mapThroughConfigMap(s, session('Deploy', 'alice'), ec2)).toEqual({ kind: 'mapped', via: 'mapAccounts', username: `arn:aws:iam::${A}:role/Deploy`, groups: [] });
  });

  it('denies a principal whose matching entry cannot be rendered, without trying mapAccounts', () => {
    const s = store({ mapUsers: `- userarn: arn:aws:iam::${A}:user/alice\n  username: system:node:{{EC2PrivateDNSName}}\n`, mapAccounts: `- "${A}"\n` });
    expect(mapThroughConfigMap(s, user, ec2)).toEqual({
      kind: 'denied',
      error: 'mapper EKSConfigMap renderTemplates error: error rendering username template "system:node:{{EC2PrivateDNSName}}": SessionName did not contain an instance id',
    });
  });

  it('matches a session by its role without the path, so an entry written with the path maps no one', () => {
    const s = store({ mapRoles: `- rolearn: arn:aws:iam::${A}:role/teams/Deploy\n  username: d\n` });
    expect(mapThroughConfigMap(s, session('Deploy', 'alice'), ec2)).toEqual({ kind: 'not-mapped' });
    expect(mapThroughConfigMap(store({ mapRoles: `- rolearn: arn:aws:iam::${A}:ROLE/deploy\n  username: d\n` }), session('Deploy', 'alice'), ec2)).toMatchObject({ kind: 'mapped', username: 'd' });
  });
});
