/**
 * The account's CloudTrail event history as LookupEvents serves it: one record per management event,
 * with the `Event` summary fields (botocore data/cloudtrail/2013-11-01 `Event`) and the full record
 * that `CloudTrailEvent` carries as a JSON string. Seeded with the scenario's history (the creator's
 * CreateCluster, `history.cloudtrail`); calls made against the emulator are added as they happen.
 * Records older than 90 days are not kept: "You can look up events that occurred in a Region within the
 * last 90 days" (LookupEvents API reference).
 */
import { randomUUID } from 'node:crypto';
import { userIdentityOf, type CallerContext } from './cloudtrail-identity.js';
import type { Scenario } from './scenario.js';
import { identityOfPrincipal } from './state-identity.js';
import { agoMs, clusterCreatedAt, DAY_MS, isoSeconds } from './timeline.js';

export const CLOUDTRAIL_RETENTION_DAYS = 90;

export interface CloudTrailResource {
  ResourceType: string;
  ResourceName: string;
}

export interface CloudTrailRecord {
  eventId: string;
  eventName: string;
  eventSource: string;
  eventTime: number;
  /** The Region the call was made in: LookupEvents answers only its own Region's events. */
  awsRegion: string;
  accountId: string;
  readOnly: boolean;
  accessKeyId: string;
  /** LookupEvents `Username`: an IAM user's name, a role session's session name. */
  username: string;
  resources: CloudTrailResource[];
  /** The full record (`CloudTrailEvent`, serialized on the way out). */
  event: Record<string, unknown>;
}

/** EKS operations whose recorded event names the cluster as a resource (an access entry's events carry none). */
const CLUSTER_RESOURCE_EVENTS = new Set(['CreateCluster', 'DeleteCluster', 'DescribeCluster', 'UpdateClusterConfig', 'UpdateClusterVersion']);

/** IAM is a global service: its events are recorded in us-east-1 (CloudTrail user guide, "global service events"). */
export function recordingRegion(eventSource: string, region: string): string {
  return eventSource === 'iam.amazonaws.com' ? 'us-east-1' : region;
}

export interface RecordInput {
  eventName: string;
  eventSource: string;
  eventTime: number;
  region: string;
  readOnly: boolean;
  caller: CallerContext;
  requestParameters: Record<string, unknown> | null;
  responseElements: Record<string, unknown> | null;
  sourceIPAddress: string;
  userAgent: string;
  errorCode?: string;
  errorMessage?: string;
  /** The cluster an EKS event is about, for its `Resources`. */
  clusterName?: string;
}

export class CloudTrailStore {
  readonly records: CloudTrailRecord[] = [];

  constructor(
    private readonly scenario: Scenario,
    private readonly startedAt: number,
  ) {
    this.seed();
  }

  /** The creator's CreateCluster (if within 90 days) and every `history.cloudtrail` entry. */
  private seed(): void {
    const s = this.scenario;
    const byName = (name: string) => s.principals.find((p) => p.name === name);
    const creator = s.cluster.creator ? byName(s.cluster.creator) : undefined;
    if (creator) {
      const at = clusterCreatedAt(s, this.startedAt);
      this.add({
        eventName: 'CreateCluster',
        eventSource: 'eks.amazonaws.com',
        eventTime: at,
        region: s.region,
        readOnly: false,
        caller: this.historyCaller(creator, at),
        // The CreateCluster body as recorded (EKS user guide, understanding-service-name-entries.html).
        requestParameters: {
          name: s.cluster.name,
          version: s.cluster.version ?? '1.31',
          roleArn: `arn:aws:iam::${s.account}:role/eksClusterRole`,
          resourcesVpcConfig: { subnetIds: ['subnet-0a1b2c3d4e5f60001', 'subnet-0a1b2c3d4e5f60002'], endpointPublicAccess: s.cluster.endpointPublicAccess ?? true, endpointPrivateAccess: s.cluster.endpointPrivateAccess ?? false },
          accessConfig: { authenticationMode: s.cluster.authenticationMode ?? 'CONFIG_MAP', bootstrapClusterCreatorAdminPermissions: s.cluster.bootstrapClusterCreatorAdminPermissions ?? true },
        },
        responseElements: { cluster: { name: s.cluster.name, arn: `arn:aws:eks:${s.region}:${s.account}:cluster/${s.cluster.name}`, createdAt: Math.floor(at / 1000), status: 'CREATING' } },
        sourceIPAddress: '203.0.113.10',
        userAgent: HISTORY_USER_AGENT,
        clusterName: s.cluster.name,
      });
    }
    for (const h of s.history?.cloudtrail ?? []) {
      const p = byName(h.by);
      if (!p) continue; // validation names every `by`
      const at = this.startedAt - agoMs(h);
      const eventSource = h.eventSource ?? 'eks.amazonaws.com';
      const eks = eventSource === 'eks.amazonaws.com';
      const params = h.requestParameters ?? {};
      const named = 'name' in params || 'clusterName' in params;
      this.add({
        eventName: h.eventName,
        eventSource,
        eventTime: at,
        region: recordingRegion(eventSource, s.region),
        readOnly: /^(Describe|List|Get|Lookup)/.test(h.eventName),
        caller: this.historyCaller(p, at),
        requestParameters: eks && !named ? { name: s.cluster.name, ...params } : params,
        responseElements: h.responseElements ?? null,
        sourceIPAddress: '203.0.113.10',
        userAgent: HISTORY_USER_AGENT,
        clusterName: eks ? String(params.name ?? params.clusterName ?? s.cluster.name) : undefined,
      });
    }
  }

  /** A scenario principal as it called AWS at `at`: its keys, a session of its role started a few minutes before. */
  private historyCaller(p: Scenario['principals'][number], at: number): CallerContext {
    return { identity: identityOfPrincipal(p, `${p.name}-session`), principalArn: p.arn, sessionStartedAt: at - 5 * 60_000 };
  }

  add(input: RecordInput): CloudTrailRecord | undefined {
    if (input.eventTime < this.startedAt - CLOUDTRAIL_RETENTION_DAYS * DAY_MS) return undefined;
    const eventId = randomUUID();
    const userIdentity = userIdentityOf(input.caller);
    const event: Record<string, unknown> = {
      eventVersion: '1.09',
      userIdentity,
      eventTime: isoSeconds(input.eventTime),
      eventSource: input.eventSource,
      eventName: input.eventName,
      awsRegion: input.region,
      sourceIPAddress: input.sourceIPAddress,
      userAgent: input.userAgent,
      ...(input.errorCode && { errorCode: input.errorCode, errorMessage: input.errorMessage ?? '' }),
      requestParameters: input.requestParameters,
      responseElements: input.responseElements,
      requestID: randomUUID(),
      eventID: eventId,
      readOnly: input.readOnly,
      eventType: 'AwsApiCall',
      managementEvent: true,
      recipientAccountId: input.caller.identity.accountId,
      eventCategory: 'Management',
    };
    const record: CloudTrailRecord = {
      eventId,
      eventName: input.eventName,
      eventSource: input.eventSource,
      eventTime: input.eventTime,
      awsRegion: input.region,
      accountId: input.caller.identity.accountId,
      readOnly: input.readOnly,
      accessKeyId: input.caller.identity.accessKeyId,
      username: String(userIdentity.userName ?? input.caller.identity.sessionName ?? ''),
      resources:
        input.eventSource === 'eks.amazonaws.com' && input.clusterName && CLUSTER_RESOURCE_EVENTS.has(input.eventName)
          ? [{ ResourceType: 'AWS::EKS::Cluster', ResourceName: input.clusterName }]
          : [],
      event,
    };
    this.records.push(record);
    return record;
  }
}

/** The User-Agent of the scenario's recorded history (the AWS CLI v2 that people run such changes with). */
const HISTORY_USER_AGENT = 'aws-cli/2.17.20 md/awscrt#0.20.11 ua/2.0 os/linux#6.1.0 md/arch#x86_64 lang/python#3.11.9 md/pyimpl#CPython cfg/retry-mode#standard md/installer#exe command/eks';
