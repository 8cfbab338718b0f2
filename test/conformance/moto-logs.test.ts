/**
 * findAuthenticatorEvents against a real CloudWatch Logs wire implementation (moto_server), with both
 * methods. moto ignores Insights `filter` clauses and FilterLogEvents OR patterns and stream prefixes,
 * so every extra line it returns must be dropped by the client-side parsing and matching.
 */
import {
  CloudWatchLogsClient,
  CreateLogGroupCommand,
  CreateLogStreamCommand,
  FilterLogEventsCommand,
  GetQueryResultsCommand,
  PutLogEventsCommand,
  StartQueryCommand,
} from '@aws-sdk/client-cloudwatch-logs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasMoto, startMoto, type Moto } from '../helpers/moto.js';
import type { AuthenticatorEventsOutcome } from '../../src/facts/cloudwatch-logs.js';

function found(r: AuthenticatorEventsOutcome) {
  if (!r.ok) throw new Error(`the search failed: ${r.message}`);
  return r;
}
import { deniedNotMappedLine, deniedTokenLine, grantedLine, stsResponseLine } from '../helpers/authenticator-lines.js';
import {
  authenticatorLogStatus,
  filterPatternFor,
  findAuthenticatorEvents,
  insightsQueryFor,
  type LogsSearchMethod,
} from '../../src/facts/cloudwatch-logs.js';

const moto = hasMoto('moto-logs conformance');

const CLUSTER = 'prod';
const GROUP = `/aws/eks/${CLUSTER}/cluster`;
const STREAM_A = 'authenticator-0123456789abcdef0123456789abcdef';
const STREAM_B = 'authenticator-fedcba9876543210fedcba9876543210';
const API_STREAM = 'kube-apiserver-0123456789abcdef0123456789abcdef';
const ROLE = 'arn:aws:iam::111122223333:role/dev';
const principal = { canonicalArn: 'arn:aws:iam::111122223333:role/team/dev', arn: 'arn:aws:sts::111122223333:assumed-role/dev/alice', accessKeyId: 'ASIAEXAMPLEALICE0001' };

describe.skipIf(!moto)('findAuthenticatorEvents against moto_server', () => {
  let server: Moto | undefined;
  let client: CloudWatchLogsClient;
  const now = Date.now();
  const at = (minutesAgo: number) => now - minutesAgo * 60_000;

  beforeAll(async () => {
    server = await startMoto();
    const endpoint = server.endpoint;
    client = new CloudWatchLogsClient({
      region: 'us-west-2',
      endpoint,
      credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
    });

    // Test setup only: the product never writes to CloudWatch Logs.
    await client.send(new CreateLogGroupCommand({ logGroupName: GROUP }));
    for (const logStreamName of [STREAM_A, STREAM_B, API_STREAM]) await client.send(new CreateLogStreamCommand({ logGroupName: GROUP, logStreamName }));
    const put = async (logStreamName: string, events: { minutesAgo: number; message: string }[]) => {
      const sorted = events.map((e) => ({ timestamp: at(e.minutesAgo), message: e.message })).sort((a, b) => a.timestamp - b.timestamp);
      await client.send(new PutLogEventsCommand({ logGroupName: GROUP, logStreamName, logEvents: sorted }));
    };
    const client1 = '127.0.0.1:40001';
    await put(STREAM_A, [
      // The principal: granted 30 min ago (session bob), then denied 5 min ago after aws-auth changed.
      { minutesAgo: 30, message: stsResponseLine({ time: new Date(at(30)), arn: 'arn:aws:sts::111122223333:assumed-role/dev/bob', accountId: '111122223333', userId: 'AROAEXAMPLEDEV', session: 'bob', accessKeyId: 'ASIAEXAMPLEBOB000001', client: client1 }) },
      { minutesAgo: 30, message: grantedLine({ time: new Date(at(30)), arn: ROLE, client: client1, groups: ['developers'], uid: 'aws-iam-authenticator:111122223333:AROAEXAMPLEDEV', username: 'dev' }) },
      { minutesAgo: 5, message: stsResponseLine({ time: new Date(at(5)), arn: principal.arn, accountId: '111122223333', userId: 'AROAEXAMPLEDEV', session: 'alice', accessKeyId: principal.accessKeyId, client: client1 }) },
      { minutesAgo: 5, message: deniedNotMappedLine({ time: new Date(at(5)), arn: ROLE, client: client1, wording: 'identity is not mapped' }) },
      // Someone else, and a token nobody can be named for.
      { minutesAgo: 4, message: grantedLine({ time: new Date(at(4)), arn: 'arn:aws:iam::111122223333:role/ops', client: client1, groups: ['system:masters'], uid: 'aws-iam-authenticator:111122223333:AROAEXAMPLEOPS', username: 'ops' }) },
      { minutesAgo: 3, message: deniedTokenLine({ time: new Date(at(3)), client: client1, error: 'input token was not properly formatted: X-Amz-Date parameter is expired (15 minute expiration) 2026-11-25 18:40:12 +0000 UTC' }) },
      // Outside the one-hour window.
      { minutesAgo: 120, message: deniedNotMappedLine({ time: new Date(at(120)), arn: ROLE, client: client1, wording: 'identity is not mapped' }) },
    ]);
    await put(STREAM_B, [
      { minutesAgo: 10, message: deniedNotMappedLine({ time: new Date(at(10)), arn: 'arn:aws:iam::111122223333:role/DEV', client: client1, wording: 'Identity is not mapped' }) },
      { minutesAgo: 9, message: 'not a logrus line at all' },
    ]);
    // Mentions the role, but is not an authenticator stream.
    await put(API_STREAM, [{ minutesAgo: 2, message: `level=warning msg="access denied" arn="${ROLE}" error="identity is not mapped"` }]);
  });

  afterAll(async () => {
    await server?.stop();
  });

  it.each(['filter', 'insights'] as LogsSearchMethod[])('finds exactly the principal’s events with %s', async (method) => {
    const result = found(await findAuthenticatorEvents(client, {
      cluster: CLUSTER,
      principal,
      sinceMs: at(60),
      nowMs: now + 1000,
      deadlineMs: Date.now() + 20_000,
      method,
    }));
    expect(result.method).toBe(method);
    expect(result.denied).toBeUndefined();
    const rows = result.events.map((e) => [e.outcome, e.reason ?? '', e.arn, e.stream, e.timestamp] as const);
    // Newest first; the two lines of one request share a timestamp, so compare those as a set.
    expect(rows.map((r) => r[4])).toEqual([at(5), at(5), at(10), at(30), at(30)]);
    expect([...rows].sort()).toEqual(
      [
        ['denied', 'not-mapped', ROLE, STREAM_A, at(5)],
        ['denied', 'not-mapped', 'arn:aws:iam::111122223333:role/DEV', STREAM_B, at(10)],
        ['granted', '', ROLE, STREAM_A, at(30)],
        ['sts-response', '', 'arn:aws:sts::111122223333:assumed-role/dev/bob', STREAM_A, at(30)],
        ['sts-response', '', principal.arn, STREAM_A, at(5)],
      ].sort(),
    );
    expect(result.events.find((e) => e.outcome === 'granted')).toMatchObject({ username: 'dev', groups: ['developers'] });
    expect(result.unattributed.map((e) => [e.reason, e.timestamp])).toEqual([['token-expired', at(3)]]);
  });

  it('moto returns lines of other principals and streams: the narrowing above is client-side', async () => {
    const { queryId } = await client.send(
      new StartQueryCommand({ logGroupName: GROUP, startTime: Math.floor(at(60) / 1000), endTime: Math.ceil(now / 1000) + 1, queryString: insightsQueryFor(principal) }),
    );
    const rows = (await client.send(new GetQueryResultsCommand({ queryId }))).results ?? [];
    const messages = rows.map((r) => r.find((f) => f.field === '@message')?.value ?? '');
    expect(messages.some((m) => m.includes('role/ops'))).toBe(true);
    expect(rows.some((r) => r.find((f) => f.field === '@logStream')?.value === API_STREAM)).toBe(true);
    const filtered = await client.send(
      new FilterLogEventsCommand({ logGroupName: GROUP, logStreamNamePrefix: 'authenticator', startTime: at(60), endTime: now + 1000, filterPattern: filterPatternFor(principal) }),
    );
    expect((filtered.events ?? []).some((e) => e.message?.includes('role/ops'))).toBe(true);
  });

  it.each(['filter', 'insights'] as LogsSearchMethod[])('reports a missing log group with %s', async (method) => {
    const result = found(await findAuthenticatorEvents(client, {
      cluster: 'no-such-cluster',
      principal,
      sinceMs: at(60),
      nowMs: now,
      deadlineMs: Date.now() + 20_000,
      method,
    }));
    expect(result).toMatchObject({ events: [], groupMissing: true, method });
  });

  it('authenticatorLogStatus sees the group and its authenticator streams', async () => {
    expect(await authenticatorLogStatus(client, CLUSTER)).toEqual({ ok: true, groupExists: true, streamsExist: true });
    expect(await authenticatorLogStatus(client, 'no-such-cluster')).toEqual({ ok: true, groupExists: false, streamsExist: false });
  });
});
