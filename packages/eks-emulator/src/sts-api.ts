/**
 * STS Query/XML API, version 2011-06-15 (botocore data/sts/2011-06-15/service-2.json):
 * GetCallerIdentity and AssumeRole. Identities are keyed by access key (EmulatorState).
 */
import type { ServerResponse } from 'node:http';
import type { AwsRequest, ServiceContext } from './aws-request.js';
import { escapeXml, requestId, writeStsError } from './errors.js';
import type { IssuedIdentity } from './state.js';

const NS = 'https://sts.amazonaws.com/doc/2011-06-15/';

/** Query parameters from the URL (GET, presigned) or the form body (POST). */
export function stsParams(req: AwsRequest): URLSearchParams {
  const params = new URLSearchParams(req.rawQuery);
  const type = String(req.headers['content-type'] ?? '');
  if (req.method === 'POST' && (type.includes('x-www-form-urlencoded') || type === '')) {
    for (const [k, v] of new URLSearchParams(req.body)) params.append(k, v);
  }
  return params;
}

function writeXml(res: ServerResponse, xml: string, id: string): void {
  res.writeHead(200, { 'content-type': 'text/xml', 'x-amzn-requestid': id, 'content-length': Buffer.byteLength(xml) });
  res.end(xml);
}

/** aws-iam-authenticator asks for JSON (`Accept: application/json`), which STS also serves. */
function wantsJson(req: AwsRequest): boolean {
  return String(req.headers['accept'] ?? '').includes('application/json');
}

export function getCallerIdentity(req: AwsRequest, res: ServerResponse): void {
  const id = requestId();
  const who = req.caller;
  if (wantsJson(req)) {
    const body = JSON.stringify({
      GetCallerIdentityResponse: {
        GetCallerIdentityResult: { Account: who.accountId, Arn: who.arn, UserId: who.userId },
        ResponseMetadata: { RequestId: id },
      },
    });
    res.writeHead(200, { 'content-type': 'application/json', 'x-amzn-requestid': id, 'content-length': Buffer.byteLength(body) });
    res.end(body);
    return;
  }
  writeXml(
    res,
    `<GetCallerIdentityResponse xmlns="${NS}">\n  <GetCallerIdentityResult>\n` +
      `    <Arn>${escapeXml(who.arn)}</Arn>\n    <UserId>${escapeXml(who.userId)}</UserId>\n` +
      `    <Account>${who.accountId}</Account>\n  </GetCallerIdentityResult>\n` +
      `  <ResponseMetadata>\n    <RequestId>${id}</RequestId>\n  </ResponseMetadata>\n</GetCallerIdentityResponse>\n`,
    id,
  );
}

/** `canAssume` of the caller's principal decides; a session inherits its role's list. */
function mayAssume(ctx: ServiceContext, caller: IssuedIdentity, roleArn: string): boolean {
  const principal = ctx.state.scenario.principals.find((p) => p.accessKeyId === caller.accessKeyId) ??
    ctx.state.scenario.principals.find((p) => callerIsSessionOf(caller, p.arn));
  const allowed = principal?.canAssume ?? [];
  return allowed.includes('*') || allowed.includes(roleArn);
}

function callerIsSessionOf(caller: IssuedIdentity, roleArn: string): boolean {
  const m = /^arn:aws:sts::(\d{12}):assumed-role\/([^/]+)\//.exec(caller.arn);
  return !!m && roleArn.startsWith(`arn:aws:iam::${m[1]}:role/`) && roleArn.endsWith(`/${m[2]}`);
}

export function assumeRole(req: AwsRequest, params: URLSearchParams, res: ServerResponse, ctx: ServiceContext): void {
  const roleArn = params.get('RoleArn');
  const sessionName = params.get('RoleSessionName');
  if (!roleArn || !sessionName) {
    writeStsError(res, 400, 'ValidationError', `1 validation error detected: Value null at '${roleArn ? 'roleSessionName' : 'roleArn'}' failed to satisfy constraint: Member must not be null`);
    return;
  }
  if (!/^[\w+=,.@-]{2,64}$/.test(sessionName)) {
    writeStsError(res, 400, 'ValidationError', `1 validation error detected: Value '${sessionName}' at 'roleSessionName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]*`);
    return;
  }
  if (!mayAssume(ctx, req.caller, roleArn)) {
    writeStsError(res, 403, 'AccessDenied', `User: ${req.caller.arn} is not authorized to perform: sts:AssumeRole on resource: ${roleArn}`);
    return;
  }
  const duration = Number(params.get('DurationSeconds') ?? 3600);
  const session = ctx.state.issueRoleSession(roleArn, sessionName);
  const expiration = new Date(Date.now() + (Number.isFinite(duration) ? duration : 3600) * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
  const id = requestId();
  writeXml(
    res,
    `<AssumeRoleResponse xmlns="${NS}">\n  <AssumeRoleResult>\n    <AssumedRoleUser>\n` +
      `      <AssumedRoleId>${escapeXml(session.userId)}</AssumedRoleId>\n      <Arn>${escapeXml(session.arn)}</Arn>\n` +
      `    </AssumedRoleUser>\n    <Credentials>\n      <AccessKeyId>${session.accessKeyId}</AccessKeyId>\n` +
      `      <SecretAccessKey>${escapeXml(session.secretAccessKey)}</SecretAccessKey>\n` +
      `      <SessionToken>${escapeXml(session.sessionToken ?? '')}</SessionToken>\n      <Expiration>${expiration}</Expiration>\n` +
      `    </Credentials>\n  </AssumeRoleResult>\n  <ResponseMetadata>\n    <RequestId>${id}</RequestId>\n  </ResponseMetadata>\n</AssumeRoleResponse>\n`,
    id,
  );
}
