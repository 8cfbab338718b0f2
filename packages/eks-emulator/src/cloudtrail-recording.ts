/**
 * Turns a finished call to the emulator's AWS endpoint into the CloudTrail management event AWS would
 * record: `requestParameters` by each protocol's member names — EKS's URI labels (`name`,
 * `principalArn`, `policyArn`) exactly as sent, percent-encoded, plus its query and JSON body; the JSON
 * protocols' body; the Query protocols' parameters with a lower-case first letter (`roleArn`) — and,
 * for writes, the response as `responseElements` (reads record none).
 */
import type { AwsRequest } from './aws-request.js';
import { recordingRegion } from './cloudtrail-store.js';
import type { EksRoute } from './eks-api.js';
import { principalOfCaller, type EmulatorState } from './state.js';

export interface FinishedCall {
  service: 'eks' | 'sts' | 'logs' | 'cloudtrail' | 'iam';
  operation: string;
  mutating: boolean;
  request: AwsRequest;
  /** The Region the call was signed for. */
  region: string;
  eksRoute?: EksRoute;
  /** Query-protocol parameters (STS, IAM). */
  queryParams?: URLSearchParams;
  error?: { code: string; message: string };
  responseElements?: Record<string, unknown> | null;
}

function jsonBody(body: string): Record<string, unknown> {
  try {
    const v: unknown = body.trim() === '' ? {} : JSON.parse(body);
    return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

function requestParametersOf(c: FinishedCall): Record<string, unknown> | null {
  if (c.service === 'eks') {
    const query = Object.fromEntries(c.request.query.entries());
    const params = { ...(c.eksRoute?.labels ?? {}), ...query, ...jsonBody(c.request.body) };
    return Object.keys(params).length ? params : null;
  }
  if (c.service === 'sts' || c.service === 'iam') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of c.queryParams ?? []) {
      if (k === 'Action' || k === 'Version' || k.startsWith('X-Amz-')) continue;
      out[k.charAt(0).toLowerCase() + k.slice(1)] = v;
    }
    return Object.keys(out).length ? out : null;
  }
  const body = jsonBody(c.request.body);
  return Object.keys(body).length ? body : null;
}

export function recordInCloudTrail(state: EmulatorState, c: FinishedCall): void {
  const eventSource = `${c.service}.amazonaws.com`;
  const caller = c.request.caller;
  const principal = principalOfCaller(state.scenario, caller);
  state.cloudtrail.add({
    eventName: c.operation,
    eventSource,
    eventTime: Date.now(),
    region: recordingRegion(eventSource, c.region),
    readOnly: !c.mutating,
    caller: { identity: caller, principalArn: principal?.arn ?? caller.arn, sessionStartedAt: state.startedAt },
    requestParameters: requestParametersOf(c),
    responseElements: c.mutating && !c.error ? (c.responseElements ?? null) : null,
    sourceIPAddress: String(c.request.sourceIp ?? '127.0.0.1'),
    userAgent: String(c.request.headers['user-agent'] ?? ''),
    errorCode: c.error?.code,
    errorMessage: c.error?.message,
    clusterName: c.eksRoute?.cluster,
  });
}
