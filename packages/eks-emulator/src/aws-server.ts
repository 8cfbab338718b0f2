/**
 * One loopback HTTP endpoint for EKS, STS and CloudWatch Logs, routed the way multi-service
 * emulators route: `X-Amz-Target` (JSON protocols), the SigV4 credential scope's service
 * (`Authorization` header or presigned `X-Amz-Credential`), `Action=` (Query protocol), then the
 * EKS REST paths. So `AWS_ENDPOINT_URL` alone or the per-service variables all work.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { AwsRequest, ClusterEndpoint, ServiceContext } from './aws-request.js';
import { handleEks, routeEks } from './eks-api.js';
import { writeEksError, writeLogsError, writeStsError } from './errors.js';
import { isMutatingLogsOperation, LogsApi } from './logs-api.js';
import { parseCredentialScope, scopeFromAuthorization } from './sigv4.js';
import { answerPresignedCall, EXPIRED_TOKEN_MESSAGE, INVALID_TOKEN_MESSAGE } from './sts-presigned.js';
import { applyFault, type EmulatorState, type IssuedIdentity } from './state.js';
import { assumeRole, getCallerIdentity, stsParams } from './sts-api.js';

type AwsService = 'eks' | 'sts' | 'logs';

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
  const query = new URLSearchParams(rawQuery);
  const scope =
    scopeFromAuthorization(headerString(headers.authorization)) ??
    (query.get('X-Amz-Credential') ? parseCredentialScope(query.get('X-Amz-Credential')!) : undefined);
  const action = query.get('Action') ?? (method === 'POST' ? new URLSearchParams(body).get('Action') : null);
  const service = scope?.service ?? (action ? 'sts' : rawPath.startsWith('/clusters') || rawPath.startsWith('/access-policies') ? 'eks' : undefined);
  if (service === 'sts') return { service, operation: action ?? 'Unknown', mutating: false };
  if (service === 'eks') {
    const route = routeEks(method, rawPath);
    return { service, operation: route.operation, mutating: route.mutating };
  }
  if (service === 'logs') return { service, operation: 'Unknown', mutating: false };
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
    case 'eks':
      if (problem === 'missing') return writeEksError(res, 403, 'MissingAuthenticationTokenException', 'Missing Authentication Token');
      return problem === 'expired'
        ? writeEksError(res, 403, 'ExpiredTokenException', expired)
        : writeEksError(res, 403, 'UnrecognizedClientException', invalid);
    case 'logs':
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
  req: Omit<AwsRequest, 'caller'>,
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
  const ctx: ServiceContext = { state, endpoint: opts.endpoint, startedAt: Date.now() };
  const logs = new LogsApi(ctx);
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

    const base = { method, path: rawPath, rawQuery, query: url.searchParams, headers: req.headers, body };
    const caller = authenticate(state, service, base, res);
    if (!caller) return;
    if ((await applyFault(state.takeFault(service, operation), res, service)) === 'handled') return;
    const request: AwsRequest = { ...base, caller };
    try {
      dispatch(service, operation, request, res);
    } catch {
      // A handler bug answers like each service's internal failure instead of killing the emulator.
      if (res.headersSent) res.end();
      else if (service === 'sts') writeStsError(res, 500, 'InternalFailure', 'An internal error occurred.', 'Receiver');
      else if (service === 'logs') writeLogsError(res, 500, 'ServiceUnavailableException', 'An internal error occurred.');
      else writeEksError(res, 500, 'ServerException', 'An internal error occurred.');
    }
  }

  function dispatch(service: AwsService, operation: string, request: AwsRequest, res: ServerResponse): void {
    const { method, path: rawPath } = request;
    if (service === 'eks') {
      const reply = handleEks(request, routeEks(method, rawPath), ctx);
      if (reply.errorCode) {
        writeEksError(res, reply.status, reply.errorCode, (reply.body as { message: string }).message);
        return;
      }
      writeJson(res, reply.status, reply.body, 'application/json');
      return;
    }
    if (service === 'logs') {
      const reply = logs.handle(request, operation);
      writeJson(res, reply.status, reply.body, 'application/x-amz-json-1.1');
      return;
    }
    const params = stsParams(request);
    const version = params.get('Version');
    if (version && version !== '2011-06-15') {
      writeStsError(res, 400, 'InvalidAction', `Could not find operation ${operation} for version ${version}`);
      return;
    }
    if (operation === 'GetCallerIdentity') return getCallerIdentity(request, res);
    if (operation === 'AssumeRole') return assumeRole(request, params, res, ctx);
    writeStsError(res, 400, 'InvalidAction', `Could not find operation ${operation} for version ${version ?? '2011-06-15'}`);
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
