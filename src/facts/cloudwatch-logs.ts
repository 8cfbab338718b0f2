/**
 * Reads one cluster's aws-iam-authenticator events from CloudWatch Logs: group
 * `/aws/eks/<cluster>/cluster`, streams `authenticator-<32 hex>` (EKS user guide, control-plane-logs.html).
 * Read-only: Describe*, FilterLogEvents, StartQuery/GetQueryResults. Never StopQuery (see pollQuery).
 */
import {
  DescribeLogStreamsCommand,
  paginateFilterLogEvents,
  type FilteredLogEvent,
  GetQueryResultsCommand,
  StartQueryCommand,
  type CloudWatchLogsClient,
  type ResultField,
} from '@aws-sdk/client-cloudwatch-logs';
import { errorMessage } from './aws/errors.js';
import { matchesPrincipal, parseAuthenticatorLine, type AuthenticatorEvent, type PrincipalRef } from './authenticator-log.js';

export const AUTHENTICATOR_STREAM_PREFIX = 'authenticator';

export function clusterLogGroupName(cluster: string): string {
  return `/aws/eks/${cluster}/cluster`;
}

/** The caller may not run a Logs action: reported as `logs/query-denied`, never thrown. */
export interface LogsDenied {
  /** IAM actions that were refused, e.g. `logs:StartQuery`. */
  actions: string[];
  message: string;
}

export type AuthenticatorLogStatus =
  | {
      ok: true;
      groupExists: boolean;
      /** False as well when the group is missing. */
      streamsExist: boolean;
      denied?: LogsDenied;
    }
  /** Throttled past the SDK's retries, a 5xx, an unreadable answer: the logs could not be read. */
  | { ok: false; message: string };

/** Is authenticator logging producing anything? One DescribeLogStreams on the cluster's group. */
export async function authenticatorLogStatus(
  client: CloudWatchLogsClient,
  cluster: string,
  signal?: AbortSignal,
): Promise<AuthenticatorLogStatus> {
  const groupName = clusterLogGroupName(cluster);
  // One round trip answers both questions: DescribeLogStreams on the exact group name fails with
  // ResourceNotFoundException when the group does not exist.
  try {
    const streams = await client.send(
      new DescribeLogStreamsCommand({ logGroupName: groupName, logStreamNamePrefix: AUTHENTICATOR_STREAM_PREFIX, limit: 1 }),
      { abortSignal: signal },
    );
    return { ok: true, groupExists: true, streamsExist: (streams.logStreams ?? []).length > 0 };
  } catch (err) {
    if (errorName(err) === 'ResourceNotFoundException') return { ok: true, groupExists: false, streamsExist: false };
    const denied = deniedFrom(err, 'logs:DescribeLogStreams');
    if (denied) return { ok: true, groupExists: true, streamsExist: false, denied };
    return { ok: false, message: errorMessage(err) };
  }
}

export interface LoggedAuthenticatorEvent extends AuthenticatorEvent {
  /** Event time, epoch milliseconds (CloudWatch's timestamp, not the line's `time=`). */
  timestamp: number;
  stream: string;
}

export type LogsSearchMethod = 'filter' | 'insights';

export interface FindAuthenticatorEventsOptions {
  cluster: string;
  principal: PrincipalRef;
  sinceMs: number;
  nowMs: number;
  signal?: AbortSignal;
  /** Absolute time (epoch ms) after which polling stops and what was found so far is returned. */
  deadlineMs: number;
  onProgress?: (message: string) => void;
  /** Tried first; the other is tried when this one is denied (default `filter`, see below). */
  method?: LogsSearchMethod;
}

export type AuthenticatorEventsOutcome = AuthenticatorEventsResult | { ok: false; message: string };

export interface AuthenticatorEventsResult {
  ok: true;
  /** Lines about the principal (granted, denied, STS response), newest first. */
  events: LoggedAuthenticatorEvent[];
  /**
   * Token rejections in the window: the server logs them before it knows who sent the token, so they
   * carry no ARN and cannot be attributed (pkg/server/server.go). Newest first, at most MAX_UNATTRIBUTED.
   */
  unattributed: LoggedAuthenticatorEvent[];
  method: LogsSearchMethod;
  denied?: LogsDenied;
  /** The log group does not exist (logging never enabled, or the group was deleted). */
  groupMissing?: boolean;
  /** A bound (deadline, pages, events) cut the search short: absence of events proves less. */
  incomplete?: boolean;
}

/** At most this many FilterLogEvents pages (each ≤ 1 MB) per run. */
const MAX_FILTER_PAGES = 10;
/** Lines parsed per run, whatever their source. */
const MAX_SCANNED_EVENTS = 20_000;
const MAX_UNATTRIBUTED = 20;
/** The runbook's `limit 50`, doubled: a request writes two lines (STS response + verdict). */
const INSIGHTS_LIMIT = 100;

/**
 * Finds the principal's recent authenticator events. Default method: FilterLogEvents, because over a
 * one-hour window it answers in one round trip, while Logs Insights needs StartQuery plus at least one
 * GetQueryResults poll and typically runs 1–3 s before it completes. Insights is the fallback when
 * FilterLogEvents is denied (and the method of choice when asked for). Server-side narrowing is only a
 * first cut: every returned line is parsed and matched here (emulators, and moto, ignore patterns).
 */
export async function findAuthenticatorEvents(client: CloudWatchLogsClient, options: FindAuthenticatorEventsOptions): Promise<AuthenticatorEventsOutcome> {
  try {
    return await searchEvents(client, options);
  } catch (err) {
    return { ok: false, message: errorMessage(err) };
  }
}

async function searchEvents(client: CloudWatchLogsClient, options: FindAuthenticatorEventsOptions): Promise<AuthenticatorEventsResult> {
  const first = options.method ?? 'filter';
  const second: LogsSearchMethod = first === 'filter' ? 'insights' : 'filter';
  const firstResult = await runMethod(client, first, options);
  if (!firstResult.denied) return firstResult;
  const secondResult = await runMethod(client, second, options);
  if (!secondResult.denied) return secondResult;
  return {
    ...firstResult,
    denied: {
      actions: [...firstResult.denied.actions, ...secondResult.denied.actions],
      message: firstResult.denied.message,
    },
  };
}

function runMethod(client: CloudWatchLogsClient, method: LogsSearchMethod, options: FindAuthenticatorEventsOptions) {
  return method === 'filter' ? searchWithFilter(client, options) : searchWithInsights(client, options);
}

// ---------------------------------------------------------------------------------------------
// FilterLogEvents

async function searchWithFilter(client: CloudWatchLogsClient, o: FindAuthenticatorEventsOptions): Promise<AuthenticatorEventsResult> {
  const collector = new EventCollector(o.principal);
  o.onProgress?.('Reading authenticator logs (FilterLogEvents)');
  let complete: boolean;
  try {
    complete = await filterAuthenticatorPages(client, o, filterPatternFor(o.principal), (e) => {
      collector.add(e.message, e.timestamp, e.logStreamName);
      return !collector.full;
    });
  } catch (err) {
    if (errorName(err) === 'ResourceNotFoundException') return { ...collector.result('filter'), groupMissing: true };
    const denied = deniedFrom(err, 'logs:FilterLogEvents');
    if (denied) return { ok: true, events: [], unattributed: [], method: 'filter', denied };
    throw err;
  }
  const result = collector.result('filter');
  return complete ? result : { ...result, incomplete: true };
}

/**
 * FilterLogEvents over the authenticator streams of the window (epoch milliseconds), page by page,
 * bounded by pages and the deadline; `onEvent` returns false to stop. True when every page was read.
 */
async function filterAuthenticatorPages(
  client: CloudWatchLogsClient,
  o: { cluster: string; sinceMs: number; nowMs: number; signal?: AbortSignal; deadlineMs: number },
  filterPattern: string | undefined,
  onEvent: (e: FilteredLogEvent) => boolean,
): Promise<boolean> {
  const input = {
    logGroupName: clusterLogGroupName(o.cluster),
    logStreamNamePrefix: AUTHENTICATOR_STREAM_PREFIX,
    startTime: Math.floor(o.sinceMs), // FilterLogEvents: epoch milliseconds
    endTime: Math.ceil(o.nowMs),
    filterPattern,
  };
  let pages = 0;
  let more = true;
  // stopOnSameToken: a server repeating its token ends the paging, and the search is then incomplete.
  for await (const page of paginateFilterLogEvents({ client, stopOnSameToken: true }, input, { abortSignal: o.signal })) {
    pages++;
    for (const e of page.events ?? []) if (more) more = onEvent(e);
    if (!page.nextToken) return true;
    if (!more || pages >= MAX_FILTER_PAGES || Date.now() >= o.deadlineMs) return false;
  }
  return false;
}

/**
 * OR of quoted terms (CloudWatch filter pattern syntax `?"a" ?"b"`): the principal's ARN forms, its
 * access key, and `access denied` so that unattributed token rejections come back too. Undefined (no
 * narrowing) when a term could not be quoted safely.
 */
export function filterPatternFor(principal: PrincipalRef): string | undefined {
  const terms = searchTerms(principal);
  return terms ? terms.map((t) => `?"${t}"`).join(' ') : undefined;
}

/**
 * Logs Insights: the runbook query (SPEC §1 step 6) narrowed to the principal. Substring `like "…"`
 * literals, not regexes, so no term needs regex escaping.
 */
export function insightsQueryFor(principal: PrincipalRef): string {
  const terms = searchTerms(principal);
  const lines = ['fields @logStream, @timestamp, @message', '| sort @timestamp desc', '| filter @logStream like /authenticator/'];
  if (terms) lines.push(`| filter ${terms.map((t) => `@message like "${t}"`).join(' or ')}`);
  lines.push(`| limit ${INSIGHTS_LIMIT}`);
  return lines.join('\n');
}

/**
 * Substrings found in every line about the principal: roles as `<account>:role/<name>` (canonical ARN,
 * path dropped) and `<account>:assumed-role/<name>/` (STS response); other principals by their ARN.
 */
function searchTerms(principal: PrincipalRef): string[] | undefined {
  const terms = new Set<string>(['access denied']);
  const role = /^arn:[^:]*:iam::(\d+):role\/(?:.*\/)?([^/]+)$/.exec(principal.canonicalArn);
  if (role) {
    terms.add(`${role[1]}:role/${role[2]}`);
    terms.add(`${role[1]}:assumed-role/${role[2]}/`);
  } else {
    terms.add(principal.canonicalArn);
  }
  if (principal.arn) terms.add(principal.arn);
  if (principal.accessKeyId) terms.add(principal.accessKeyId);
  const list = [...terms];
  // IAM names are [\w+=,.@-]; anything that could break out of the quotes disables narrowing instead.
  return list.every((t) => /^[\w+=,.@:/\- ]+$/.test(t)) ? list : undefined;
}

// ---------------------------------------------------------------------------------------------
// Logs Insights

async function searchWithInsights(client: CloudWatchLogsClient, o: FindAuthenticatorEventsOptions): Promise<AuthenticatorEventsResult> {
  let queryId: string | undefined;
  try {
    const started = await client.send(
      new StartQueryCommand({
        logGroupName: clusterLogGroupName(o.cluster),
        startTime: Math.floor(o.sinceMs / 1000), // StartQuery: epoch seconds
        endTime: Math.ceil(o.nowMs / 1000),
        queryString: insightsQueryFor(o.principal),
        limit: INSIGHTS_LIMIT,
      }),
      { abortSignal: o.signal },
    );
    queryId = started.queryId;
  } catch (err) {
    if (errorName(err) === 'ResourceNotFoundException') return { ok: true, events: [], unattributed: [], method: 'insights', groupMissing: true };
    const denied = deniedFrom(err, 'logs:StartQuery');
    if (denied) return { ok: true, events: [], unattributed: [], method: 'insights', denied };
    throw err;
  }
  if (!queryId) throw new Error('StartQuery returned no queryId');

  const polled = await pollQuery(client, queryId, o);
  if ('denied' in polled) return { ok: true, events: [], unattributed: [], method: 'insights', denied: polled.denied };
  const collector = new EventCollector(o.principal);
  for (const row of polled.rows) {
    const field = (name: string) => row.find((f) => f.field === name)?.value;
    collector.add(field('@message'), insightsTimestamp(field('@timestamp')), field('@logStream'));
  }
  const result = collector.result('insights');
  return polled.complete ? result : { ...result, incomplete: true };
}

type PollOutcome = { rows: ResultField[][]; complete: boolean } | { denied: LogsDenied };

/**
 * Polls GetQueryResults with backoff until the query ends or the deadline. An unfinished query is left
 * to finish on its own: StopQuery is a write (SPEC §1 allows only the query itself), and a one-hour
 * window of one log group ends within seconds anyway. Partial rows are used when time runs out.
 */
async function pollQuery(client: CloudWatchLogsClient, queryId: string, o: FindAuthenticatorEventsOptions): Promise<PollOutcome> {
  const started = Date.now();
  let delay = 100;
  for (;;) {
    let page;
    try {
      page = await client.send(new GetQueryResultsCommand({ queryId }), { abortSignal: o.signal });
    } catch (err) {
      const denied = deniedFrom(err, 'logs:GetQueryResults');
      if (denied) return { denied };
      throw err;
    }
    const status = page.status ?? 'Unknown';
    if (status === 'Complete') return { rows: page.results ?? [], complete: true };
    if (status === 'Failed' || status === 'Cancelled' || status === 'Timeout') {
      throw new Error(`Logs Insights query ${status.toLowerCase()}`);
    }
    const wait = Math.min(delay, o.deadlineMs - Date.now());
    if (wait <= 0) return { rows: page.results ?? [], complete: false };
    o.onProgress?.(`Logs Insights query ${status.toLowerCase()} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
    await sleep(wait, o.signal);
    delay = Math.min(delay * 2, 1000);
  }
}

/** Insights returns `2026-11-25 19:20:00.000` (UTC); some emulators return epoch milliseconds. */
function insightsTimestamp(value: string | undefined): number {
  if (!value) return NaN;
  if (/^\d+$/.test(value)) return Number(value);
  return Date.parse(value.replace(' ', 'T') + (/[zZ]|[+-]\d\d:?\d\d$/.test(value) ? '' : 'Z'));
}

// ---------------------------------------------------------------------------------------------
// Shared

/** Parses and sorts returned lines, keeping the principal's and the unattributable denials. */
class EventCollector {
  private readonly matched: LoggedAuthenticatorEvent[] = [];
  private readonly unattributed: LoggedAuthenticatorEvent[] = [];
  private scanned = 0;

  constructor(private readonly principal: PrincipalRef) {}

  get full(): boolean {
    return this.scanned >= MAX_SCANNED_EVENTS;
  }

  add(message: string | undefined, timestamp: number | undefined, stream: string | undefined): void {
    if (this.full || message === undefined || stream === undefined) return;
    this.scanned++;
    // Server-side stream filters are not trusted either: only authenticator streams hold these lines.
    if (!stream.startsWith(AUTHENTICATOR_STREAM_PREFIX)) return;
    const event = parseAuthenticatorLine(message);
    if (!event || event.outcome === 'other') return;
    const logged: LoggedAuthenticatorEvent = { ...event, timestamp: Number.isFinite(timestamp) ? Number(timestamp) : lineTime(event), stream };
    if (matchesPrincipal(event, this.principal)) this.matched.push(logged);
    else if (event.outcome === 'denied' && !event.arn && !event.accessKeyId) this.unattributed.push(logged);
  }

  result(method: LogsSearchMethod): AuthenticatorEventsResult {
    const newestFirst = (a: LoggedAuthenticatorEvent, b: LoggedAuthenticatorEvent) => b.timestamp - a.timestamp;
    const result: AuthenticatorEventsResult = {
      ok: true,
      events: this.matched.sort(newestFirst),
      unattributed: this.unattributed.sort(newestFirst).slice(0, MAX_UNATTRIBUTED),
      method,
    };
    return this.full ? { ...result, incomplete: true } : result;
  }
}

function lineTime(event: AuthenticatorEvent): number {
  const t = event.time ? Date.parse(event.time) : NaN;
  return Number.isFinite(t) ? t : 0;
}

function errorName(err: unknown): string | undefined {
  return typeof err === 'object' && err !== null && 'name' in err ? String((err as { name: unknown }).name) : undefined;
}

/** AccessDeniedException → the refused action, taken from the message when AWS names it. */
function deniedFrom(err: unknown, action: string): LogsDenied | undefined {
  const name = errorName(err);
  if (name !== 'AccessDeniedException' && name !== 'AccessDenied') return undefined;
  const message = err instanceof Error ? err.message : String(err);
  const named = /perform: (logs:\w+)/.exec(message)?.[1];
  return { actions: [named ?? action], message };
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

export interface AdminGrant {
  arn: string;
  username?: string;
  timestamp: number;
}

/**
 * Principals the authenticator let in as system:masters within the window, newest first: the people
 * who can fix a mapping. One FilterLogEvents search on the phrase, every line parsed and checked here.
 */
export async function findAdminGrants(
  client: CloudWatchLogsClient,
  o: { cluster: string; sinceMs: number; nowMs: number; signal?: AbortSignal; deadlineMs: number },
): Promise<AdminGrant[]> {
  const byArn = new Map<string, AdminGrant>();
  try {
    await filterAuthenticatorPages(client, o, '"system:masters"', (e) => {
      const event = e.message ? parseAuthenticatorLine(e.message) : undefined;
      if (event?.outcome !== 'granted' || !event.arn || !event.groups?.includes('system:masters')) return true;
      const seen = byArn.get(event.arn.toLowerCase());
      const timestamp = e.timestamp ?? 0;
      if (!seen || seen.timestamp < timestamp) byArn.set(event.arn.toLowerCase(), { arn: event.arn, username: event.username, timestamp });
      return true;
    });
  } catch {
    return []; // Best effort: the principal's own events are the finding; this only names helpers.
  }
  return [...byArn.values()].sort((a, b) => b.timestamp - a.timestamp);
}
