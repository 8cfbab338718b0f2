/**
 * CloudTrail `LookupEvents` (JSON 1.1, `X-Amz-Target: com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101.LookupEvents`;
 * botocore data/cloudtrail/2013-11-01/service-2.json): one optional lookup attribute, `StartTime`/`EndTime`
 * in epoch seconds, `MaxResults` 1–50 (default 50), `NextToken` valid only with the same parameters,
 * newest event first, only the Region the call is signed for. "The rate of lookup requests is limited to
 * two per second, per account, per Region. If this limit is exceeded, a throttling error occurs."
 */
import { createHash } from 'node:crypto';
import type { JsonReply, ServiceContext } from './aws-request.js';
import { CLOUDTRAIL_RETENTION_DAYS, type CloudTrailRecord } from './cloudtrail-store.js';
import { DAY_MS } from './timeline.js';

export const CLOUDTRAIL_TARGET_PREFIX = 'com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101.';
/**
 * The X-Amz-Target prefixes CloudTrail answers: botocore sends its service model's full targetPrefix,
 * the AWS SDK for JavaScript v3 (AwsJson1_1Protocol) the short service shape name.
 */
export const CLOUDTRAIL_TARGET_PREFIXES = [CLOUDTRAIL_TARGET_PREFIX, 'CloudTrail_20131101.'] as const;

export type CloudTrailReply = JsonReply & { errorCode?: string };

/** LookupAttributeKey enum. */
const ATTRIBUTE: Record<string, (r: CloudTrailRecord, v: string) => boolean> = {
  EventId: (r, v) => r.eventId === v,
  EventName: (r, v) => r.eventName === v,
  EventSource: (r, v) => r.eventSource === v,
  ReadOnly: (r, v) => String(r.readOnly) === v,
  Username: (r, v) => r.username === v,
  ResourceType: (r, v) => r.resources.some((x) => x.ResourceType === v),
  ResourceName: (r, v) => r.resources.some((x) => x.ResourceName === v),
  AccessKeyId: (r, v) => r.accessKeyId === v,
};

const RATE_LIMIT_PER_SECOND = 2;

export function isMutatingCloudTrailOperation(operation: string): boolean {
  return !/^(Lookup|Describe|Get|List)/.test(operation);
}

function err(code: string, message: string, status = 400): CloudTrailReply {
  return { status, body: { __type: code, message }, errorCode: code };
}

export class CloudTrailApi {
  /** Admitted LookupEvents calls per account and Region, for the 2-per-second limit. */
  private readonly admitted = new Map<string, number[]>();

  constructor(private readonly ctx: ServiceContext) {}

  /** The rate limit: true when this call is over it (the caller answers ThrottlingException). */
  throttled(account: string, region: string, now = Date.now()): boolean {
    const key = `${account}/${region}`;
    const recent = (this.admitted.get(key) ?? []).filter((t) => now - t < 1000);
    if (recent.length >= RATE_LIMIT_PER_SECOND) {
      this.admitted.set(key, recent);
      return true;
    }
    recent.push(now);
    this.admitted.set(key, recent);
    return false;
  }

  handle(body: string, operation: string, region: string): CloudTrailReply {
    let input: Record<string, unknown>;
    try {
      input = body.trim() === '' ? {} : (JSON.parse(body) as Record<string, unknown>);
      if (typeof input !== 'object' || input === null || Array.isArray(input)) throw new Error('not an object');
    } catch {
      return err('SerializationException', 'Start of structure or map found where not expected.');
    }
    if (operation !== 'LookupEvents') return err('UnknownOperationException', `The operation ${operation} is not supported by this emulator.`);
    return this.lookupEvents(input, region);
  }

  private lookupEvents(input: Record<string, unknown>, region: string): CloudTrailReply {
    const now = Date.now();
    const attrs = input.LookupAttributes === undefined ? [] : input.LookupAttributes;
    if (!Array.isArray(attrs)) return err('InvalidLookupAttributesException', 'LookupAttributes must be a list.');
    if (attrs.length > 1) return err('InvalidLookupAttributesException', 'You can specify only one lookup attribute.');
    let match: (r: CloudTrailRecord) => boolean = () => true;
    if (attrs.length === 1) {
      const a = attrs[0] as { AttributeKey?: unknown; AttributeValue?: unknown };
      const test = typeof a?.AttributeKey === 'string' ? ATTRIBUTE[a.AttributeKey] : undefined;
      if (!test || typeof a.AttributeValue !== 'string') return err('InvalidLookupAttributesException', `Invalid lookup attribute: ${String(a?.AttributeKey)}`);
      const value = a.AttributeValue;
      match = (r) => test(r, value);
    }
    const seconds = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v * 1000 : undefined);
    const start = seconds(input.StartTime) ?? now - CLOUDTRAIL_RETENTION_DAYS * DAY_MS;
    const end = seconds(input.EndTime) ?? now;
    if ((input.StartTime !== undefined && seconds(input.StartTime) === undefined) || (input.EndTime !== undefined && seconds(input.EndTime) === undefined) || start > end) {
      return err('InvalidTimeRangeException', 'Start time must be before end time.');
    }
    const max = input.MaxResults === undefined ? 50 : input.MaxResults;
    if (typeof max !== 'number' || !Number.isInteger(max) || max < 1 || max > 50) return err('InvalidMaxResultsException', 'MaxResults must be between 1 and 50.');
    const category = input.EventCategory;
    if (category !== undefined && category !== 'insight') return err('InvalidEventCategoryException', `Invalid EventCategory: ${String(category)}`);

    // Same parameters or no token: CloudTrail's tokens are bound to the lookup that made them.
    const binding = createHash('sha256').update(JSON.stringify([attrs, input.StartTime ?? null, input.EndTime ?? null, category ?? null])).digest('hex').slice(0, 16);
    let after: Cursor | undefined;
    if (input.NextToken !== undefined) {
      after = parseToken(input.NextToken);
      if (!after || after.b !== binding) return err('InvalidNextTokenException', 'Invalid NextToken.');
    }
    // Newest first; the cursor is the last event returned (its time and insertion order), so pages stay
    // stable while new events arrive. The emulator records no Insights events.
    const candidates =
      category === 'insight'
        ? []
        : this.ctx.state.cloudtrail.records
            .map((r, i) => ({ r, i }))
            .filter(({ r, i }) => r.awsRegion === region && r.eventTime >= start && r.eventTime <= end && match(r) && (!after || r.eventTime < after.t || (r.eventTime === after.t && i < after.i)))
            .sort((a, b) => b.r.eventTime - a.r.eventTime || b.i - a.i);
    const page = candidates.slice(0, max);
    const last = page.at(-1);
    const next: Cursor | undefined = candidates.length > page.length && last ? { b: binding, t: last.r.eventTime, i: last.i } : undefined;
    return {
      status: 200,
      body: {
        Events: page.map(({ r }) => ({
          EventId: r.eventId,
          EventName: r.eventName,
          ReadOnly: String(r.readOnly),
          AccessKeyId: r.accessKeyId,
          EventTime: r.eventTime / 1000,
          EventSource: r.eventSource,
          Username: r.username,
          Resources: r.resources,
          CloudTrailEvent: JSON.stringify(r.event),
        })),
        ...(next && { NextToken: Buffer.from(JSON.stringify(next)).toString('base64') }),
      },
    };
  }
}

interface Cursor {
  /** Which lookup the token belongs to. */
  b: string;
  t: number;
  i: number;
}

function parseToken(token: unknown): Cursor | undefined {
  if (typeof token !== 'string') return undefined;
  try {
    const c = JSON.parse(Buffer.from(token, 'base64').toString('utf8')) as Partial<Cursor>;
    return typeof c.b === 'string' && typeof c.t === 'number' && typeof c.i === 'number' ? { b: c.b, t: c.t, i: c.i } : undefined;
  } catch {
    return undefined;
  }
}
