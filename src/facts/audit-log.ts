/**
 * The aws-auth ConfigMap as the Kubernetes audit log last saw it (SPEC §10.2). EKS delivers audit
 * events (`audit.k8s.io/v1` Event, one per log event) to the `kube-apiserver-audit-*` streams of
 * `/aws/eks/<cluster>/cluster` when the `audit` log type is on, and its audit policy logs `update`,
 * `patch` and `delete` of `kube-system/aws-auth` at level RequestResponse, so the newest successful
 * one carries the ConfigMap as it now is in `responseObject`. A `create` is logged at Metadata level
 * (no object) and a `delete`'s `responseObject` is a Status: when one of those is newest, the
 * content is not known (or gone), and this says so rather than offer an older object as the present.
 *
 * FilterLogEvents reads a window oldest first, so the search walks windows from now backwards, a few
 * at a time, and stops at the newest window with an aws-auth change; the windows share one page budget
 * and the deadline. The server-side filter is a term pattern; the event is then checked here. Read-only.
 */
import { paginateFilterLogEvents, type CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { isRecord } from '../shared/records.js';
import { classifyAwsError } from './aws/errors.js';
import { clusterLogGroupName } from './cloudwatch-logs.js';

export const AUDIT_STREAM_PREFIX = 'kube-apiserver-audit';
/** Windows back from now: 1 hour, 1 day, 1 week, 30 days, 90 days, 400 days (retention may be forever). */
const WINDOWS_MS = [3_600_000, 86_400_000, 7 * 86_400_000, 30 * 86_400_000, 90 * 86_400_000, 400 * 86_400_000];
/** FilterLogEvents pages over all windows (each page is at most 1 MB or 10,000 events). */
const PAGE_BUDGET = 20;
/** Windows read at once (FilterLogEvents allows 5 TPS per account and Region; the authenticator search uses two). */
const WAVE = 3;

export interface AwsAuthChange {
  verb: 'create' | 'update' | 'patch' | 'delete';
  /** ISO 8601: when the API server answered. */
  at: string;
  /** Who changed it: the IAM principal (`user.extra.canonicalArn`), else the session ARN, else the Kubernetes username. */
  by: string;
  /** The access key of the author's request (user.extra.accessKeyId; an identifier, not a secret). */
  accessKeyId?: string;
  /** The ConfigMap's `data` after the change (update and patch logged at RequestResponse level). */
  data?: Record<string, string>;
}

export type AwsAuthHistory =
  | {
      ok: true;
      /** The newest change found, or none within the searched span. */
      newest?: AwsAuthChange;
      /** How far back the search reached (epoch ms), when it found nothing. */
      searchedFromMs?: number;
      /** False when the page budget or the deadline ended the search before it reached the oldest window. */
      complete: boolean;
    }
  | { ok: false; problem: 'denied' | 'absent' | 'unreachable' | 'other'; message: string };

export interface AuditQuery {
  cluster: string;
  nowMs: number;
  signal?: AbortSignal;
  deadlineMs: number;
}

/** One window's search: the newest change in it, and whether it was read to its end. */
interface WindowResult {
  newest?: AwsAuthChange;
  complete: boolean;
}

/**
 * The newest successful change of kube-system/aws-auth in the cluster's audit log. Windows are read
 * WAVE at a time, newest first: the walk costs two round trips instead of six, and stays within
 * FilterLogEvents' 5 requests per second per account and Region beside the authenticator-log search.
 */
export async function readAwsAuthHistory(client: CloudWatchLogsClient, q: AuditQuery): Promise<AwsAuthHistory> {
  const budget = { pages: 0 };
  const windows = WINDOWS_MS.map((span, i) => ({ start: q.nowMs - span, end: q.nowMs - (WINDOWS_MS[i - 1] ?? 0) }));
  try {
    for (let w = 0; w < windows.length; w += WAVE) {
      const wave = windows.slice(w, w + WAVE);
      const results = await Promise.all(wave.map((win) => readWindow(client, q, win, budget)));
      // The newest window with a change decides; complete only if it and every newer one were read to their end.
      const hit = results.findIndex((r) => r.newest);
      if (hit >= 0) return { ok: true, newest: results[hit]!.newest!, complete: results.slice(0, hit + 1).every((r) => r.complete) };
      const cut = results.findIndex((r) => !r.complete);
      if (cut >= 0) return { ok: true, searchedFromMs: wave[cut]!.end, complete: false };
    }
    return { ok: true, searchedFromMs: windows[windows.length - 1]!.start, complete: true };
  } catch (err) {
    const c = classifyAwsError(err);
    if (c.code === 'ResourceNotFoundException') return { ok: false, problem: 'absent', message: c.message };
    return { ok: false, problem: c.kind === 'denied' ? 'denied' : c.kind === 'unreachable' || c.kind === 'throttled' ? 'unreachable' : 'other', message: c.message };
  }
}

/** One window paged to its end, or until the shared page budget or the deadline ends it. */
async function readWindow(client: CloudWatchLogsClient, q: AuditQuery, win: { start: number; end: number }, budget: { pages: number }): Promise<WindowResult> {
  let newest: AwsAuthChange | undefined;
  const input = {
    logGroupName: clusterLogGroupName(q.cluster),
    logStreamNamePrefix: AUDIT_STREAM_PREFIX,
    startTime: Math.floor(win.start),
    endTime: Math.ceil(win.end),
    filterPattern: '"aws-auth" "kube-system"',
  };
  for await (const page of paginateFilterLogEvents({ client, stopOnSameToken: true }, input, { abortSignal: q.signal })) {
    budget.pages++;
    for (const e of page.events ?? []) {
      const change = parseAuditEvent(e.message);
      if (change && (!newest || change.at >= newest.at)) newest = change;
    }
    if (!page.nextToken) break;
    if (budget.pages >= PAGE_BUDGET || Date.now() >= q.deadlineMs) return { ...(newest && { newest }), complete: false };
  }
  return { ...(newest && { newest }), complete: true };
}

const VERBS = new Set(['create', 'update', 'patch', 'delete']);

/**
 * One audit event, when it is a completed, successful create/update/patch/delete of
 * kube-system/aws-auth (k8s.io/apiserver pkg/apis/audit/v1 Event); undefined for anything else.
 */
export function parseAuditEvent(message: string | undefined): AwsAuthChange | undefined {
  if (!message || message.length > 4 * 1024 * 1024) return undefined;
  let e: unknown;
  try {
    e = JSON.parse(message);
  } catch {
    return undefined;
  }
  if (!isRecord(e) || e.kind !== 'Event' || e.stage !== 'ResponseComplete' || typeof e.verb !== 'string' || !VERBS.has(e.verb)) return undefined;
  const ref = isRecord(e.objectRef) ? e.objectRef : {};
  if (ref.resource !== 'configmaps' || ref.namespace !== 'kube-system' || ref.name !== 'aws-auth') return undefined;
  const status = isRecord(e.responseStatus) && typeof e.responseStatus.code === 'number' ? e.responseStatus.code : undefined;
  if (status === undefined || status < 200 || status > 299) return undefined;
  const at = typeof e.stageTimestamp === 'string' ? e.stageTimestamp : typeof e.requestReceivedTimestamp === 'string' ? e.requestReceivedTimestamp : undefined;
  if (!at || Number.isNaN(Date.parse(at))) return undefined;
  const verb = e.verb as AwsAuthChange['verb'];
  const key = accessKeyOf(e.user);
  const change: AwsAuthChange = { verb, at: new Date(at).toISOString(), by: authorOf(e.user), ...(key && { accessKeyId: key }) };
  if (verb === 'update' || verb === 'patch') {
    // Without the object (a policy that logs it at Metadata level) the content stays unknown, as after a create.
    const object = isRecord(e.responseObject) && e.responseObject.kind === 'ConfigMap' ? e.responseObject : undefined;
    if (object) change.data = stringData(object.data);
  }
  return change;
}

/** EKS puts the IAM identity in user.extra: `arn` (the session) and `canonicalArn` (the role, without path). */
function authorOf(user: unknown): string {
  if (!isRecord(user)) return 'unknown';
  const extra = isRecord(user.extra) ? user.extra : {};
  const first = (v: unknown) => (Array.isArray(v) && typeof v[0] === 'string' ? v[0] : undefined);
  return first(extra.canonicalArn) ?? first(extra.arn) ?? (typeof user.username === 'string' ? user.username : 'unknown');
}

function accessKeyOf(user: unknown): string | undefined {
  const extra = isRecord(user) && isRecord(user.extra) ? user.extra : {};
  return Array.isArray(extra.accessKeyId) && typeof extra.accessKeyId[0] === 'string' ? extra.accessKeyId[0] : undefined;
}

function stringData(data: unknown): Record<string, string> {
  if (!isRecord(data)) return {};
  return Object.fromEntries(Object.entries(data).filter((kv): kv is [string, string] => typeof kv[1] === 'string'));
}
