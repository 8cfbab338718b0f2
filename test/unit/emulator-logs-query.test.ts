import { describe, expect, it } from 'vitest';
import {
  formatInsightsTime,
  matchesFilterPattern,
  parseInsightsQuery,
  QuerySyntaxError,
  runInsightsQuery,
  type QueryRecord,
} from '../../packages/eks-emulator/src/logs-query.js';

const T0 = Date.UTC(2026, 10, 25, 3, 0, 0);
function rec(stream: string, minutes: number, message: string): QueryRecord {
  return {
    '@timestamp': T0 + minutes * 60_000,
    '@message': message,
    '@logStream': stream,
    '@log': '111122223333:/aws/eks/prod/cluster',
    '@ingestionTime': T0 + minutes * 60_000 + 500,
    '@ptr': `ptr-${stream}-${minutes}`,
  };
}
const AUTH = 'authenticator-0123456789abcdef0123456789abcdef';
const API = 'kube-apiserver-0123456789abcdef0123456789abcdef';
const records = [
  rec(AUTH, 1, 'level=warning msg="access denied" arn="arn:aws:iam::111122223333:role/eks-ci-runner" error="identity is not mapped"'),
  rec(API, 2, 'I1125 audit something about access denied'),
  rec(AUTH, 3, 'level=info msg="access granted" arn="arn:aws:iam::111122223333:user/cluster-admin" username=cluster-admin'),
  rec(AUTH, 4, 'level=warning msg="access denied" arn="arn:aws:iam::111122223333:user/alice" error="ARN is not mapped"'),
];
const values = (rows: { field: string; value: string }[][], field: string) => rows.map((r) => r.find((c) => c.field === field)?.value);

describe('Logs Insights query engine', () => {
  it('runs the EKS runbook query: authenticator stream only, newest first, limited', () => {
    const q = 'fields @logStream, @timestamp, @message | sort @timestamp desc | filter @logStream like /authenticator/ | limit 2';
    const r = runInsightsQuery(parseInsightsQuery(q), records);
    expect(values(r.rows, '@timestamp')).toEqual([formatInsightsTime(T0 + 4 * 60_000), formatInsightsTime(T0 + 3 * 60_000)]);
    expect(r.rows[0]!.map((c) => c.field)).toEqual(['@logStream', '@timestamp', '@message', '@ptr']);
    expect(r.recordsMatched).toBe(3);
  });

  it('narrows to a principal with @message like, combined with and / or / not', () => {
    const q = 'filter @logStream like /authenticator/ and (@message like /eks-ci-runner/ or @message like "user/alice") and not @message like /granted/';
    const r = runInsightsQuery(parseInsightsQuery(q), records);
    expect(values(r.rows, '@ptr')).toEqual([`ptr-${AUTH}-1`, `ptr-${AUTH}-4`]);
  });

  it('defaults to @timestamp and @message and honours a regex flag and =~', () => {
    const r = runInsightsQuery(parseInsightsQuery('filter @message =~ /ACCESS GRANTED/i'), records);
    expect(r.rows).toHaveLength(1);
    expect(r.rows[0]!.map((c) => c.field)).toEqual(['@timestamp', '@message', '@ptr']);
  });

  it('applies commands in order (limit before filter keeps fewer rows)', () => {
    const first = runInsightsQuery(parseInsightsQuery('limit 2 | filter @logStream like /authenticator/'), records);
    expect(first.rows).toHaveLength(1);
  });

  it('caps rows with the StartQuery limit when the query has none', () => {
    expect(runInsightsQuery(parseInsightsQuery('fields @message'), records, 3).rows).toHaveLength(3);
  });

  it('keeps | inside a regex literal', () => {
    const r = runInsightsQuery(parseInsightsQuery('filter @message like /granted|ARN is not/'), records);
    expect(r.rows).toHaveLength(2);
  });

  it.each(['stats count(*) by bin(5m)', 'filter @message like /unterminated', 'limit 0', 'sort', 'filter @message ~~ "x"'])(
    'rejects what it cannot run: %s',
    (q) => {
      expect(() => parseInsightsQuery(q)).toThrow(QuerySyntaxError);
    },
  );

  it('formats times as Logs Insights does', () => {
    expect(formatInsightsTime(T0 + 1234)).toBe('2026-11-25 03:00:01.234');
  });
});

describe('FilterLogEvents filter patterns', () => {
  const line = 'level=warning msg="access denied" arn="arn:aws:iam::111122223333:role/dev" error="identity is not mapped"';
  it.each([
    [undefined, true],
    ['', true],
    ['"access denied"', true],
    ['"access granted"', false],
    ['access denied', true], // two terms, both present
    ['access granted', false],
    ['"access denied" role/dev', true],
    ['?granted ?denied', true],
    ['?granted ?nothing', false],
    ['"access denied" -"identity is not mapped"', false],
    ['denied -granted', true],
  ])('%j → %s', (pattern, expected) => {
    expect(matchesFilterPattern(pattern, line)).toBe(expected);
  });
});
