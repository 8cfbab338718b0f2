/**
 * The audit-log search (SPEC §10.2): windows back from now, read a wave at a time, the newest window with
 * an aws-auth change decides; a shared page budget and the deadline end it, and say so. A fake client
 * answers FilterLogEvents from events placed at given ages.
 */
import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { describe, expect, it } from 'vitest';
import { readAwsAuthHistory } from '../../src/facts/audit-log.js';

const NOW = Date.parse('2026-12-01T03:00:00Z');
const DAY = 86_400_000;

function auditEvent(at: number, by: string): string {
  return JSON.stringify({
    kind: 'Event',
    apiVersion: 'audit.k8s.io/v1',
    stage: 'ResponseComplete',
    verb: 'patch',
    objectRef: { resource: 'configmaps', namespace: 'kube-system', name: 'aws-auth' },
    responseStatus: { code: 200 },
    stageTimestamp: new Date(at).toISOString(),
    user: { username: 'x', extra: { canonicalArn: [by] } },
    responseObject: { kind: 'ConfigMap', data: { mapRoles: `- rolearn: ${by}\n` } },
  });
}

/** FilterLogEvents over events at these ages; `endless` windows always have another page. */
function client(events: { ageMs: number; by: string }[], opts: { endless?: boolean; error?: Error } = {}) {
  const calls: { startTime: number; endTime: number }[] = [];
  // A real client (the SDK's paginator checks its class) whose send answers here, never on the network.
  const fake = new CloudWatchLogsClient({ region: 'us-west-2', credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'x' } });
  Object.assign(fake, {
    async send(cmd: { input: { startTime: number; endTime: number; nextToken?: string } }) {
      if (opts.error) throw opts.error;
      const { startTime, endTime } = cmd.input;
      calls.push({ startTime, endTime });
      const inWindow = events.filter((e) => NOW - e.ageMs >= startTime && NOW - e.ageMs <= endTime).map((e) => ({ message: auditEvent(NOW - e.ageMs, e.by) }));
      return { events: inWindow, ...(opts.endless && { nextToken: `t${calls.length}` }) };
    },
  });
  return { client: fake, calls };
}

const query = { cluster: 'prod', nowMs: NOW, deadlineMs: Date.now() + 60_000 };

describe('audit-log search: newest first, a wave of windows at a time', () => {
  it('a change 20 days ago: found in the second wave, after three empty newer windows', async () => {
    const c = client([{ ageMs: 20 * DAY, by: 'arn:aws:iam::1:user/admin' }]);
    const r = await readAwsAuthHistory(c.client, query);
    expect(r).toMatchObject({ ok: true, complete: true, newest: { by: 'arn:aws:iam::1:user/admin', verb: 'patch' } });
    expect(c.calls).toHaveLength(6);
  });

  it('changes at 30 minutes and 3 days: the newest one, from the first wave only', async () => {
    const c = client([{ ageMs: 3 * DAY, by: 'arn:aws:iam::1:user/old' }, { ageMs: 1_800_000, by: 'arn:aws:iam::1:user/new' }]);
    const r = await readAwsAuthHistory(c.client, query);
    expect(r).toMatchObject({ ok: true, complete: true, newest: { by: 'arn:aws:iam::1:user/new' } });
    expect(c.calls).toHaveLength(3);
  });

  it('windows do not overlap and together reach 400 days back; nothing found is complete', async () => {
    const c = client([]);
    const r = await readAwsAuthHistory(c.client, query);
    expect(r).toEqual({ ok: true, searchedFromMs: NOW - 400 * DAY, complete: true });
    const sorted = [...c.calls].sort((a, b) => b.endTime - a.endTime);
    for (let i = 1; i < sorted.length; i++) expect(sorted[i]!.endTime).toBe(sorted[i - 1]!.startTime);
    expect(sorted[0]!.endTime).toBe(NOW);
  });

  it('endless pages: the shared budget ends the search, and the result says it is incomplete', async () => {
    const c = client([{ ageMs: 10 * DAY, by: 'arn:aws:iam::1:user/admin' }], { endless: true });
    const r = await readAwsAuthHistory(c.client, query);
    expect(r).toMatchObject({ ok: true, complete: false });
    expect(c.calls.length).toBeLessThanOrEqual(20 + 3);
  });

  it('no log group → absent; access denied → denied (never a throw)', async () => {
    const notFound = Object.assign(new Error('The specified log group does not exist.'), { name: 'ResourceNotFoundException', $metadata: { httpStatusCode: 400 } });
    expect(await readAwsAuthHistory(client([], { error: notFound }).client, query)).toMatchObject({ ok: false, problem: 'absent' });
    const denied = Object.assign(new Error('User is not authorized to perform: logs:FilterLogEvents'), { name: 'AccessDeniedException', $metadata: { httpStatusCode: 400 } });
    expect(await readAwsAuthHistory(client([], { error: denied }).client, query)).toMatchObject({ ok: false, problem: 'denied' });
  });
});
