/**
 * One loopback HTTP endpoint for EKS, STS, CloudWatch Logs, CloudTrail and IAM, routed the way
 * multi-service emulators route: `X-Amz-Target` (JSON protocols), the SigV4 credential scope's service
 * (`Authorization` header or presigned `X-Amz-Credential`), `Action=` (Query protocol), then the
 * EKS REST paths. So `AWS_ENDPOINT_URL` alone or the per-service variables all work. Every call is
 * authorized as IAM would (aws-authorization.ts) and recorded in CloudTrail as it would be.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { AwsRequest, ClusterEndpoint, ServiceContext } from './aws-request.js';
import { authorizeCall } from './aws-authorization.js';
import { CloudTrailApi, CLOUDTRAIL_TARGET_PREFIXES, isMutatingCloudTrailOperation } from './cloudtrail-api.js';
import { recordInCloudTrail } from './cloudtrail-recording.js';
import { handleEks, routeEks, type EksRoute } from './eks-api.js';
import { handleEksWrite } from './eks-writes.js';
import { answeredErrorOf, writeEksError, writeIamError, writeLogsError, writeStsError } from './errors.js';
import { iamRequestOf, type CallTarget } from './iam-actions.js';
import { handleIam, iamTargetArn, isMutatingIamOperation } from './iam-api.js';
import { isMutatingLogsOperation, LogsApi, logGroupNamedBy } from './logs-api.js';
import { parseCredentialScope, scopeFromAuthorization } from './sigv4.js';
import { answerPresignedCall, EXPIRED_TOKEN_MESSAGE, INVALID_TOKEN_MESSAGE } from './sts-presigned.js';
import { applyFault, type EmulatorState, type IssuedIdentity } from './state.js';
import { assumeRole, getCallerIdentity, stsParams } from './sts-api.js';

type AwsService = 'eks' | 'sts' | 'logs' | 'cloudtrail' | 'iam';

const LOGS_TARGET_PREFIX = 'Logs_20140328.';
const MAX_BODY = 1 << 20;

export interface AwsServer {
  url: string;
  close(): Promise<void>;
}

/** Which service a request is for, and the operation name (for the journal and for faults). */
export function classifyAwsRequest(
  method: string,
  rawPath: string,
  rawQuery: string,
  headers: IncomingMessage['headers'],
  body: string,
): { service: AwsService; operation: string; mutating: boolean } | undefined {
  const target = String(headers['x-amz-target'] ?? '');
  if (target.startsWith(LOGS_TARGET_PREFIX)) {
    const operation = target.slice(LOGS_TARGET_PREFIX.length);
    return { service: 'logs', operation, mutating: isMutatingLogsOperation(operation) };
  }
  const cloudTrailPrefix = CLOUDTRAIL_TARGET_PREFIXES.find((p) => target.startsWith(p));
  if (cloudTrailPrefix) {
    const operation = target.slice(cloudTrailPrefix.length);
    return { service: 'cloudtrail', operation, mutating: isMutatingCloudTrailOperation(operation) };
  }
  const query = new URLSearchParams(rawQuery);
  const scope =
    scopeFromAuthorization(headerString(headers.authorization)) ??
    (query.get('X-Amz-Credential') ? parseCredentialScope(query.get('X-Amz-Credential')!) : undefined);
  const action = query.get('Action') ?? (method === 'POST' ? new URLSearchParams(body).get('Action') : null);
  const service = scope?.service ?? (action ? 'sts' : rawPath.startsWith('/clusters') || rawPath.startsWith('/access-policies') ? 'eks' : undefined);
  if (service === 'sts') return { service, operation: action ?? 'Unknown', mutating: false };
  if (service === 'iam') return { service, operation: action ?? 'Unknown', mutating: isMutatingIamOperation(action ?? 'Unknown') };
  if (service === 'eks') {
    const route = routeEks(method, rawPath);
    return { service, operation: route.operation, mutating: route.mutating };
  }
  if (service === 'logs') return { service, operation: 'Unknown', mutating: false };
  if (service === 'cloudtrail') return { service, operation: 'Unknown', mutating: false };
  return undefined;
}

function headerString(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v[0] : v;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) {
        reject(new Error('request body too large'));
        req.destroy();
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/** The real "bad key" / "expired key" answers of each protocol (codes from the services' error docs). */
function writeAuthError(res: ServerResponse, service: AwsService, problem: 'missing' | 'unknown' | 'expired'): void {
  const invalid = INVALID_TOKEN_MESSAGE;
  const expired = EXPIRED_TOKEN_MESSAGE;
  switch (service) {
    case 'sts':
      if (problem === 'missing') return writeStsError(res, 403, 'MissingAuthenticationToken', 'Request is missing Authentication Token');
      return problem === 'expired' ? writeStsError(res, 403, 'ExpiredToken', expired) : writeStsError(res, 403, 'InvalidClientTokenId', invalid);
    case 'iam':
      if (problem === 'missing') return writeIamError(res, 403, 'MissingAuthenticationToken', 'Request is missing Authentication Token');
      return problem === 'expired' ? writeIamError(res, 403, 'ExpiredToken', expired) : writeIamError(res, 403, 'InvalidClientTokenId', invalid);
    case 'eks':
      if (problem === 'missing') return writeEksError(res, 403, 'MissingAuthenticationTokenException', 'Missing Authentication Token');
      return problem === 'expired'
        ? writeEksError(res, 403, 'ExpiredTokenException', expired)
        : writeEksError(res, 403, 'UnrecognizedClientException', invalid);
    case 'logs':
    case 'cloudtrail':
      if (problem === 'missing') return writeLogsError(res, 400, 'MissingAuthenticationTokenException', 'Missing Authentication Token');
      return problem === 'expired'
        ? writeLogsError(res, 400, 'ExpiredTokenException', expired)
        : writeLogsError(res, 400, 'UnrecognizedClientException', invalid);
  }
}

/**
 * Finds the caller by access key. Ordinary calls' signatures are NOT verified (the emulator trusts
 * the key, like most local emulators); a presigned STS call (an EKS token replayed) is, because its
 * `x-k8s-aws-id` binding is exactly what EKS authentication depends on.
 */
function authenticate(
  state: EmulatorState,
  service: AwsService,
  req: Omit<AwsRequest, 'caller' | 'region'>,
  res: ServerResponse,
): IssuedIdentity | undefined {
  const presigned = req.query.get('X-Amz-Credential');
  if (presigned && service === 'sts') {
    const headers: Record<string, string | undefined> = {};
    for (const [k, v] of Object.entries(req.headers)) headers[k] = headerString(v);
    const answer = answerPresignedCall(state, { path: req.path, rawQuery: req.rawQuery, headers });
    if (!answer.ok) {
      writeStsError(res, answer.status, answer.code, answer.message);
      return undefined;
    }
    return answer.identity;
  }
  const scope = scopeFromAuthorization(headerString(req.headers.authorization)) ?? (presigned ? parseCredentialScope(presigned) : undefined);
  if (!scope) {
    writeAuthError(res, service, 'missing');
    return undefined;
  }
  const identity = state.identityForAccessKey(scope.accessKeyId);
  const token = headerString(req.headers['x-amz-security-token']) ?? req.query.get('X-Amz-Security-Token') ?? undefined;
  // A session key without its token (or with another token) is rejected as invalid by AWS.
  if (!identity || identity.invalid || (identity.sessionToken !== undefined && token !== identity.sessionToken)) {
    writeAuthError(res, service, 'unknown');
    return undefined;
  }
  if (identity.expired) {
    writeAuthError(res, service, 'expired');
    return undefined;
  }
  return identity;
}

export async function startAwsServer(
  state: EmulatorState,
  opts: { host: string; port?: number; endpoint: () => ClusterEndpoint },
): Promise<AwsServer> {
  const ctx: ServiceContext = { state, endpoint: opts.endpoint, startedAt: state.startedAt };
  const logs = new LogsApi(ctx);
  const cloudtrail = new CloudTrailApi(ctx);
  const sockets = new Set<Socket>();

  const server = createServer((req, res) => {
    handle(req, res).catch(() => {
      // Unreadable request (e.g. a body over 1 MiB): answer and move on.
      if (!res.headersSent) writeEksError(res, 400, 'BadRequestException', 'The request could not be read.');
      else res.end();
    });
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://emulator');
    const rawPath = (req.url ?? '/').split('?')[0] ?? '/';
    const rawQuery = url.search.replace(/^\?/, '');
    const body = await readBody(req);
    const method = req.method ?? 'GET';
    const kind = classifyAwsRequest(method, rawPath, rawQuery, req.headers, body);
    if (!kind) {
      writeEksError(res, 404, 'UnknownOperationException', 'The request could not be routed to EKS, STS or CloudWatch Logs.');
      return;
    }
    const { service, operation, mutating } = kind;
    let recorded = false;
    const record = () => {
      if (recorded) return;
      recorded = true;
      state.record({ service, operation, method, path: rawPath, mutating, status: res.headersSent ? res.statusCode : 0 });
    };
    res.on('finish', record);
    res.on('close', record);

    const base = { method, path: rawPath, rawQuery, query: url.searchParams, headers: req.headers, body, sourceIp: req.socket.remoteAddress };
    const caller = authenticate(state, service, base, res);
    if (!caller) return;
    if ((await applyFault(state.takeFault(service, operation), res, service)) === 'handled') return;
    const scope = scopeFromAuthorization(headerString(req.headers.authorization)) ?? (url.searchParams.get('X-Amz-Credential') ? parseCredentialScope(url.searchParams.get('X-Amz-Credential')!) : undefined);
    const request: AwsRequest = { ...base, caller, region: scope?.region ?? state.scenario.region };
    // CloudTrail's own limit is enforced before anything else, and a throttled call is never recorded.
    if (service === 'cloudtrail' && cloudtrail.throttled(caller.accountId, request.region)) {
      writeLogsError(res, 400, 'ThrottlingException', 'Rate exceeded');
      return;
    }
    const eksRoute = service === 'eks' ? routeEks(method, rawPath) : undefined;
    const queryParams = service === 'sts' || service === 'iam' ? stsParams(request) : undefined;
    let responseElements: Record<string, unknown> | null = null;
    try {
      const denial = authorizeCall(state, caller, iamRequestOf(service, operation, callTarget(service, operation, request, eksRoute, queryParams)));
      if (denial) writeDenial(res, service, denial.message);
      else responseElements = dispatch(service, operation, request, res, eksRoute, queryParams);
    } catch {
      // A handler bug answers like each service's internal failure instead of killing the emulator.
      if (res.headersSent) res.end();
      else if (service === 'sts') writeStsError(res, 500, 'InternalFailure', 'An internal error occurred.', 'Receiver');
      else if (service === 'iam') writeIamError(res, 500, 'ServiceFailure', 'An internal error occurred.', 'Receiver');
      else if (service === 'logs' || service === 'cloudtrail') writeLogsError(res, 500, 'ServiceUnavailableException', 'An internal error occurred.');
      else writeEksError(res, 500, 'ServerException', 'An internal error occurred.');
    }
    if (operation !== 'Unknown') {
      recordInCloudTrail(state, { service, operation, mutating, request, region: request.region, eksRoute, queryParams, error: answeredErrorOf(res), responseElements });
    }
  }

  /** What IAM evaluates a call on (iam-actions.ts): the cluster, access entry, log group, role or user it names. */
  function callTarget(service: AwsService, operation: string, request: AwsRequest, eksRoute: EksRoute | undefined, params: URLSearchParams | undefined): CallTarget {
    const t: CallTarget = { region: request.region, account: state.scenario.account };
    if (eksRoute) return { ...t, cluster: eksRoute.cluster, principalArn: eksRoute.principalArn };
    if (service === 'logs') return { ...t, logGroup: logGroupNamedBy(request.body) };
    if (service === 'sts') return { ...t, roleArn: params?.get('RoleArn') ?? undefined };
    if (service === 'iam') {
      const role = params?.get('RoleName');
      const user = params?.get('UserName');
      const iamArn = role ? iamTargetArn(ctx, 'role', role) : user ? iamTargetArn(ctx, 'user', user) : operation === 'GetUser' ? request.caller.arn : undefined;
      return { ...t, iamArn };
    }
    return t;
  }

  /** Each service's AccessDenied shape (EKS REST-JSON 403, STS/IAM Query 403, Logs/CloudTrail JSON 1.1 400). */
  function writeDenial(res: ServerResponse, service: AwsService, message: string): void {
    if (service === 'eks') writeEksError(res, 403, 'AccessDeniedException', message);
    else if (service === 'sts') writeStsError(res, 403, 'AccessDenied', message);
    else if (service === 'iam') writeIamError(res, 403, 'AccessDenied', message);
    else writeLogsError(res, 400, 'AccessDeniedException', message);
  }

  /** Answers the call; returns the response body of a write (CloudTrail's responseElements). */
  function dispatch(
    service: AwsService,
    operation: string,
    request: AwsRequest,
    res: ServerResponse,
    eksRoute: EksRoute | undefined,
    params: URLSearchParams | undefined,
  ): Record<string, unknown> | null {
    if (service === 'eks') {
      const reply = eksRoute!.mutating ? handleEksWrite(request, eksRoute!, ctx) : handleEks(request, eksRoute!, ctx);
      if (reply.errorCode) {
        writeEksError(res, reply.status, reply.errorCode, (reply.body as { message: string }).message);
        return null;
      }
      writeJson(res, reply.status, reply.body, 'application/json');
      return reply.body as Record<string, unknown>;
    }
    if (service === 'logs' || service === 'cloudtrail') {
      const reply = service === 'logs' ? logs.handle(request, operation) : cloudtrail.handle(request.body, operation, request.region);
      if (reply.errorCode) writeLogsError(res, reply.status, reply.errorCode, (reply.body as { message: string }).message);
      else writeJson(res, reply.status, reply.body, 'application/x-amz-json-1.1');
      return null;
    }
    if (service === 'iam') {
      const version = params!.get('Version');
      if (version && version !== '2010-05-08') writeIamError(res, 400, 'InvalidAction', `Could not find operation ${operation} for version ${version}`);
      else handleIam(request, operation, params!, res, ctx);
      return null;
    }
    const version = params!.get('Version');
    if (version && version !== '2011-06-15') {
      writeStsError(res, 400, 'InvalidAction', `Could not find operation ${operation} for version ${version}`);
      return null;
    }
    if (operation === 'GetCallerIdentity') getCallerIdentity(request, res);
    else if (operation === 'AssumeRole') assumeRole(request, params!, res, ctx);
    else writeStsError(res, 400, 'InvalidAction', `Could not find operation ${operation} for version ${version ?? '2011-06-15'}`);
    return null;
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, opts.host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const host = opts.host.includes(':') ? `[${opts.host}]` : opts.host;
  return {
    url: `http://${host}:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy(); // hung requests never end on their own
        server.close(() => resolve());
      }),
  };
}

function writeJson(res: ServerResponse, status: number, body: unknown, contentType: string): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': contentType, 'x-amzn-requestid': crypto.randomUUID(), 'content-length': Buffer.byteLength(text) });
  res.end(text);
}
