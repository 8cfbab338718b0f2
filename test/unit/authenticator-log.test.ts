import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { matchesPrincipal, parseAuthenticatorLine, type AuthenticatorEvent } from '../../src/facts/authenticator-log.js';
import { deniedNotMappedLine, deniedTokenLine, formatAuthenticatorLine, goQuote, grantedLine, stsResponseLine } from '../helpers/authenticator-lines.js';
import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { filterPatternFor, findAuthenticatorEvents, insightsQueryFor, type AuthenticatorEventsOutcome } from '../../src/facts/cloudwatch-logs.js';
import { findRule, type CatalogRule, type EvidenceOf, type RuleId } from '../../src/rules/index.js';
import type { Target } from '../../src/rules/rule.js';
import { cpuTimeMs, endedAfter } from '../helpers/timing.js';

/** A search that answered (denied or not); a failed one fails the test with its message. */
function found(r: AuthenticatorEventsOutcome) {
  if (!r.ok) throw new Error(`the search failed: ${r.message}`);
  return r;
}

interface Sample {
  source: string;
  line: string;
  expect: Partial<AuthenticatorEvent>;
}

// Real lines (repost.aws, EKS docs, GitHub issues) and lines built from the server's source, per version.
const samples: Sample[] = readFileSync(new URL('../../fixtures/logs/authenticator-lines.jsonl', import.meta.url), 'utf8')
  .split('\n')
  .filter((l) => l.trim() !== '')
  .map((l) => JSON.parse(l) as Sample);

function parsed(line: string): AuthenticatorEvent {
  const event = parseAuthenticatorLine(line);
  if (!event) throw new Error(`not parsed: ${line}`);
  return event;
}

describe('parseAuthenticatorLine on lines of every authenticator version', () => {
  it.each(samples.map((s) => [s.source, s] as const))('%s', (_source, sample) => {
    expect(parsed(sample.line)).toMatchObject(sample.expect);
  });

  it('leaves out arn on token rejections (the server logs them before it knows the identity)', () => {
    for (const s of samples.filter((x) => x.expect.reason && x.expect.reason !== 'not-mapped' && x.expect.reason !== 'other')) {
      expect(parsed(s.line).arn).toBeUndefined();
    }
  });

  it('unescapes Go-quoted values', () => {
    const event = parsed(String.raw`time="2026-11-25T19:00:00Z" level=info msg="starting mapper \"EKSConfigMap\"" note="tab\there\\ \u00e9 \x41 \101 \U0001F600"`);
    expect(event.msg).toBe('starting mapper "EKSConfigMap"');
    expect(event.fields.note).toBe('tab\there\\ é A A 😀');
    expect(event.outcome).toBe('other');
  });

  it('keeps the first of repeated keys and ignores words without =', () => {
    const event = parsed('prefix: msg="access granted" arn=arn:aws:iam::1:user/a arn=arn:aws:iam::1:user/b');
    expect(event.arn).toBe('arn:aws:iam::1:user/a');
  });

  it('does not let an injected key inside a quoted value become a field', () => {
    const event = parsed(String.raw`level=warning msg="access denied" client="127.0.0.1:1" error="input token was not properly formatted: unexpected hostname \"x arn=arn:aws:iam::1:role/admin\" in pre-signed URL" method=POST path=/authenticate`);
    expect(event.arn).toBeUndefined();
    expect(event.reason).toBe('token-malformed');
  });

  it('returns undefined for text that is not a logrus line', () => {
    expect(parseAuthenticatorLine('')).toBeUndefined();
    expect(parseAuthenticatorLine('I1125 19:00:00.000000 1 server.go:1] hello')).toBeUndefined();
    expect(parseAuthenticatorLine(undefined as unknown as string)).toBeUndefined();
  });

  it('keeps __proto__ and constructor as plain keys', () => {
    const event = parsed('msg=x __proto__=polluted constructor=y');
    expect(event.fields.__proto__).toBe('polluted');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('bounds the work on a huge line', () => {
    const huge = 'msg="access denied" error="' + 'a\\"'.repeat(2_000_000) + '" arn=arn:aws:iam::1:role/late';
    const { result: event, cpuMs } = cpuTimeMs(() => parsed(huge));
    expect(cpuMs).toBeLessThan(1000);
    expect(event.arn).toBeUndefined(); // beyond MAX_PARSED_LINE_CHARS
  });
});

describe('formatAuthenticatorLine writes what logrus writes', () => {
  // Every sample the server wrote itself in UTC (no kubectl prefix) must come back byte for byte.
  const verbatim = samples.filter((s) => s.line.startsWith('time="') && /^time="[^"]+Z"/.test(s.line));

  it.each(verbatim.map((s) => [s.source, s] as const))('reproduces: %s', (_source, sample) => {
    const event = parsed(sample.line);
    const { time, level, msg, ...fields } = event.fields;
    const line = formatAuthenticatorLine({ time: new Date(time), level: level as 'info' | 'warning', msg, fields });
    expect(line).toBe(sample.line);
  });

  it('sorts keys, quotes only outside [A-Za-z0-9-._/@^+], leaves empty values bare', () => {
    const line = formatAuthenticatorLine({
      time: new Date('2026-11-25T19:20:00.123Z'),
      level: 'info',
      msg: 'STS response',
      fields: { userid: 'AIDAEXAMPLE', session: '', arn: 'arn:aws:iam::1:user/a', path: '/authenticate', plus: 'a+b^c@d' },
    });
    expect(line).toBe('time="2026-11-25T19:20:00Z" level=info msg="STS response" arn="arn:aws:iam::1:user/a" path=/authenticate plus=a+b^c@d session= userid=AIDAEXAMPLE');
  });

  it('renames fields that clash with time, level and msg (logrus prefixFieldClashes)', () => {
    const line = formatAuthenticatorLine({ time: new Date(0), level: 'warning', msg: 'm', fields: { msg: 'x', level: 'y' } });
    expect(line).toBe('time="1970-01-01T00:00:00Z" level=warning msg=m fields.level=y fields.msg=x');
  });

  it.each([
    ['plain', '"plain"'],
    ['say "hi"\\', String.raw`"say \"hi\"\\"`],
    ['\x07\b\f\n\r\t\v\x00\x7f', String.raw`"\a\b\f\n\r\t\v\x00\x7f"`],
    ['é 😀 中', '"é 😀 中"'],
    ['\u00a0\u200b\u0085', String.raw`"\u00a0\u200b\u0085"`],
    ['\u{e0001}', String.raw`"\U000e0001"`],
  ])('goQuote(%j) is Go strconv.Quote', (input, output) => {
    expect(goQuote(input)).toBe(output);
  });
});

describe('line helpers match the server field sets', () => {
  const time = new Date('2026-11-25T19:20:00Z');

  it('grantedLine', () => {
    expect(
      grantedLine({ time, arn: 'arn:aws:iam::111122223333:role/dev', client: '127.0.0.1:51234', groups: ['system:masters', 'dev'], uid: 'aws-iam-authenticator:111122223333:AROAEXAMPLE', username: 'dev' }),
    ).toBe(
      'time="2026-11-25T19:20:00Z" level=info msg="access granted" arn="arn:aws:iam::111122223333:role/dev" client="127.0.0.1:51234" groups="[system:masters dev]" method=POST path=/authenticate uid="aws-iam-authenticator:111122223333:AROAEXAMPLE" username=dev',
    );
  });

  it.each(['identity is not mapped', 'Identity is not mapped', 'ARN is not mapped'] as const)('deniedNotMappedLine(%s)', (wording) => {
    const line = deniedNotMappedLine({ time, arn: 'arn:aws:iam::111122223333:role/dev', client: '127.0.0.1:51234', wording, stsEndpoint: 'sts.us-west-2.amazonaws.com' });
    expect(line).toBe(
      `time="2026-11-25T19:20:00Z" level=warning msg="access denied" arn="arn:aws:iam::111122223333:role/dev" client="127.0.0.1:51234" error="${wording}" method=POST path=/authenticate stsendpoint=sts.us-west-2.amazonaws.com`,
    );
    expect(parsed(line)).toMatchObject({ outcome: 'denied', reason: 'not-mapped', arn: 'arn:aws:iam::111122223333:role/dev' });
  });

  it('deniedTokenLine has no arn', () => {
    const line = deniedTokenLine({ time, client: '127.0.0.1:51234', error: 'input token was not properly formatted: token is too large' });
    expect(line).toBe('time="2026-11-25T19:20:00Z" level=warning msg="access denied" client="127.0.0.1:51234" error="input token was not properly formatted: token is too large" method=POST path=/authenticate');
    expect(parsed(line)).toMatchObject({ outcome: 'denied', reason: 'token-malformed' });
    expect(parsed(line).arn).toBeUndefined();
  });

  it('stsResponseLine carries the session ARN and the access key', () => {
    const line = stsResponseLine({ time, arn: 'arn:aws:sts::111122223333:assumed-role/dev/alice', accountId: '111122223333', userId: 'AROAEXAMPLE', session: 'alice', accessKeyId: 'ASIAEXAMPLE', client: '127.0.0.1:51234' });
    expect(line).toBe('time="2026-11-25T19:20:00Z" level=info msg="STS response" accesskeyid=ASIAEXAMPLE accountid=111122223333 arn="arn:aws:sts::111122223333:assumed-role/dev/alice" client="127.0.0.1:51234" method=POST path=/authenticate session=alice userid=AROAEXAMPLE');
    expect(parsed(line)).toMatchObject({ outcome: 'sts-response', accessKeyId: 'ASIAEXAMPLE' });
  });
});

describe('properties', () => {
  const runs = { numRuns: Number(process.env.PROPERTY_RUNS) || 300, seed: 20261125 };

  it('parseAuthenticatorLine never throws, on any string or logfmt-like soup', () => {
    const anyChar = fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c));
    const token = fc.constantFrom('msg=', 'arn=', 'error=', 'groups=', '"', '\\', '\\u', '\\x4', '\\U0010ffff', '\\777', ' ', '=', 'access denied', 'access granted', '[', ']', 'identity is not mapped', 'sts getCallerIdentity failed');
    fc.assert(
      fc.property(fc.oneof(fc.string({ unit: anyChar, maxLength: 300 }), fc.array(token, { maxLength: 60 }).map((t) => t.join(''))), (line) => {
        const event = parseAuthenticatorLine(line);
        if (event) {
          expect(typeof event.msg).toBe('string');
          matchesPrincipal(event, { canonicalArn: 'arn:aws:iam::1:role/r', accessKeyId: 'AKIA' });
        }
      }),
      runs,
    );
  });

  it('format → parse gives back every field', () => {
    const key = fc.stringMatching(/^[a-z][a-z0-9_.]{0,11}$/).filter((k) => k !== 'time' && k !== 'level' && k !== 'msg');
    const value = fc.string({ unit: 'binary', maxLength: 40 });
    fc.assert(
      fc.property(fc.dictionary(key, value, { maxKeys: 8 }), value, fc.date({ min: new Date(0), max: new Date(4e12), noInvalidDate: true }), (fields, msg, time) => {
        const line = formatAuthenticatorLine({ time, level: 'info', msg: msg || 'm', fields });
        const event = parsed(line);
        expect(event.msg).toBe(msg || 'm');
        expect(event.time).toBe(time.toISOString().replace(/\.\d{3}Z$/, 'Z'));
        for (const [k, v] of Object.entries(fields)) expect(event.fields[k]).toBe(v);
      }),
      runs,
    );
  });
});

describe('matchesPrincipal', () => {
  const role = { canonicalArn: 'arn:aws:iam::111122223333:role/team/dev', arn: 'arn:aws:sts::111122223333:assumed-role/dev/alice', accessKeyId: 'ASIAEXAMPLE1' };
  const line = (fields: string) => parsed(`level=info msg="access granted" ${fields}`);

  it.each([
    ['the canonical role ARN (path dropped by the authenticator)', 'arn="arn:aws:iam::111122223333:role/dev"', role, true],
    ['the same ARN in another case', 'arn="ARN:AWS:IAM::111122223333:ROLE/DEV"', role, true],
    ['another session of the role', 'arn="arn:aws:sts::111122223333:assumed-role/dev/bob"', role, true],
    ['a role of the same name in another account', 'arn="arn:aws:iam::999988887777:role/dev"', role, false],
    ['another role', 'arn="arn:aws:iam::111122223333:role/dev2"', role, false],
    ['the access key only', 'accesskeyid=asiaexample1', role, true],
    ['another access key only', 'accesskeyid=ASIAOTHER', role, false],
    ['no arn and no key', 'client="127.0.0.1:1"', role, false],
    ['an IAM user with its path', 'arn="arn:aws:iam::111122223333:user/ops/carol"', { canonicalArn: 'arn:aws:iam::111122223333:user/ops/carol' }, true],
    ['a user of the same name under another path', 'arn="arn:aws:iam::111122223333:user/carol"', { canonicalArn: 'arn:aws:iam::111122223333:user/ops/carol' }, false],
    ['a user versus a role of the same name', 'arn="arn:aws:iam::111122223333:user/dev"', role, false],
  ] as const)('%s', (_name, fields, principal, expected) => {
    expect(matchesPrincipal(line(fields), principal)).toBe(expected);
  });

  it('matches an assumed-role STS response line to its role', () => {
    const sts = samples.find((s) => s.expect.accessKeyId)!;
    expect(matchesPrincipal(parsed(sts.line), { canonicalArn: 'arn:aws:iam::111122223333:role/dev' })).toBe(true);
  });
});

describe('server-side narrowing', () => {
  const principal = { canonicalArn: 'arn:aws:iam::111122223333:role/team/dev', accessKeyId: 'ASIAEXAMPLE1' };

  it('FilterLogEvents pattern ORs the role forms, the key and "access denied"', () => {
    expect(filterPatternFor(principal)).toBe('?"access denied" ?"111122223333:role/dev" ?"111122223333:assumed-role/dev/" ?"ASIAEXAMPLE1"');
  });

  it('the Insights query is the runbook query narrowed to the principal', () => {
    expect(insightsQueryFor(principal)).toBe(
      [
        'fields @logStream, @timestamp, @message',
        '| sort @timestamp desc',
        '| filter @logStream like /authenticator/',
        '| filter @message like "access denied" or @message like "111122223333:role/dev" or @message like "111122223333:assumed-role/dev/" or @message like "ASIAEXAMPLE1"',
        '| limit 100',
      ].join('\n'),
    );
  });

  it('gives up narrowing rather than quote an unsafe term', () => {
    expect(filterPatternFor({ canonicalArn: 'arn:aws:iam::1:user/a"b' })).toBeUndefined();
    expect(insightsQueryFor({ canonicalArn: 'arn:aws:iam::1:user/a"b' })).not.toContain('a"b');
  });
});

describe('logs rules, with evidence of their own type', () => {
  const t: Target = { kubeconfig: [], cluster: 'prod', region: 'us-west-2', accountId: '111122223333', profile: 'ops' };
  const rule = (id: RuleId): CatalogRule => findRule(id)!;
  const ev = <Id extends RuleId>(_id: Id, e: EvidenceOf<Id>) => e;
  const denied = (e: Partial<EvidenceOf<'logs/access-denied'>>) => ev('logs/access-denied', { principalArn: 'arn:aws:iam::111122223333:role/team/dev', reason: 'not-mapped', time: 't', count: 1, ...e });

  it('has the catalog IDs and severities of SPEC §5, each warning/error with a fix and docs', () => {
    const ids: RuleId[] = ['logs/access-denied', 'logs/access-granted', 'logs/no-events', 'logs/not-enabled', 'logs/query-denied', 'cluster/authenticator-logging-disabled'];
    expect(Object.fromEntries(ids.map((id) => [id, rule(id).severity]))).toEqual({
      'logs/access-denied': 'error',
      'logs/access-granted': 'info',
      'logs/no-events': 'info',
      'logs/not-enabled': 'warning',
      'logs/query-denied': 'warning',
      'cluster/authenticator-logging-disabled': 'warning',
    });
    for (const id of ids) {
      expect(rule(id).docs.length).toBeGreaterThan(0);
      if (rule(id).severity !== 'info') expect(rule(id).fix).toBeDefined();
    }
    expect(rule('logs/access-denied').rootCause).toBe(true);
  });

  it('access-denied / not-mapped in API mode → an access entry for the full ARN', () => {
    const e = denied({ arn: 'arn:aws:iam::111122223333:role/dev', error: 'identity is not mapped', time: '2026-11-25T19:00:00Z', authenticationMode: 'API' });
    const r = rule('logs/access-denied');
    expect(r.message(e, t)).toBe('The authenticator denied arn:aws:iam::111122223333:role/dev at 2026-11-25T19:00:00Z: the principal is not mapped to any Kubernetes identity');
    expect(r.detail?.(e, t)).toBe('Authenticator error: "identity is not mapped".');
    expect(r.fix?.(e, t).commands).toEqual([
      'aws eks create-access-entry --cluster-name prod --region us-west-2 --principal-arn arn:aws:iam::111122223333:role/team/dev',
      'aws eks associate-access-policy --cluster-name prod --region us-west-2 --principal-arn arn:aws:iam::111122223333:role/team/dev --policy-arn arn:aws:eks::aws:cluster-access-policy/AmazonEKSViewPolicy --access-scope type=cluster',
    ]);
  });

  it('access-denied / not-mapped in CONFIG_MAP mode → aws-auth with the path removed and a group placeholder that pastes', () => {
    const fix = rule('logs/access-denied').fix!(denied({ error: 'ARN is not mapped', authenticationMode: 'CONFIG_MAP' }), t);
    expect(fix.commands[0]).toBe('eksctl create iamidentitymapping --cluster prod --region us-west-2 --arn arn:aws:iam::111122223333:role/dev --username dev --group "$KUBERNETES_GROUP"');
    expect(fix.summary).toContain('KUBERNETES_GROUP');
  });

  it.each([
    ['token-expired', 'aws eks update-kubeconfig --name prod --region us-west-2 --profile ops'],
    ['token-malformed', 'aws eks update-kubeconfig --name prod --region us-west-2 --profile ops'],
    ['wrong-cluster', 'aws eks update-kubeconfig --name prod --region us-west-2 --profile ops'],
    ['sts-error', 'aws sts get-caller-identity --profile ops'],
  ] as const)('access-denied / %s → regenerate the token', (reason, command) => {
    const e = denied({ reason, error: 'e' });
    expect(rule('logs/access-denied').fix!(e, t).commands).toContain(command);
    expect(rule('logs/access-denied').message(e, t)).toMatch(/^The authenticator denied a token at t: /);
  });

  it('access-granted names the username and groups', () => {
    expect(rule('logs/access-granted').message(ev('logs/access-granted', { arn: 'arn:aws:iam::1:user/a', username: 'kubernetes-admin', groups: ['system:masters'], time: 't' }), t)).toBe(
      'The authenticator granted arn:aws:iam::1:user/a as kubernetes-admin (groups system:masters) at t',
    );
  });

  it('no-events and not-enabled', () => {
    expect(rule('logs/no-events').message(ev('logs/no-events', { principalArn: 'arn:aws:iam::1:role/r', since: '1h', method: 'filter', incomplete: false }), t)).toBe('No authenticator events for arn:aws:iam::1:role/r in the last 1h');
    expect(rule('logs/not-enabled').message(ev('logs/not-enabled', { groupExists: false }), t)).toBe('Log group /aws/eks/prod/cluster does not exist');
    expect(rule('logs/not-enabled').message(ev('logs/not-enabled', { groupExists: true }), t)).toBe('Log group /aws/eks/prod/cluster has no authenticator streams');
  });

  it('query-denied → a policy on the cluster log group, attached to the caller', () => {
    const fix = rule('logs/query-denied').fix!(ev('logs/query-denied', { actions: ['logs:FilterLogEvents', 'logs:StartQuery'], callerArn: 'arn:aws:iam::111122223333:role/ci/deployer' }), t);
    expect(fix.commands).toHaveLength(1);
    expect(fix.commands[0]).toMatch(/^aws iam put-role-policy --role-name deployer --policy-name eksdoctor-read-authenticator-logs --policy-document '/);
    expect(fix.commands[0]).toMatch(/ --profile "\$IAM_ADMIN_PROFILE"$/);
    expect(Object.keys(fix.placeholders ?? {})).toEqual(['IAM_ADMIN_PROFILE']);
    const policy = JSON.parse(fix.commands[0]!.replace(/^.*--policy-document '/, '').replace(/' --profile .*$/, '')) as { Statement: { Action: string[]; Resource: string }[] };
    const actions = policy.Statement.flatMap((s) => s.Action);
    expect(actions).toEqual(expect.arrayContaining(['logs:StartQuery', 'logs:GetQueryResults', 'logs:FilterLogEvents', 'logs:DescribeLogGroups']));
    expect(policy.Statement[0]!.Resource).toBe('arn:aws:logs:us-west-2:111122223333:log-group:/aws/eks/prod/cluster:*');
    expect(rule('logs/query-denied').message(ev('logs/query-denied', { actions: ['logs:StartQuery'] }), t)).toBe('Not allowed to read the authenticator logs (logs:StartQuery denied)');
  });

  it('query-denied for an STS session: the policy goes on the role of the session; an SSO role gets its permission set named instead', () => {
    const session = rule('logs/query-denied').fix!(ev('logs/query-denied', { actions: ['logs:StartQuery'], callerArn: 'arn:aws:sts::111122223333:assumed-role/eks-ci-runner/i-0abc' }), t);
    expect(session.commands[0]).toMatch(/^aws iam put-role-policy --role-name eks-ci-runner --policy-name /);
    const sso = rule('logs/query-denied').fix!(ev('logs/query-denied', { actions: ['logs:StartQuery'], callerArn: 'arn:aws:sts::111122223333:assumed-role/AWSReservedSSO_Dev_0123456789abcdef/alice' }), t);
    expect(sso.commands).toEqual([]);
    expect(sso.summary).toMatch(/permission set/);
    const user = rule('logs/query-denied').fix!(ev('logs/query-denied', { actions: ['logs:StartQuery'], callerArn: 'arn:aws:iam::111122223333:user/bob' }), t);
    expect(user.commands[0]).toMatch(/^aws iam put-user-policy --user-name bob /);
  });

  it('authenticator-logging-disabled → update-cluster-config, flagged as a change to the cluster', () => {
    const fix = rule('cluster/authenticator-logging-disabled').fix!(ev('cluster/authenticator-logging-disabled', { enabledTypes: [] }), t);
    expect(fix.commands).toEqual([`aws eks update-cluster-config --name prod --region us-west-2 --logging '{"clusterLogging":[{"types":["authenticator"],"enabled":true}]}'`]);
    expect(fix.summary).toContain('changes the cluster');
  });
});

describe('findAuthenticatorEvents with a scripted client', () => {
  const principal = { canonicalArn: 'arn:aws:iam::111122223333:role/dev' };
  const denied = (action: string) =>
    Object.assign(new Error(`User: arn:aws:sts::111122223333:assumed-role/ro/x is not authorized to perform: ${action} on resource: arn:aws:logs:us-west-2:111122223333:log-group:/aws/eks/prod/cluster:*`), {
      name: 'AccessDeniedException',
    });
  const line = deniedNotMappedLine({ time: new Date('2026-11-25T19:00:00Z'), arn: 'arn:aws:iam::111122223333:role/dev', client: '127.0.0.1:1', wording: 'identity is not mapped' });

  /** A client whose answers are scripted per command name; records every call. */
  function scripted(answers: Record<string, (input: Record<string, unknown>) => unknown>) {
    const calls: { name: string; input: Record<string, unknown> }[] = [];
    const fake = {
      async send(command: { constructor: { name: string }; input: Record<string, unknown> }) {
        const name = command.constructor.name.replace(/Command$/, '');
        calls.push({ name, input: command.input });
        const answer = answers[name];
        if (!answer) throw new Error(`unexpected ${name}`);
        return answer(command.input);
      },
    };
    // A real client's prototype: the SDK's paginators check `instanceof CloudWatchLogsClient`; `send` is the fake.
    const client = Object.assign(Object.create(CloudWatchLogsClient.prototype) as CloudWatchLogsClient, fake);
    return { client, calls };
  }
  const base = { cluster: 'prod', principal, sinceMs: Date.parse('2026-11-25T18:30:00Z'), nowMs: Date.parse('2026-11-25T19:30:00Z') };

  it('uses FilterLogEvents (epoch ms, authenticator prefix) by default', async () => {
    const { client, calls } = scripted({
      FilterLogEvents: () => ({ events: [{ message: line, timestamp: 1, logStreamName: 'authenticator-abc' }] }),
    });
    const result = found(await findAuthenticatorEvents(client, { ...base, deadlineMs: Date.now() + 5000 }));
    expect(result).toMatchObject({ method: 'filter', events: [{ reason: 'not-mapped', timestamp: 1, stream: 'authenticator-abc' }] });
    expect(calls[0].input).toMatchObject({ logGroupName: '/aws/eks/prod/cluster', logStreamNamePrefix: 'authenticator', startTime: base.sinceMs, endTime: base.nowMs });
  });

  it('falls back to Insights (epoch seconds) when FilterLogEvents is denied', async () => {
    const { client, calls } = scripted({
      FilterLogEvents: () => {
        throw denied('logs:FilterLogEvents');
      },
      StartQuery: () => ({ queryId: 'q1' }),
      GetQueryResults: () => ({
        status: 'Complete',
        results: [[{ field: '@logStream', value: 'authenticator-abc' }, { field: '@timestamp', value: '2026-11-25 19:00:00.000' }, { field: '@message', value: line }]],
      }),
    });
    const result = found(await findAuthenticatorEvents(client, { ...base, deadlineMs: Date.now() + 5000 }));
    expect(result).toMatchObject({ method: 'insights', events: [{ reason: 'not-mapped', timestamp: Date.parse('2026-11-25T19:00:00Z') }] });
    expect(result.denied).toBeUndefined();
    expect(calls.find((c) => c.name === 'StartQuery')?.input).toMatchObject({ startTime: base.sinceMs / 1000, endTime: base.nowMs / 1000 });
  });

  it('reports both refused actions, without throwing, when both methods are denied', async () => {
    const { client } = scripted({
      FilterLogEvents: () => {
        throw denied('logs:FilterLogEvents');
      },
      StartQuery: () => {
        throw denied('logs:StartQuery');
      },
    });
    const result = found(await findAuthenticatorEvents(client, { ...base, deadlineMs: Date.now() + 5000 }));
    expect(result.events).toEqual([]);
    expect(result.denied?.actions).toEqual(['logs:FilterLogEvents', 'logs:StartQuery']);
  });

  it('stops polling at the deadline with the partial rows, and never calls StopQuery', async () => {
    const { client, calls } = scripted({
      StartQuery: () => ({ queryId: 'q1' }),
      GetQueryResults: () => ({ status: 'Running', results: [[{ field: '@logStream', value: 'authenticator-abc' }, { field: '@timestamp', value: '1764097200000' }, { field: '@message', value: line }]] }),
    });
    const { result: outcome, lateMs } = await endedAfter(400, () => findAuthenticatorEvents(client, { ...base, method: 'insights', deadlineMs: Date.now() + 400 }));
    expect(lateMs, 'ms after a 400 ms timer started beside the deadline').toBeLessThan(1100);
    const result = found(outcome);
    expect(result).toMatchObject({ method: 'insights', incomplete: true, events: [{ timestamp: 1764097200000 }] });
    expect(calls.filter((c) => c.name === 'GetQueryResults').length).toBeGreaterThan(1);
    expect(calls.map((c) => c.name)).not.toContain('StopQuery');
  });

  it('bounds FilterLogEvents pagination and says the search is incomplete', async () => {
    let n = 0;
    const { client, calls } = scripted({ FilterLogEvents: () => ({ events: [], nextToken: `more-${++n}` }) });
    const result = found(await findAuthenticatorEvents(client, { ...base, deadlineMs: Date.now() + 5000 }));
    expect(result.incomplete).toBe(true);
    expect(calls.length).toBe(10);
  });

  it('a server that repeats its page token ends the paging, and the search says it is incomplete', async () => {
    const { client, calls } = scripted({ FilterLogEvents: () => ({ events: [], nextToken: 'same' }) });
    const result = found(await findAuthenticatorEvents(client, { ...base, deadlineMs: Date.now() + 5000 }));
    expect(result.incomplete).toBe(true);
    expect(calls.length).toBe(2);
  });

  it('stops at the signal and says so, without throwing (readers return outcomes)', async () => {
    const controller = new AbortController();
    const { client } = scripted({ StartQuery: () => ({ queryId: 'q1' }), GetQueryResults: () => ({ status: 'Running' }) });
    const pending = findAuthenticatorEvents(client, { ...base, method: 'insights', deadlineMs: Date.now() + 60_000, signal: controller.signal });
    setTimeout(() => controller.abort(new Error('run timeout')), 150);
    expect(await pending).toEqual({ ok: false, message: 'run timeout' });
  });
});
