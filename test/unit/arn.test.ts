import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { canonicalPrincipalArn, isSsoRoleArn, parseArn, roleArnWithoutPath, sameArn } from '../../src/facts/arn.js';

const SSO = 'arn:aws:iam::111122223333:role/aws-reserved/sso.amazonaws.com/eu-west-1/AWSReservedSSO_AdministratorAccess_0123456789abcdef';
const SSO_GLOBAL = 'arn:aws:iam::111122223333:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_ReadOnly_fedcba9876543210';

describe('parseArn', () => {
  it.each([
    ['arn:aws:iam::111122223333:user/alice', { kind: 'user', path: '/', name: 'alice', accountId: '111122223333', partition: 'aws', service: 'iam' }],
    ['arn:aws:iam::111122223333:user/division/dev/alice', { kind: 'user', path: '/division/dev/', name: 'alice' }],
    ['arn:aws:iam::111122223333:role/deployer', { kind: 'role', path: '/', name: 'deployer' }],
    [SSO, { kind: 'role', path: '/aws-reserved/sso.amazonaws.com/eu-west-1/', name: 'AWSReservedSSO_AdministratorAccess_0123456789abcdef' }],
    ['arn:aws:sts::111122223333:assumed-role/deployer/i-0abc1234def567890', { kind: 'assumed-role', service: 'sts', path: '/', name: 'deployer', sessionName: 'i-0abc1234def567890' }],
    ['arn:aws:sts::111122223333:assumed-role/AWSReservedSSO_Admin_0123/alice@example.com', { kind: 'assumed-role', name: 'AWSReservedSSO_Admin_0123', sessionName: 'alice@example.com' }],
    ['arn:aws:iam::111122223333:root', { kind: 'root', name: 'root' }],
    ['arn:aws:sts::111122223333:federated-user/bob', { kind: 'federated-user', name: 'bob' }],
    ['arn:aws-cn:iam::111122223333:role/cn-role', { kind: 'role', partition: 'aws-cn', name: 'cn-role' }],
    ['arn:aws:iam::111122223333:group/admins', { kind: 'other', name: 'group/admins' }],
    ['arn:aws:s3:::bucket/key', { kind: 'other', service: 's3' }],
  ])('%s', (arn, expected) => {
    expect(parseArn(arn)).toMatchObject(expected);
  });

  it.each(['', 'not-an-arn', 'arn:aws:iam:111122223333:role/x', 'arn::iam::1:role/x', 'aws:iam::111122223333:role/x'])('rejects %j', (arn) => {
    expect(parseArn(arn)).toBeUndefined();
  });
});

describe('canonicalPrincipalArn (aws-iam-authenticator pkg/arn Canonicalize)', () => {
  it.each([
    // A session maps back to its role; the session ARN never carries the role's path.
    ['arn:aws:sts::111122223333:assumed-role/deployer/alice', 'arn:aws:iam::111122223333:role/deployer'],
    ['arn:aws:sts::111122223333:assumed-role/eks-nodes/i-0abc1234def567890', 'arn:aws:iam::111122223333:role/eks-nodes'],
    ['arn:aws:sts::111122223333:assumed-role/AWSReservedSSO_AdministratorAccess_0123456789abcdef/alice@example.com', 'arn:aws:iam::111122223333:role/AWSReservedSSO_AdministratorAccess_0123456789abcdef'],
    // Other partitions keep their partition.
    ['arn:aws-cn:sts::111122223333:assumed-role/cn-admin/s', 'arn:aws-cn:iam::111122223333:role/cn-admin'],
    ['arn:aws-us-gov:sts::111122223333:assumed-role/gov-admin/s', 'arn:aws-us-gov:iam::111122223333:role/gov-admin'],
    // IAM users (with their path), roles, root and federated users are already canonical.
    ['arn:aws:iam::111122223333:user/division/dev/alice', 'arn:aws:iam::111122223333:user/division/dev/alice'],
    ['arn:aws:iam::111122223333:role/teams/deployer', 'arn:aws:iam::111122223333:role/teams/deployer'],
    [SSO, SSO],
    ['arn:aws:iam::111122223333:root', 'arn:aws:iam::111122223333:root'],
    ['arn:aws:sts::111122223333:federated-user/bob', 'arn:aws:sts::111122223333:federated-user/bob'],
    // Not something the authenticator accepts: unchanged.
    ['arn:aws:sts::111122223333:assumed-role/only-role', 'arn:aws:sts::111122223333:assumed-role/only-role'],
    ['arn:moon:sts::111122223333:assumed-role/r/s', 'arn:moon:sts::111122223333:assumed-role/r/s'],
    ['garbage', 'garbage'],
  ])('%s → %s', (input, expected) => {
    expect(canonicalPrincipalArn(input)).toBe(expected);
  });

  it('is idempotent', () => {
    const segment = fc.stringMatching(/^[A-Za-z0-9+=,.@_-]{1,20}$/);
    const arn = fc.oneof(
      fc.tuple(fc.constantFrom('aws', 'aws-cn', 'aws-us-gov'), segment, segment).map(([p, r, s]) => `arn:${p}:sts::111122223333:assumed-role/${r}/${s}`),
      fc.tuple(fc.constantFrom('user', 'role'), fc.array(segment, { maxLength: 3 }), segment).map(([k, path, n]) => `arn:aws:iam::111122223333:${k}/${[...path, n].join('/')}`),
      fc.string(),
    );
    fc.assert(fc.property(arn, (a) => canonicalPrincipalArn(canonicalPrincipalArn(a)) === canonicalPrincipalArn(a)));
  });
});

describe('roleArnWithoutPath', () => {
  it.each([
    [SSO, 'arn:aws:iam::111122223333:role/AWSReservedSSO_AdministratorAccess_0123456789abcdef'],
    [SSO_GLOBAL, 'arn:aws:iam::111122223333:role/AWSReservedSSO_ReadOnly_fedcba9876543210'],
    ['arn:aws:iam::111122223333:role/teams/platform/deployer', 'arn:aws:iam::111122223333:role/deployer'],
    ['arn:aws-us-gov:iam::111122223333:role/a/b', 'arn:aws-us-gov:iam::111122223333:role/b'],
    ['arn:aws:iam::111122223333:role/deployer', 'arn:aws:iam::111122223333:role/deployer'],
    // Users keep their path: their ARN is matched as written.
    ['arn:aws:iam::111122223333:user/dev/alice', 'arn:aws:iam::111122223333:user/dev/alice'],
  ])('%s → %s', (input, expected) => {
    expect(roleArnWithoutPath(input)).toBe(expected);
  });
});

describe('isSsoRoleArn', () => {
  it.each([
    [SSO, true],
    [SSO_GLOBAL, true],
    ['arn:aws:iam::111122223333:role/AWSReservedSSO_AdministratorAccess_0123456789abcdef', true],
    ['arn:aws:sts::111122223333:assumed-role/AWSReservedSSO_Admin_0123/alice@example.com', true],
    ['arn:aws:iam::111122223333:role/teams/AWSReservedSSO_fake', false],
    ['arn:aws:iam::111122223333:role/deployer', false],
    ['arn:aws:iam::111122223333:user/AWSReservedSSO_x', false],
  ])('%s → %s', (arn, expected) => {
    expect(isSsoRoleArn(arn)).toBe(expected);
  });
});

describe('sameArn', () => {
  it('compares case-insensitively, as the authenticator does', () => {
    expect(sameArn('arn:aws:iam::111122223333:role/Admin', 'ARN:AWS:IAM::111122223333:ROLE/admin')).toBe(true);
    expect(sameArn('arn:aws:iam::111122223333:role/admin', 'arn:aws:iam::111122223333:role/admins')).toBe(false);
  });
});
