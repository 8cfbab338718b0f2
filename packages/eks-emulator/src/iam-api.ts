/**
 * IAM Query/XML API, version 2010-05-08 (botocore data/iam/2010-05-08/service-2.json; global endpoint,
 * signed for `iam` in us-east-1): GetRole and GetUser for the scenario's principals, with their path,
 * unique ID and CreateDate. A principal marked `deleted` answers `NoSuchEntity` ("The role with name X
 * cannot be found."). GetRole's AssumeRolePolicyDocument is URL-encoded (RFC 3986), as the API returns it.
 */
import type { ServerResponse } from 'node:http';
import type { AwsRequest, ServiceContext } from './aws-request.js';
import { escapeXml, IAM_XML_NAMESPACE, requestId, writeIamError } from './errors.js';
import type { ScenarioPrincipal } from './scenario.js';
import { fakeUniqueId, isRoleArn, principalOfCaller } from './state.js';
import { isoSeconds, principalCreatedAt } from './timeline.js';

export function isMutatingIamOperation(operation: string): boolean {
  return !/^(Get|List|Simulate|Generate)/.test(operation);
}

/** `arn:aws:iam::A:role/a/b/R` → `/a/b/`; no path → `/`. */
export function iamPathOf(arn: string): string {
  const parts = arn.split(':').slice(5).join(':').split('/');
  return parts.length > 2 ? `/${parts.slice(1, -1).join('/')}/` : '/';
}

function nameOf(arn: string): string {
  return arn.split('/').pop() ?? arn;
}

/** The principal IAM knows by that name (IAM names are unique regardless of case). */
export function findIamPrincipal(ctx: ServiceContext, kind: 'role' | 'user', name: string): ScenarioPrincipal | undefined {
  return ctx.state.scenario.principals.find((p) => isRoleArn(p.arn) === (kind === 'role') && nameOf(p.arn).toLowerCase() === name.toLowerCase());
}

/** The ARN a GetRole/GetUser is evaluated on: the principal's (with its path) or the bare name's. */
export function iamTargetArn(ctx: ServiceContext, kind: 'role' | 'user', name: string): string {
  return findIamPrincipal(ctx, kind, name)?.arn ?? `arn:aws:iam::${ctx.state.scenario.account}:${kind}/${name}`;
}

/** The trust policy a role of this kind has: IAM Identity Center's SAML provider, EC2, or its own account. */
function trustPolicyOf(p: ScenarioPrincipal, account: string): string {
  const name = nameOf(p.arn);
  const principal = name.startsWith('AWSReservedSSO_')
    ? { Federated: `arn:aws:iam::${account}:saml-provider/AWSSSO_0123456789abcdef_DO_NOT_DELETE` }
    : p.sessionName?.startsWith('i-')
      ? { Service: 'ec2.amazonaws.com' }
      : { AWS: `arn:aws:iam::${account}:root` };
  const action = 'Federated' in principal ? ['sts:AssumeRoleWithSAML', 'sts:TagSession'] : 'sts:AssumeRole';
  return JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: principal, Action: action }] });
}

function writeXml(res: ServerResponse, operation: string, inner: string): void {
  const id = requestId();
  const xml =
    `<${operation}Response xmlns="${IAM_XML_NAMESPACE}">\n  <${operation}Result>\n${inner}  </${operation}Result>\n` +
    `  <ResponseMetadata>\n    <RequestId>${id}</RequestId>\n  </ResponseMetadata>\n</${operation}Response>\n`;
  res.writeHead(200, { 'content-type': 'text/xml', 'x-amzn-requestid': id, 'content-length': Buffer.byteLength(xml) });
  res.end(xml);
}

function element(name: string, fields: [string, string | undefined][]): string {
  const body = fields.filter(([, v]) => v !== undefined).map(([k, v]) => `      <${k}>${v === '' ? '' : escapeXml(v!)}</${k}>\n`).join('');
  return `    <${name}>\n${body}    </${name}>\n`;
}

export function handleIam(req: AwsRequest, operation: string, params: URLSearchParams, res: ServerResponse, ctx: ServiceContext): void {
  const { scenario, startedAt } = ctx.state;
  if (operation === 'GetRole') {
    const name = params.get('RoleName');
    if (!name) return writeIamError(res, 400, 'ValidationError', "1 validation error detected: Value null at 'roleName' failed to satisfy constraint: Member must not be null");
    const p = findIamPrincipal(ctx, 'role', name);
    if (!p || p.deleted) return writeIamError(res, 404, 'NoSuchEntity', `The role with name ${name} cannot be found.`);
    const roleId = p.userId ?? fakeUniqueId('AROA', p.arn);
    return writeXml(
      res,
      'GetRole',
      element('Role', [
        ['Path', iamPathOf(p.arn)],
        ['AssumeRolePolicyDocument', encodeURIComponent(trustPolicyOf(p, scenario.account))],
        ['MaxSessionDuration', '3600'],
        ['RoleId', roleId],
        ['RoleName', nameOf(p.arn)],
        ['Arn', p.arn],
        ['CreateDate', isoSeconds(principalCreatedAt(scenario, p, startedAt))],
      ]).replace('    </Role>\n', `      <RoleLastUsed>\n        <LastUsedDate>${isoSeconds(startedAt)}</LastUsedDate>\n        <Region>${scenario.region}</Region>\n      </RoleLastUsed>\n    </Role>\n`),
    );
  }
  if (operation === 'GetUser') {
    const given = params.get('UserName');
    let p: ScenarioPrincipal | undefined;
    if (given) p = findIamPrincipal(ctx, 'user', given);
    else {
      // "If you do not specify a user name, IAM determines the user name implicitly based on the … access key ID".
      p = principalOfCaller(scenario, req.caller);
      if (!p || isRoleArn(p.arn) || req.caller.arn.includes(':assumed-role/')) {
        return writeIamError(res, 400, 'ValidationError', 'Must specify userName when calling with non-User credentials');
      }
    }
    const name = given ?? nameOf(p!.arn);
    if (!p || p.deleted) return writeIamError(res, 404, 'NoSuchEntity', `The user with name ${name} cannot be found.`);
    return writeXml(
      res,
      'GetUser',
      element('User', [
        ['Path', iamPathOf(p.arn)],
        ['UserName', nameOf(p.arn)],
        ['UserId', p.userId ?? fakeUniqueId('AIDA', p.arn)],
        ['Arn', p.arn],
        ['CreateDate', isoSeconds(principalCreatedAt(scenario, p, startedAt))],
      ]),
    );
  }
  writeIamError(res, 400, 'InvalidAction', `Could not find operation ${operation} for version 2010-05-08`);
}
