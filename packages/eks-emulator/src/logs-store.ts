/**
 * The CloudWatch Logs data of one emulated cluster: group `/aws/eks/<cluster>/cluster` with one
 * stream per enabled control-plane log type, named `<component>-<32 hex>` as EKS names them
 * (EKS user guide, control-plane-logs.html).
 */
import { randomBytes } from 'node:crypto';
import type { Scenario } from './scenario.js';

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
  private readonly authenticator?: LogStream;
  private nextEventId = 1;

  constructor(scenario: Scenario) {
    const enabled = scenario.cluster.logging ?? [];
    if (enabled.length === 0 || scenario.cluster.logGroupMissing) return;
    const created = Date.now() - 30 * 24 * 3600_000;
    const group: LogGroup = { logGroupName: `/aws/eks/${scenario.cluster.name}/cluster`, creationTime: created, streams: [] };
    for (const type of enabled) {
      const prefix = STREAM_PREFIX[type];
      if (!prefix) continue;
      group.streams.push({ logStreamName: prefix + randomBytes(16).toString('hex'), creationTime: created, events: [] });
    }
    group.streams.sort((a, b) => a.logStreamName.localeCompare(b.logStreamName));
    this.groups.push(group);
    this.authenticator = group.streams.find((s) => s.logStreamName.startsWith('authenticator-'));
    const now = Date.now();
    for (const line of scenario.logs ?? []) {
      const at = now - line.minutesAgo * 60_000;
      // `{{time}}` in a scenario line becomes logrus' RFC 3339 time of the back-dated event.
      this.appendAuthenticator(line.message.replaceAll('{{time}}', new Date(at).toISOString().replace(/\.\d{3}Z$/, 'Z')), at);
    }
  }

  group(name: string): LogGroup | undefined {
    return this.groups.find((g) => g.logGroupName === name);
  }

  /** No-op when authenticator logging is disabled, as on a real cluster. */
  appendAuthenticator(message: string, timestampMs: number): void {
    if (!this.authenticator) return;
    const event: LogEvent = {
      timestamp: timestampMs,
      ingestionTime: Math.max(timestampMs, Date.now()),
      message,
      eventId: String(this.nextEventId++).padStart(56, '0'),
    };
    const events = this.authenticator.events;
    events.push(event);
    // Keep time order so FilterLogEvents pages are stable even when scenario lines are back-dated.
    if (events.length > 1 && events[events.length - 2]!.timestamp > timestampMs) events.sort((a, b) => a.timestamp - b.timestamp);
  }
}
