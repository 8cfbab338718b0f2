/**
 * The cluster's history in CloudTrail event history (SPEC §10.1): who created it, and the recent
 * changes to its access configuration. `LookupEvents` takes one lookup attribute and allows two
 * requests per second per account and Region, so this makes two broad lookups — the account's
 * `CreateCluster` events and its write events — and filters them here. Events name the cluster by
 * `requestParameters.name` (the URI label; `clusterName` also accepted), not by `Resources`, which
 * may be empty; URI labels such as `principalArn` arrive percent-encoded. Read-only; never throws.
 */
import { CloudTrailClient, paginateLookupEvents, type LookupAttribute } from '@aws-sdk/client-cloudtrail';
import { isRecord } from '../shared/records.js';
import type { AwsClients } from './aws/clients.js';
import { classifyAwsError } from './aws/errors.js';

/** CloudTrail event history keeps 90 days. */
export const CLOUDTRAIL_RETENTION_MS = 90 * 86_400_000;
/** Pages of 50 per lookup: at two requests per second, a few seconds at most. */
const PAGE_BUDGET = 6;

/** The EKS writes that change who may get in (SPEC §10.1). */
export const ACCESS_EVENTS = ['CreateAccessEntry', 'DeleteAccessEntry', 'UpdateAccessEntry', 'AssociateAccessPolicy', 'DisassociateAccessPolicy', 'UpdateClusterConfig'] as const;
export type AccessEventName = (typeof ACCESS_EVENTS)[number];

/** Who made a call, as an IAM principal: for an assumed role the role (the session issuer), not the session. */
export interface TrailActor {
  /** The principal: an IAM user, role (with its path), root or federated user ARN; the service for AWS services. */
  arn: string;
  /** The assumed-role session ARN, when the caller was one. */
  sessionArn?: string;
  /** userIdentity.type: IAMUser, AssumedRole, Root, FederatedUser, AWSService, IdentityCenterUser… */
  type: string;
  /** The access key the call was signed with (an identifier, not a secret): matches a local profile's key. */
  accessKeyId?: string;
}

export interface TrailEvent {
  name: string;
  /** ISO 8601. */
  time: string;
  actor: TrailActor;
  /** requestParameters, URI labels percent-decoded. */
  parameters: Record<string, unknown>;
}

export interface ClusterCreation extends TrailEvent {
  /** accessConfig.authenticationMode the cluster was created with, when recorded. */
  authenticationMode?: string;
  /** accessConfig.bootstrapClusterCreatorAdminPermissions (EKS's default is true). */
  creatorAdmin?: boolean;
}

export type ClusterHistory =
  | {
      ok: true;
      /** The CreateCluster event, when it is within the 90 days and the page budget. */
      creation?: ClusterCreation;
      /** Successful access-configuration writes of this cluster, newest first. */
      changes: TrailEvent[];
      /** False when a lookup stopped at its page budget or the deadline before the 90 days. */
      complete: boolean;
    }
  | { ok: false; problem: 'denied' | 'unreachable' | 'other'; message: string };

export interface HistoryQuery {
  cluster: string;
  nowMs: number;
  signal?: AbortSignal;
  /** Stop paging at this time (epoch ms): the run's deadline less a margin. */
  deadlineMs: number;
}

/** The cluster's creation and access changes from the last 90 days. */
export async function readClusterHistory(client: CloudTrailClient, q: HistoryQuery): Promise<ClusterHistory> {
  const window = { StartTime: new Date(q.nowMs - CLOUDTRAIL_RETENTION_MS), EndTime: new Date(q.nowMs) };
  try {
    const [created, writes] = await Promise.all([
      lookup(client, q, window, { AttributeKey: 'EventName', AttributeValue: 'CreateCluster' }, (e) => e.name === 'CreateCluster' && namesCluster(e, q.cluster)),
      lookup(client, q, window, { AttributeKey: 'ReadOnly', AttributeValue: 'false' }, (e) => (ACCESS_EVENTS as readonly string[]).includes(e.name) && namesCluster(e, q.cluster)),
    ]);
    const creation = created.events[0];
    return {
      ok: true,
      ...(creation && { creation: creationOf(creation) }),
      changes: writes.events,
      complete: (creation !== undefined || created.complete) && writes.complete,
    };
  } catch (err) {
    const c = classifyAwsError(err);
    return { ok: false, problem: c.kind === 'denied' ? 'denied' : c.kind === 'unreachable' || c.kind === 'throttled' ? 'unreachable' : 'other', message: c.message };
  }
}

/** One lookup, newest first, keeping the successful events `keep` accepts; stops at the first match when `first`. */
async function lookup(
  client: CloudTrailClient,
  q: HistoryQuery,
  window: { StartTime: Date; EndTime: Date },
  attribute: LookupAttribute,
  keep: (e: TrailEvent) => boolean,
): Promise<{ events: TrailEvent[]; complete: boolean }> {
  const events: TrailEvent[] = [];
  const onlyFirst = attribute.AttributeValue === 'CreateCluster';
  let pages = 0;
  for await (const page of paginateLookupEvents({ client, stopOnSameToken: true }, { LookupAttributes: [attribute], ...window, MaxResults: 50 }, { abortSignal: q.signal })) {
    pages++;
    for (const raw of page.Events ?? []) {
      const e = parseEvent(raw.CloudTrailEvent);
      if (e && keep(e)) events.push(e);
      if (onlyFirst && events.length > 0) return { events, complete: true };
    }
    if (!page.NextToken) return { events, complete: true };
    if (pages >= PAGE_BUDGET || Date.now() >= q.deadlineMs) return { events, complete: false };
  }
  return { events, complete: false };
}

/** A `CloudTrailEvent` JSON string as a TrailEvent; undefined for failed calls and anything unreadable. */
export function parseEvent(json: string | undefined): TrailEvent | undefined {
  if (!json) return undefined;
  let doc: unknown;
  try {
    doc = JSON.parse(json);
  } catch {
    return undefined;
  }
  if (!isRecord(doc) || typeof doc.eventName !== 'string' || typeof doc.eventTime !== 'string') return undefined;
  if (doc.errorCode !== undefined) return undefined; // a refused call changed nothing
  const actor = actorOf(doc.userIdentity);
  if (!actor) return undefined;
  const params = isRecord(doc.requestParameters) ? decodeLabels(doc.requestParameters) : {};
  return { name: doc.eventName, time: new Date(doc.eventTime).toISOString(), actor, parameters: params };
}

/**
 * userIdentity (CloudTrail userIdentity element): an assumed role's principal is the session
 * issuer's role ARN, which keeps the role's path; the session ARN does not.
 */
function actorOf(identity: unknown): TrailActor | undefined {
  if (!isRecord(identity)) return undefined;
  const type = typeof identity.type === 'string' ? identity.type : 'Unknown';
  const arn = typeof identity.arn === 'string' ? identity.arn : undefined;
  const session = isRecord(identity.sessionContext) ? identity.sessionContext : undefined;
  const issuer = session && isRecord(session.sessionIssuer) ? session.sessionIssuer : undefined;
  const key = typeof identity.accessKeyId === 'string' && identity.accessKeyId ? { accessKeyId: identity.accessKeyId } : {};
  if (type === 'AssumedRole' && issuer && typeof issuer.arn === 'string') return { arn: issuer.arn, ...(arn && { sessionArn: arn }), type, ...key };
  if (arn) return { arn, type, ...key };
  if (typeof identity.invokedBy === 'string') return { arn: identity.invokedBy, type };
  return undefined;
}

/** URI labels are recorded as sent: percent-encoded (`arn%3Aaws%3Aiam%3A%3A…`). */
function decodeLabels(params: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(params)) out[k] = typeof v === 'string' && /%[0-9A-Fa-f]{2}/.test(v) ? safeDecode(v) : v;
  return out;
}

function safeDecode(v: string): string {
  try {
    return decodeURIComponent(v);
  } catch {
    return v;
  }
}

function namesCluster(e: TrailEvent, cluster: string): boolean {
  return e.parameters.name === cluster || e.parameters.clusterName === cluster;
}

function creationOf(e: TrailEvent): ClusterCreation {
  const access = isRecord(e.parameters.accessConfig) ? e.parameters.accessConfig : {};
  return {
    ...e,
    ...(typeof access.authenticationMode === 'string' && { authenticationMode: access.authenticationMode }),
    ...(typeof access.bootstrapClusterCreatorAdminPermissions === 'boolean' && { creatorAdmin: access.bootstrapClusterCreatorAdminPermissions }),
  };
}

/** The principal an access-configuration event is about (its `principalArn`), if any. */
export function subjectOf(e: TrailEvent): string | undefined {
  return typeof e.parameters.principalArn === 'string' ? e.parameters.principalArn : undefined;
}

/** The authentication mode an UpdateClusterConfig set, if it set one. */
export function modeSetBy(e: TrailEvent): string | undefined {
  if (e.name !== 'UpdateClusterConfig') return undefined;
  const access = isRecord(e.parameters.accessConfig) ? e.parameters.accessConfig : undefined;
  return access && typeof access.authenticationMode === 'string' ? access.authenticationMode : undefined;
}

/** The run's CloudTrail client, on its working credentials. */
export function cloudTrailOf(clients: AwsClients): CloudTrailClient {
  return clients.serviceClient('CLOUDTRAIL', (config) => new CloudTrailClient(config));
}
