/**
 * A recording pass-through in front of the emulator's AWS endpoint, used for one untimed run: the
 * emulator's journal keeps service, operation and path but not the parameters (the JSON body of
 * CloudWatch Logs calls, the STS query), which are what "the same call twice" means.
 */
import { createServer, request, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { classifyAwsRequest } from '../../packages/eks-emulator/src/aws-server.js';

export interface ProxiedCall {
  service: string;
  operation: string;
  /** Access key of the signer: the same parameters from two principals are two different questions. */
  accessKeyId: string;
  /** Method, path, query without the SigV4 parameters, and the body with times rounded to the second. */
  params: string;
  /** The SDK's amz-sdk-invocation-id: its retries of one call share it (a throttled LookupEvents, say). */
  invocationId?: string;
}

export interface RecordingProxy {
  url: string;
  calls: ProxiedCall[];
  close(): Promise<void>;
}

export async function startRecordingProxy(target: string): Promise<RecordingProxy> {
  const upstream = new URL(target);
  const calls: ProxiedCall[] = [];
  const server = createServer((req, res) => {
    readAll(req).then((body) => {
      const url = new URL(req.url ?? '/', 'http://proxy');
      const kind = classifyAwsRequest(req.method ?? 'GET', url.pathname, url.search.slice(1), req.headers, body);
      calls.push({
        service: kind?.service ?? '?',
        operation: kind?.operation ?? '?',
        accessKeyId: accessKeyOf(req, url),
        params: `${req.method} ${url.pathname}?${stripSigning(url.searchParams)} ${normalizeBody(body)}`,
        ...(typeof req.headers['amz-sdk-invocation-id'] === 'string' && { invocationId: req.headers['amz-sdk-invocation-id'] }),
      });
      const out = request(
        { host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: req.headers },
        (answer) => {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
        },
      );
      out.on('error', () => res.writeHead(502).end());
      out.end(body);
    }, () => res.writeHead(400).end());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    calls,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}

/** AWS operations called more than once with the same parameters by the same signer. */
export function repeatedCalls(calls: readonly ProxiedCall[]): { operation: string; times: number; params: string }[] {
  const seen = new Map<string, { operation: string; times: number; params: string; invocations: Set<string> }>();
  calls.forEach((c, i) => {
    const key = `${c.service} ${c.operation} ${c.accessKeyId} ${c.params}`;
    const entry = seen.get(key) ?? { operation: `${c.service} ${c.operation}`, times: 0, params: c.params, invocations: new Set<string>() };
    // The SDK's retries of one invocation are not a second call.
    entry.invocations.add(c.invocationId ?? `call-${i}`);
    entry.times = entry.invocations.size;
    seen.set(key, entry);
  });
  return [...seen.values()].filter((e) => e.times > 1).map(({ invocations: _, ...e }) => e);
}

function readAll(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function accessKeyOf(req: IncomingMessage, url: URL): string {
  const auth = String(req.headers.authorization ?? '');
  const credential = /Credential=([^/,\s]+)/.exec(auth)?.[1] ?? url.searchParams.get('X-Amz-Credential')?.split('/')[0];
  return credential ?? '';
}

function stripSigning(query: URLSearchParams): string {
  return [...query].filter(([k]) => !k.startsWith('X-Amz-')).map(([k, v]) => `${k}=${v}`).sort().join('&');
}

/** JSON bodies with epoch times rounded to the second (two calls built a few ms apart ask the same); form bodies sorted. */
function normalizeBody(body: string): string {
  if (body === '') return '';
  try {
    const doc = JSON.parse(body) as Record<string, unknown>;
    const round = (k: string, v: unknown) => (typeof v === 'number' && /time$/i.test(k) ? Math.round(v > 1e11 ? v / 1000 : v) : v);
    return JSON.stringify(Object.fromEntries(Object.entries(doc).sort(([a], [b]) => a.localeCompare(b)).map(([k, v]) => [k, round(k, v)])));
  } catch {
    return [...new URLSearchParams(body)].map(([k, v]) => `${k}=${v}`).sort().join('&');
  }
}
