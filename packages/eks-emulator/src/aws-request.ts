/** What every AWS service handler of the emulator receives: the parsed request and its authenticated caller. */
import type { IncomingHttpHeaders } from 'node:http';
import type { EmulatorState, IssuedIdentity } from './state.js';

export interface AwsRequest {
  method: string;
  /** Raw (still percent-encoded) path, without the query. */
  path: string;
  /** Raw query string without `?`. */
  rawQuery: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  body: string;
  caller: IssuedIdentity;
  /** The Region the request is signed for (SigV4 credential scope). */
  region: string;
  /** The client's address, as CloudTrail records `sourceIPAddress`. */
  sourceIp?: string;
}

/** Where the emulated cluster's Kubernetes API answers; known once the Kube server is up. */
export interface ClusterEndpoint {
  url: string;
  caPem: string;
}

export interface ServiceContext {
  state: EmulatorState;
  endpoint(): ClusterEndpoint;
  /** When the emulator started: creation times are derived from it so they are stable within a run. */
  startedAt: number;
}

export interface JsonReply {
  status: number;
  body: unknown;
}

