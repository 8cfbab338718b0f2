/**
 * CloudWatch Logs JSON 1.1 API (`X-Amz-Target: Logs_20140328.<Op>`, botocore data/logs/2014-03-28/service-2.json):
 * DescribeLogGroups, DescribeLogStreams, StartQuery/GetQueryResults (Insights), FilterLogEvents.
 * StartQuery times are epoch seconds, FilterLogEvents epoch milliseconds.
 */
import { randomUUID } from 'node:crypto';
import type { AwsRequest, JsonReply, ServiceContext } from './aws-request.js';
import type { LogGroup } from './logs-store.js';
import { paginate } from './pagination.js';
import {
  isSupportedFilterPattern,
  matchesFilterPattern,
  parseInsightsQuery,
  QuerySyntaxError,
  runInsightsQuery,
  type InsightsResult,
  type QueryRecord,
} from './logs-query.js';

export type LogsReply = JsonReply & { errorCode?: string };

/** Operations that only read (StartQuery is the one write eksdoctor may make: SPEC §1). */
const READ_OPERATIONS = new Set([
  'DescribeLogGroups',
  'DescribeLogStreams',
  'StartQuery',
  'GetQueryResults',
  'StopQuery',
  'FilterLogEvents',
  'GetLogEvents',
  'DescribeQueries',
  'ListTagsLogGroup',
  'ListTagsForResource',
]);

export function isMutatingLogsOperation(operation: string): boolean {
  return !READ_OPERATIONS.has(operation);
}

interface StoredQuery {
  result: InsightsResult;
  polls: number;
  bytesScanned: number;
  recordsScanned: number;
}

/** Insights queries per emulator; kept on the handler so `GetQueryResults` finds `StartQuery`'s ID. */
export class LogsApi {
  private readonly queries = new Map<string, StoredQuery>();

  constructor(private readonly ctx: ServiceContext) {}

  handle(req: AwsRequest, operation: string): LogsReply {
    let input: Record<string, unknown>;
    try {
      input = req.body.trim() === '' ? {} : (JSON.parse(req.body) as Record<string, unknown>);
      if (typeof input !== 'object' || input === null || Array.isArray(input)) throw new Error('not an object');
    } catch {
      return err(400, 'SerializationException', 'Start of structure or map found where not expected.');
    }
    if (isMutatingLogsOperation(operation)) {
      return err(400, 'UnknownOperationException', `The operation ${operation} is not supported by this emulator (it serves the Logs reads eksdoctor makes).`);
    }
    switch (operation) {
      case 'DescribeLogGroups':
        return this.describeLogGroups(req, input);
      case 'DescribeLogStreams':
        return this.describeLogStreams(req, input);
      case 'StartQuery':
        return this.startQuery(req, input);
      case 'GetQueryResults':
        return this.getQueryResults(req, input);
      case 'FilterLogEvents':
        return this.filterLogEvents(req, input);
      default:
        return err(400, 'UnknownOperationException', `The operation ${operation} is not supported by this emulator.`);
    }
  }

  private groupArn(name: string): string {
    const { region, account } = this.ctx.state.scenario;
    return `arn:aws:logs:${region}:${account}:log-group:${name}`;
  }

  /** `logGroupName`, or `logGroupIdentifier` (a name or an ARN). */
  private findGroup(input: Record<string, unknown>): { name: string; group?: LogGroup } | LogsReply {
    const raw = str(input.logGroupName) ?? str(input.logGroupIdentifier);
    if (!raw) return err(400, 'InvalidParameterException', 'Either logGroupName or logGroupIdentifier must be specified.');
    const name = raw.startsWith('arn:') ? raw.split(':log-group:')[1]?.replace(/:\*$/, '') ?? raw : raw;
    return { name, group: this.ctx.state.logs.group(name) };
  }

  private describeLogGroups(req: AwsRequest, input: Record<string, unknown>): LogsReply {
    const prefix = str(input.logGroupNamePrefix);
    const pattern = str(input.logGroupNamePattern);
    const groups = this.ctx.state.logs.groups.filter(
      (g) => (!prefix || g.logGroupName.startsWith(prefix)) && (!pattern || g.logGroupName.toLowerCase().includes(pattern.toLowerCase())),
    );
    const page = paginate(groups, clampLimit(input.limit, 50), str(input.nextToken));
    if (page === 'bad-token') return err(400, 'InvalidParameterException', 'The specified nextToken is not valid.');
    return {
      status: 200,
      body: {
        logGroups: page.page.map((g) => ({
          logGroupName: g.logGroupName,
          creationTime: g.creationTime,
          ...(g.retentionInDays && { retentionInDays: g.retentionInDays }),
          metricFilterCount: 0,
          arn: `${this.groupArn(g.logGroupName)}:*`,
          storedBytes: g.streams.reduce((n, s) => n + s.events.reduce((m, e) => m + e.message.length, 0), 0),
          logGroupClass: 'STANDARD',
          logGroupArn: this.groupArn(g.logGroupName),
        })),
        nextToken: page.nextToken,
      },
    };
  }

  private describeLogStreams(req: AwsRequest, input: Record<string, unknown>): LogsReply {
    const found = this.findGroup(input);
    if ('status' in found) return found;
    if (!found.group) return err(400, 'ResourceNotFoundException', 'The specified log group does not exist.');
    const prefix = str(input.logStreamNamePrefix);
    const byTime = input.orderBy === 'LastEventTime';
    if (byTime && prefix) return err(400, 'InvalidParameterException', 'Cannot order by LastEventTime with a logStreamNamePrefix.');
    let streams = found.group.streams.filter((s) => !prefix || s.logStreamName.startsWith(prefix));
    const last = (s: (typeof streams)[number]) => s.events.at(-1)?.timestamp ?? 0;
    streams = streams.slice().sort((a, b) => (byTime ? last(a) - last(b) : a.logStreamName.localeCompare(b.logStreamName)));
    if (input.descending === true) streams.reverse();
    const page = paginate(streams, clampLimit(input.limit, 50), str(input.nextToken));
    if (page === 'bad-token') return err(400, 'InvalidParameterException', 'The specified nextToken is not valid.');
    return {
      status: 200,
      body: {
        logStreams: page.page.map((s) => ({
          logStreamName: s.logStreamName,
          creationTime: s.creationTime,
          ...(s.events.length > 0
            ? {
                firstEventTimestamp: s.events[0]!.timestamp,
                lastEventTimestamp: s.events.at(-1)!.timestamp,
                lastIngestionTime: s.events.at(-1)!.ingestionTime,
              }
            : {}),
          arn: `${this.groupArn(found.name)}:log-stream:${s.logStreamName}`,
          storedBytes: 0,
        })),
        nextToken: page.nextToken,
      },
    };
  }

  private startQuery(req: AwsRequest, input: Record<string, unknown>): LogsReply {
    const names = [
      ...strList(input.logGroupNames),
      ...strList(input.logGroupIdentifiers).map((n) => (n.startsWith('arn:') ? n.split(':log-group:')[1]!.replace(/:\*$/, '') : n)),
      ...(str(input.logGroupName) ? [str(input.logGroupName)!] : []),
    ];
    if (names.length === 0) return err(400, 'InvalidParameterException', 'Log group names or identifiers must be specified.');
    const startTime = num(input.startTime);
    const endTime = num(input.endTime);
    const queryString = str(input.queryString);
    if (startTime === undefined || endTime === undefined || !queryString) {
      return err(400, 'InvalidParameterException', 'startTime, endTime and queryString are required.');
    }
    if (endTime < startTime) return err(400, 'InvalidParameterException', 'End time should not be before the start time');
    // Epoch seconds; a millisecond value here is the classic bug and yields a range in the far future.
    const fromMs = startTime * 1000;
    const toMs = endTime * 1000 + 999;
    const records: QueryRecord[] = [];
    for (const name of names) {
      const group = this.ctx.state.logs.group(name);
      if (!group) return err(400, 'ResourceNotFoundException', `Log group '${name}' does not exist for account ID '${this.ctx.state.scenario.account}'`);
      for (const s of group.streams) {
        for (const e of s.events) {
          if (e.timestamp < fromMs || e.timestamp > toMs) continue;
          records.push({
            '@timestamp': e.timestamp,
            '@message': e.message,
            '@logStream': s.logStreamName,
            '@log': `${this.ctx.state.scenario.account}:${name}`,
            '@ingestionTime': e.ingestionTime,
            '@ptr': Buffer.from(`${name}|${s.logStreamName}|${e.eventId}`).toString('base64'),
          });
        }
      }
    }
    let result: InsightsResult;
    try {
      result = runInsightsQuery(parseInsightsQuery(queryString), records, clampLimit(input.limit, 10_000));
    } catch (e) {
      if (e instanceof QuerySyntaxError) return err(400, 'MalformedQueryException', `Query is malformed: ${e.message}`);
      throw e;
    }
    const queryId = randomUUID();
    this.queries.set(queryId, {
      result,
      polls: 0,
      recordsScanned: records.length,
      bytesScanned: records.reduce((n, r) => n + r['@message'].length, 0),
    });
    return { status: 200, body: { queryId } };
  }

  /** First poll answers `Running` with no rows, later polls `Complete`: pollers get exercised. */
  private getQueryResults(req: AwsRequest, input: Record<string, unknown>): LogsReply {
    const queryId = str(input.queryId);
    const q = queryId ? this.queries.get(queryId) : undefined;
    if (!q) return err(400, 'ResourceNotFoundException', 'Query does not exist.');
    q.polls += 1;
    const complete = q.polls > 1;
    return {
      status: 200,
      body: {
        results: complete ? q.result.rows : [],
        statistics: {
          recordsMatched: complete ? q.result.recordsMatched : 0,
          recordsScanned: complete ? q.recordsScanned : 0,
          bytesScanned: complete ? q.bytesScanned : 0,
        },
        status: complete ? 'Complete' : 'Running',
      },
    };
  }

  private filterLogEvents(req: AwsRequest, input: Record<string, unknown>): LogsReply {
    const found = this.findGroup(input);
    if ('status' in found) return found;
    if (!found.group) return err(400, 'ResourceNotFoundException', 'The specified log group does not exist.');
    const names = strList(input.logStreamNames);
    const prefix = str(input.logStreamNamePrefix);
    if (names.length > 0 && prefix) {
      return err(400, 'InvalidParameterException', 'logStreamNames and logStreamNamePrefix are mutually exclusive');
    }
    const pattern = str(input.filterPattern);
    if (!isSupportedFilterPattern(pattern)) return err(400, 'InvalidParameterException', 'Invalid filter pattern');
    const from = num(input.startTime) ?? 0;
    const to = num(input.endTime) ?? Number.MAX_SAFE_INTEGER;
    const streams = found.group.streams.filter(
      (s) => (names.length === 0 || names.includes(s.logStreamName)) && (!prefix || s.logStreamName.startsWith(prefix)),
    );
    const events = streams
      .flatMap((s) =>
        s.events
          .filter((e) => e.timestamp >= from && e.timestamp <= to && matchesFilterPattern(pattern, e.message))
          .map((e) => ({ logStreamName: s.logStreamName, timestamp: e.timestamp, message: e.message, ingestionTime: e.ingestionTime, eventId: e.eventId })),
      )
      .sort((a, b) => a.timestamp - b.timestamp);
    const page = paginate(events, clampLimit(input.limit, 10_000), str(input.nextToken));
    if (page === 'bad-token') return err(400, 'InvalidParameterException', 'The specified nextToken is not valid.');
    return {
      status: 200,
      body: {
        events: page.page,
        searchedLogStreams: streams.map((s) => ({ logStreamName: s.logStreamName, searchedCompletely: true })),
        nextToken: page.nextToken,
      },
    };
  }
}

/** The log group a Logs request names (its IAM resource): logGroupName/Identifier, or the first of the lists. */
export function logGroupNamedBy(body: string): string | undefined {
  let input: Record<string, unknown>;
  try {
    input = JSON.parse(body || '{}') as Record<string, unknown>;
  } catch {
    return undefined;
  }
  const raw = str(input.logGroupName) ?? str(input.logGroupIdentifier) ?? strList(input.logGroupNames)[0] ?? strList(input.logGroupIdentifiers)[0];
  return raw?.startsWith('arn:') ? (raw.split(':log-group:')[1]?.replace(/:\*$/, '') ?? raw) : raw;
}

function err(status: number, code: string, message: string): LogsReply {
  return { status, body: { __type: code, message }, errorCode: code };
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined;
}

function num(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

function strList(v: unknown): string[] {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
}

function clampLimit(v: unknown, max: number): number {
  const n = num(v);
  return n === undefined ? max : Math.max(1, Math.min(max, Math.floor(n)));
}
