/**
 * When things happened in a scenario, as epoch milliseconds relative to the emulator's start: the
 * cluster's creation, each principal's IAM CreateDate, each access entry's createdAt, history events.
 * Scenarios say "N days/minutes ago" so they stay valid whenever they run.
 */
import type { Scenario, ScenarioAccessEntry, ScenarioPrincipal, ScenarioTime } from './scenario.js';

export const MINUTE_MS = 60_000;
export const DAY_MS = 86_400_000;

/** DescribeCluster `createdAt` when a scenario does not say (inside CloudTrail's 90 days). */
export const DEFAULT_CLUSTER_AGE_DAYS = 60;
/** An access entry's age when a scenario does not say. */
export const DEFAULT_ACCESS_ENTRY_AGE_DAYS = 20;

/** `{ minutesAgo }` or `{ daysAgo }` → how long before the start. */
export function agoMs(t: ScenarioTime): number {
  return (t.minutesAgo ?? 0) * MINUTE_MS + (t.daysAgo ?? 0) * DAY_MS;
}

export function clusterAgeDays(scenario: Scenario): number {
  return scenario.cluster.createdDaysAgo ?? DEFAULT_CLUSTER_AGE_DAYS;
}

export function clusterCreatedAt(scenario: Scenario, startedAt: number): number {
  return startedAt - clusterAgeDays(scenario) * DAY_MS;
}

export function accessEntryCreatedAt(entry: ScenarioAccessEntry, startedAt: number): number {
  if (entry.createdAt !== undefined) return entry.createdAt;
  return startedAt - (entry.createdDaysAgo ?? DEFAULT_ACCESS_ENTRY_AGE_DAYS) * DAY_MS;
}

/**
 * IAM CreateDate; by default a principal predates the cluster and every access entry (it had to exist
 * to create them), so only a scenario that says so has a principal younger than its entry.
 */
export function principalCreatedAt(scenario: Scenario, p: ScenarioPrincipal, startedAt: number): number {
  if (p.createdDaysAgo !== undefined) return startedAt - p.createdDaysAgo * DAY_MS;
  const entryAges = (scenario.accessEntries ?? []).map((e) => e.createdDaysAgo ?? DEFAULT_ACCESS_ENTRY_AGE_DAYS);
  return startedAt - Math.max(365, clusterAgeDays(scenario) + 30, ...entryAges.map((d) => d + 30)) * DAY_MS;
}

/** RFC 3339 without milliseconds, as CloudTrail's eventTime and IAM's CreateDate print it. */
export function isoSeconds(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}
