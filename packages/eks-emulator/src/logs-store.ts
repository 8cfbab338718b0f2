/**
 * The CloudWatch Logs data of one emulated cluster: group `/aws/eks/<cluster>/cluster` with one
 * stream per enabled control-plane log type, named `<component>-<32 hex>` as EKS names them
 * (EKS user guide, control-plane-logs.html). A retention (`cluster.logRetentionDays`) drops older
 * events, as CloudWatch Logs expires them.
 */
import { randomBytes } from 'node:crypto';
import type { Scenario } from './scenario.js';
import { clusterCreatedAt, DAY_MS, MINUTE_MS } from './timeline.js';

export interface LogEvent {
  timestamp: number;
  ingestionTime: number;
  message: string;
  eventId: string;
}

export interface LogStream {
  logStreamName: string;
  creationTime: number;
  events: LogEvent[];
}

export interface LogGroup {
  logGroupName: string;
  creationTime: number;
  /** PutRetentionPolicy's retentionInDays; absent = never expire. */
  retentionInDays?: number;
  streams: LogStream[];
}

/** EKS log type → stream name prefix (control-plane-logs.html). */
const STREAM_PREFIX: Record<string, string> = {
  api: 'kube-apiserver-',
  audit: 'kube-apiserver-audit-',
  authenticator: 'authenticator-',
  controllerManager: 'kube-controller-manager-',
  scheduler: 'kube-scheduler-',
};

export class LogStore {
  readonly groups: LogGroup[] = [];
  private readonly streams = new Map<string, LogStream>();
  private nextEventId = 1;

  private readonly enabled = new Set<string>();

  constructor(
    private readonly scenario: Scenario,
    startedAt: number = Date.now(),
  ) {
    const enabled = scenario.cluster.logging ?? [];
    if (enabled.length === 0 || scenario.cluster.logGroupMissing) return;
    // Logging enabled when the cluster was created, or (for an old cluster) at most a month ago.
    this.addStreams(enabled, Math.max(clusterCreatedAt(scenario, startedAt), startedAt - 30 * DAY_MS));
    const retention = scenario.cluster.logRetentionDays;
    this.retentionFloor = retention ? startedAt - retention * DAY_MS : -Infinity;
    for (const line of scenario.logs ?? []) {
      const at = startedAt - line.minutesAgo * MINUTE_MS;
      // `{{time}}` in a scenario line becomes logrus' RFC 3339 time of the back-dated event.
      this.appendAuthenticator(line.message.replaceAll('{{time}}', new Date(at).toISOString().replace(/\.\d{3}Z$/, 'Z')), at);
    }
  }

  /** Events before this time have expired under the group's retention. */
  private retentionFloor = -Infinity;

  /** The group, created when first needed, and one stream per newly enabled type (EKS delivers from then on). */
  private addStreams(types: readonly string[], created: number): void {
    const name = `/aws/eks/${this.scenario.cluster.name}/cluster`;
    let group = this.group(name);
    if (!group) {
      const retention = this.scenario.cluster.logRetentionDays;
      group = { logGroupName: name, creationTime: created, ...(retention && { retentionInDays: retention }), streams: [] };
      this.groups.push(group);
    }
    for (const type of types) {
      this.enabled.add(type);
      const prefix = STREAM_PREFIX[type];
      if (!prefix || this.streams.has(type)) continue;
      const stream: LogStream = { logStreamName: prefix + randomBytes(16).toString('hex'), creationTime: created, events: [] };
      group.streams.push(stream);
      this.streams.set(type, stream);
    }
    group.streams.sort((a, b) => a.logStreamName.localeCompare(b.logStreamName));
  }

  /** UpdateClusterConfig logging: newly enabled types get streams; disabled ones keep their events but get no more. */
  setEnabledTypes(types: readonly string[]): void {
    for (const t of [...this.enabled]) if (!types.includes(t)) this.enabled.delete(t);
    if (types.length > 0) this.addStreams(types, Date.now());
  }

  group(name: string): LogGroup | undefined {
    return this.groups.find((g) => g.logGroupName === name);
  }

  /** No-op when authenticator logging is disabled, as on a real cluster. */
  appendAuthenticator(message: string, timestampMs: number): void {
    this.append('authenticator', message, timestampMs);
  }

  /** One `audit.k8s.io/v1` Event per log event in `kube-apiserver-audit-*`; no-op when audit logging is off. */
  appendAudit(event: Record<string, unknown>, timestampMs: number): void {
    this.append('audit', JSON.stringify(event), timestampMs);
  }

  private append(type: string, message: string, timestampMs: number): void {
    const stream = this.streams.get(type);
    if (!stream || !this.enabled.has(type) || timestampMs < this.retentionFloor) return;
    const event: LogEvent = {
      timestamp: timestampMs,
      ingestionTime: Math.max(timestampMs, Date.now()),
      message,
      eventId: String(this.nextEventId++).padStart(56, '0'),
    };
    const events = stream.events;
    events.push(event);
    // Keep time order so FilterLogEvents pages are stable even when scenario lines are back-dated.
    if (events.length > 1 && events[events.length - 2]!.timestamp > timestampMs) events.sort((a, b) => a.timestamp - b.timestamp);
  }
}
