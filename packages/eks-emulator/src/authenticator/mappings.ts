/**
 * aws-iam-authenticator pkg/config/mapper.go: what makes a decoded RoleMapping / UserMapping valid,
 * the key the ConfigMap store files it under (roles lower-cased, users as written), and whether it
 * matches a caller's lower-cased canonical ARN (strings.EqualFold; IAM Identity Center `sso:` entries
 * through ArnLike, only with the SSORoleMatch feature gate on).
 */
import { arnLike } from './arn-like.js';
import { PARTITIONS } from './arn.js';
import { stringField, stringsField, structField, type GoStruct } from './go-json-decode.js';
import { goEqualFold, goToLower } from './go-strings.js';

export interface SsoMatcher {
  permissionSetName: string;
  accountId: string;
  partition: string;
}

export interface RoleMapping {
  kind: 'role';
  roleArn: string;
  sso?: SsoMatcher;
  username: string;
  groups: string[];
}

export interface UserMapping {
  kind: 'user';
  userArn: string;
  username: string;
  groups: string[];
}

export function roleMappingOf(s: GoStruct): RoleMapping {
  const sso = structField(s, 'sso');
  return {
    kind: 'role',
    roleArn: stringField(s, 'rolearn'),
    ...(sso && { sso: { permissionSetName: stringField(sso, 'permissionSetName'), accountId: stringField(sso, 'accountID'), partition: stringField(sso, 'partition') } }),
    username: stringField(s, 'username'),
    groups: stringsField(s, 'groups'),
  };
}

export function userMappingOf(s: GoStruct): UserMapping {
  return { kind: 'user', userArn: stringField(s, 'userarn'), username: stringField(s, 'username'), groups: stringsField(s, 'groups') };
}

/**
 * mapper.go SSOArnLike. Its partition quirk is kept: the partition is filled in ("aws") only when the
 * entry names none, so an entry that sets `partition` gets an empty partition section and never matches.
 */
export function ssoArnLike(sso: SsoMatcher): string {
  const partition = sso.partition === '' ? 'aws' : '';
  return goToLower(`arn:${partition}:iam::${sso.accountId}:role/AWSReservedSSO_${sso.permissionSetName}_*`);
}

/** mapper.go RoleMapping.Validate: the error that drops the entry, if any. */
export function validateRoleMapping(m: RoleMapping): string | undefined {
  if (m.roleArn === '' && !m.sso) return 'one of rolearn or SSO must be supplied';
  if (m.roleArn !== '' && m.sso) return 'only one of rolearn or SSO can be supplied';
  if (!m.sso) return undefined;
  if (!/^[0-9]{12}$/.test(m.sso.accountId)) return `AccountID '${m.sso.accountId}' is not a valid AWS Account ID`;
  if (!/^[\w+=,.@-]{1,32}$/.test(m.sso.permissionSetName)) return `PermissionSetName '${m.sso.permissionSetName}' is not a valid AWS SSO PermissionSet Name`;
  if (m.sso.partition !== '' && !(PARTITIONS as readonly string[]).includes(m.sso.partition)) return `partition '${m.sso.partition}' is not a valid AWS partition`;
  const like = ssoArnLike(m.sso);
  const check = arnLike(like, 'arn:*:iam:*:*:role/*');
  if (!check.ok) return `SSOArnLike '${like}' is not valid: ${check.error}`;
  if (!check.matches) return `SSOArnLike '${like}' did not match an ARN for a canonicalized IAM Role`;
  return undefined;
}

/** mapper.go UserMapping.Validate. */
export function validateUserMapping(m: UserMapping): string | undefined {
  return m.userArn === '' ? 'value for userarn must be supplied' : undefined;
}

/** mapper.go Key: the map key in the ConfigMap store, so a later entry with the same key replaces an earlier one. */
export function mappingKey(m: RoleMapping | UserMapping): string {
  if (m.kind === 'user') return m.userArn;
  return m.roleArn !== '' ? goToLower(m.roleArn) : ssoArnLike(m.sso!);
}

/** mapper.go Matches, against the caller's lower-cased canonical ARN. */
export function mappingMatches(m: RoleMapping | UserMapping, subject: string, opts: { ssoRoleMatch: boolean }): boolean {
  if (m.kind === 'user') return goEqualFold(m.userArn, subject);
  if (m.roleArn !== '') return goEqualFold(m.roleArn, subject);
  if (!opts.ssoRoleMatch) return false;
  const r = arnLike(subject, ssoArnLike(m.sso!));
  return r.ok && r.matches;
}
