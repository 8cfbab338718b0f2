import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import type { FleetReport, Report } from '../../src/report/model.js';
import { renderGithub, escapeData, escapeProperty, workflowCommand } from '../../src/report/render/github.js';
import { renderJson } from '../../src/report/render/json.js';
import { renderJunit } from '../../src/report/render/junit.js';
import { cell, code, inline, renderMarkdown } from '../../src/report/render/markdown.js';
import { renderText } from '../../src/report/render/text.js';

/** One fixed report (times and durations fixed) with every check status and every severity. */
const REPORT: Report = {
  schemaVersion: 1,
  tool: { name: 'eksdoctor', version: '0.1.0' },
  startedAt: '2026-11-24T03:00:00.000Z',
  durationMs: 812,
  target: {
    kubeconfig: ['/home/u/.kube/config'],
    context: 'prod',
    cluster: 'prod',
    region: 'us-west-2',
    server: 'https://ABC.gr7.us-west-2.eks.amazonaws.com',
    accountId: '123456789012',
  },
  identity: {
    arn: 'arn:aws:sts::123456789012:assumed-role/dev/alice',
    principalArn: 'arn:aws:iam::123456789012:role/dev',
    accountId: '123456789012',
    source: 'exec-token',
  },
  sources: [
    { name: 'kubernetes-api', status: 'read' },
    { name: 'cloudtrail', status: 'denied', reason: 'not authorized to perform: cloudtrail:LookupEvents' },
  ],
  verdict: 'fail',
  summary: 'Root cause: arn:aws:iam::123456789012:role/dev is not mapped in aws-auth or access entries.',
  rootCauses: ['aws-auth/principal-not-mapped'],
  checks: [
    { id: 'kubeconfig', title: 'kubeconfig', status: 'warn', durationMs: 3 },
    { id: 'identity', title: 'caller identity', status: 'pass', durationMs: 120 },
    { id: 'aws-auth', title: 'aws-auth ConfigMap', status: 'fail', durationMs: 45 },
    { id: 'access-entries', title: 'access entries', status: 'skip', durationMs: 0, reason: 'authentication mode CONFIG_MAP | no access entries' },
    { id: 'logs', title: 'authenticator logs', status: 'error', durationMs: 30000, reason: 'timed out after 30.0 s' },
    { id: 'kube', title: 'Kubernetes API', status: 'fail', durationMs: 87 },
  ],
  findings: [
    {
      rule: 'aws-auth/principal-not-mapped',
      severity: 'error',
      check: 'aws-auth',
      title: 'arn:aws:iam::123456789012:role/dev is not mapped',
      detail: 'aws-auth maps 2 roles, none is this one.\nMapped with system:masters: arn:aws:iam::123456789012:role/admin',
      evidence: { principalArn: 'arn:aws:iam::123456789012:role/dev', authenticationMode: 'CONFIG_MAP' },
      fix: {
        summary: 'Map the role in aws-auth, or assume a mapped role.',
        commands: ['eksctl create iamidentitymapping --cluster prod --region us-west-2 --arn arn:aws:iam::123456789012:role/dev --group dev --username dev:{{SessionName}}'],
      },
      docs: ['https://docs.aws.amazon.com/eks/latest/userguide/auth-configmap.html'],
      rootCause: true,
      explains: ['kube/unauthorized'],
    },
    {
      rule: 'kube/unauthorized',
      severity: 'error',
      check: 'kube',
      title: 'The API server answers 401 Unauthorized',
      detail: 'kubectl says: error: You must be logged in to the server (Unauthorized)',
      evidence: { status: 401 },
      fix: { summary: 'Fix the root cause above.', commands: [] },
      docs: ['https://docs.aws.amazon.com/eks/latest/userguide/troubleshooting.html#unauthorized'],
      rootCause: false,
    },
    {
      rule: 'kubeconfig/static-token',
      severity: 'warning',
      check: 'kubeconfig',
      title: 'User "ci|bot" authenticates with a static token, 100% of the time',
      evidence: { user: 'ci|bot', file: '/repo/deploy/kubeconfig.yaml', line: 12 },
      fix: { summary: 'Replace the static token with the aws eks get-token exec plugin.', commands: ['aws eks update-kubeconfig --name prod --region us-west-2'] },
      docs: ['https://docs.aws.amazon.com/eks/latest/userguide/create-kubeconfig.html'],
      rootCause: false,
    },
    {
      rule: 'logs/no-events',
      severity: 'info',
      check: 'logs',
      title: 'No authenticator events for this principal in the last 1h',
      evidence: {},
      docs: ['https://docs.aws.amazon.com/eks/latest/userguide/control-plane-logs.html'],
      rootCause: false,
    },
  ],
};

const PASSING: Report = {
  ...REPORT,
  identity: null,
  verdict: 'pass',
  summary: 'No problems found.',
  rootCauses: [],
  checks: [{ id: 'kubeconfig', title: 'kubeconfig', status: 'pass', durationMs: 3 }],
  findings: [],
};

const xml = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '', isArray: (name) => ['testsuite', 'testcase', 'property'].includes(name) });

describe('markdown', () => {
  it('renders verdict, root cause, target, checks, findings with fixes and facts', () => {
    expect(renderMarkdown(REPORT)).toMatchInlineSnapshot(`
      "## eksdoctor auth \`prod\`: ❌ FAIL

      **Root cause: arn:aws:iam::123456789012:role/dev is not mapped in aws-auth or access entries.**

      ### Root cause

      - **arn:aws:iam::123456789012:role/dev is not mapped** (\`aws-auth/principal-not-mapped\`)
        - explains the symptom \`kube/unauthorized\`: fix the cause and it goes away

      ### Target

      | | |
      | --- | --- |
      | Identity | \`arn:aws:sts::123456789012:assumed-role/dev/alice\` → \`arn:aws:iam::123456789012:role/dev\` (exec-token) |
      | Context | \`prod\` |
      | Cluster | \`prod\` |
      | Region | \`us-west-2\` |
      | Account | \`123456789012\` |
      | Server | \`https://ABC.gr7.us-west-2.eks.amazonaws.com\` |
      | Kubeconfig | \`/home/u/.kube/config\` |
      | Evidence from | kubernetes-api read, cloudtrail denied (not authorized to perform: cloudtrail:LookupEvents) |

      ### Checks

      | Check | Status | Duration | Reason |
      | --- | --- | --- | --- |
      | kubeconfig | ⚠️ warn | 3 ms |  |
      | caller identity | ✅ pass | 120 ms |  |
      | aws-auth ConfigMap | ❌ fail | 45 ms |  |
      | access entries | ⏭️ skip | 0 ms | authentication mode CONFIG_MAP \\| no access entries |
      | authenticator logs | ❗ error | 30000 ms | timed out after 30.0 s |
      | Kubernetes API | ❌ fail | 87 ms |  |

      ### Findings

      #### ❌ error: arn:aws:iam::123456789012:role/dev is not mapped

      **Root cause** · rule \`aws-auth/principal-not-mapped\` · check \`aws-auth\`

      aws-auth maps 2 roles, none is this one.  
      Mapped with system:masters: arn:aws:iam::123456789012:role/admin

      Explains: \`kube/unauthorized\`

      **Fix:** Map the role in aws-auth, or assume a mapped role.

      \`\`\`sh
      eksctl create iamidentitymapping --cluster prod --region us-west-2 --arn arn:aws:iam::123456789012:role/dev --group dev --username dev:{{SessionName}}
      \`\`\`

      Docs: <https://docs.aws.amazon.com/eks/latest/userguide/auth-configmap.html>

      #### ❌ error: The API server answers 401 Unauthorized

      rule \`kube/unauthorized\` · check \`kube\`

      kubectl says: error: You must be logged in to the server (Unauthorized)

      **Fix:** Fix the root cause above.

      Docs: <https://docs.aws.amazon.com/eks/latest/userguide/troubleshooting.html#unauthorized>

      #### ⚠️ warning: User "ci|bot" authenticates with a static token, 100% of the time

      rule \`kubeconfig/static-token\` · check \`kubeconfig\`

      **Fix:** Replace the static token with the aws eks get-token exec plugin.

      \`\`\`sh
      aws eks update-kubeconfig --name prod --region us-west-2
      \`\`\`

      Docs: <https://docs.aws.amazon.com/eks/latest/userguide/create-kubeconfig.html>

      ### Facts

      - No authenticator events for this principal in the last 1h (\`logs/no-events\`)

      <sub>eksdoctor 0.1.0 · started 2026-11-24T03:00:00.000Z · 812 ms</sub>
      "
    `);
  });

  it('a passing report is short and says the identity was not established', () => {
    expect(renderMarkdown(PASSING)).toMatchInlineSnapshot(`
      "## eksdoctor auth \`prod\`: ✅ PASS

      **No problems found.**

      ### Target

      | | |
      | --- | --- |
      | Identity | not established |
      | Context | \`prod\` |
      | Cluster | \`prod\` |
      | Region | \`us-west-2\` |
      | Account | \`123456789012\` |
      | Server | \`https://ABC.gr7.us-west-2.eks.amazonaws.com\` |
      | Kubeconfig | \`/home/u/.kube/config\` |
      | Evidence from | kubernetes-api read, cloudtrail denied (not authorized to perform: cloudtrail:LookupEvents) |

      ### Checks

      | Check | Status | Duration | Reason |
      | --- | --- | --- | --- |
      | kubeconfig | ✅ pass | 3 ms |  |

      <sub>eksdoctor 0.1.0 · started 2026-11-24T03:00:00.000Z · 812 ms</sub>
      "
    `);
  });

  it('escapes table cells and Markdown syntax, and fences survive backticks', () => {
    expect(cell('a|b\nc')).toBe('a\\|b<br>c');
    expect(inline('# *x* _y_ snake_case <b> [l](u) `c`')).toBe('\\# \\*x\\* \\_y\\_ snake_case \\<b> \\[l\\](u) \\`c\\`');
    expect(inline('1. one')).toBe('1\\. one');
    expect(inline('0.1.0 - x > y')).toBe('0.1.0 - x > y');
    expect(inline('> quote')).toBe('\\> quote');
    expect(code('a ` b')).toBe('``a ` b``');
    const tricky: Report = {
      ...REPORT,
      findings: [{ ...REPORT.findings[0]!, fix: { summary: 's', commands: ['echo ```'] } }],
    };
    expect(renderMarkdown(tricky)).toContain('````sh\necho ```\n````');
    // every table row of the checks table has exactly 4 cells (5 unescaped pipes)
    const rows = renderMarkdown(REPORT).split('\n').filter((l) => l.startsWith('| ') && l.includes(' ms |'));
    for (const r of rows) expect(r.replace(/\\\|/g, '').split('|').length).toBe(6);
  });
});

describe('junit', () => {
  it('renders one suite per report and one test case per check', () => {
    expect(renderJunit(REPORT)).toMatchInlineSnapshot(`
      "<?xml version="1.0" encoding="UTF-8"?>
      <testsuites name="eksdoctor" tests="6" failures="2" errors="1" skipped="1" time="0.812">
        <testsuite name="eksdoctor auth prod" tests="6" failures="2" errors="1" skipped="1" time="0.812" timestamp="2026-11-24T03:00:00">
          <properties>
            <property name="verdict" value="fail"/>
            <property name="summary" value="Root cause: arn:aws:iam::123456789012:role/dev is not mapped in aws-auth or access entries."/>
            <property name="rootCauses" value="aws-auth/principal-not-mapped"/>
            <property name="context" value="prod"/>
            <property name="cluster" value="prod"/>
            <property name="region" value="us-west-2"/>
            <property name="accountId" value="123456789012"/>
            <property name="identity" value="arn:aws:iam::123456789012:role/dev"/>
            <property name="eksdoctor" value="0.1.0"/>
            <property name="source.kubernetes-api" value="read"/>
            <property name="source.cloudtrail" value="denied (not authorized to perform: cloudtrail:LookupEvents)"/>
          </properties>
          <testcase classname="eksdoctor.aws-auth" name="aws-auth ConfigMap" time="0.045">
            <failure message="arn:aws:iam::123456789012:role/dev is not mapped" type="aws-auth/principal-not-mapped">[error] aws-auth/principal-not-mapped (root cause): arn:aws:iam::123456789012:role/dev is not mapped
      aws-auth maps 2 roles, none is this one.
      Mapped with system:masters: arn:aws:iam::123456789012:role/admin
      Explains: kube/unauthorized
      Fix: Map the role in aws-auth, or assume a mapped role.
        eksctl create iamidentitymapping --cluster prod --region us-west-2 --arn arn:aws:iam::123456789012:role/dev --group dev --username dev:{{SessionName}}
      Docs: https://docs.aws.amazon.com/eks/latest/userguide/auth-configmap.html</failure>
          </testcase>
          <testcase classname="eksdoctor.logs" name="authenticator logs" time="30.000">
            <error message="timed out after 30.0 s" type="check-error">timed out after 30.0 s</error>
            <system-out>[info] logs/no-events: No authenticator events for this principal in the last 1h
      Docs: https://docs.aws.amazon.com/eks/latest/userguide/control-plane-logs.html</system-out>
          </testcase>
          <testcase classname="eksdoctor.kube" name="Kubernetes API" time="0.087">
            <failure message="The API server answers 401 Unauthorized" type="kube/unauthorized">[error] kube/unauthorized: The API server answers 401 Unauthorized
      kubectl says: error: You must be logged in to the server (Unauthorized)
      Fix: Fix the root cause above.
      Docs: https://docs.aws.amazon.com/eks/latest/userguide/troubleshooting.html#unauthorized</failure>
          </testcase>
          <testcase classname="eksdoctor.kubeconfig" name="kubeconfig" time="0.003">
            <system-out>[warning] kubeconfig/static-token: User "ci|bot" authenticates with a static token, 100% of the time
      Fix: Replace the static token with the aws eks get-token exec plugin.
        aws eks update-kubeconfig --name prod --region us-west-2
      Docs: https://docs.aws.amazon.com/eks/latest/userguide/create-kubeconfig.html</system-out>
          </testcase>
          <testcase classname="eksdoctor.identity" name="caller identity" time="0.120"/>
          <testcase classname="eksdoctor.access-entries" name="access entries" time="0.000">
            <skipped message="authentication mode CONFIG_MAP | no access entries"/>
          </testcase>
        </testsuite>
      </testsuites>
      "
    `);
  });

  it('parses back with counts that match the report', () => {
    const out = renderJunit(REPORT);
    expect(XMLValidator.validate(out)).toBe(true);
    const doc = xml.parse(out);
    const suite = doc.testsuites.testsuite[0];
    expect(suite).toMatchObject({ name: 'eksdoctor auth prod', tests: '6', failures: '2', errors: '1', skipped: '1', time: '0.812', timestamp: '2026-11-24T03:00:00' });
    expect(doc.testsuites).toMatchObject({ tests: '6', failures: '2', errors: '1', skipped: '1' });
    const byClass = Object.fromEntries(suite.testcase.map((t: { classname: string }) => [t.classname, t]));
    expect(byClass['eksdoctor.aws-auth'].failure).toMatchObject({ message: 'arn:aws:iam::123456789012:role/dev is not mapped', type: 'aws-auth/principal-not-mapped' });
    expect(byClass['eksdoctor.aws-auth'].failure['#text']).toContain('eksctl create iamidentitymapping --cluster prod');
    expect(byClass['eksdoctor.aws-auth'].failure['#text']).toContain('https://docs.aws.amazon.com/eks/latest/userguide/auth-configmap.html');
    expect(byClass['eksdoctor.access-entries'].skipped).toMatchObject({ message: 'authentication mode CONFIG_MAP | no access entries' });
    expect(byClass['eksdoctor.logs'].error).toMatchObject({ message: 'timed out after 30.0 s' });
    expect(byClass['eksdoctor.kubeconfig'].failure).toBeUndefined();
    expect(byClass['eksdoctor.kubeconfig']['system-out']).toContain('[warning] kubeconfig/static-token');
    expect(byClass['eksdoctor.logs']['system-out']).toContain('[info] logs/no-events');
  });

  it('with --fail-on warning, warnings are failures too (the test report is red exactly when the exit code is 1)', () => {
    const suite = xml.parse(renderJunit(REPORT, { failOn: 'warning' })).testsuites.testsuite[0];
    expect(suite.failures).toBe('3');
    // The root cause's test case first, then the other failures (issue 13 §1: causes first).
    expect(suite.testcase[0].failure).toMatchObject({ type: 'aws-auth/principal-not-mapped' });
    expect(suite.testcase.find((t: { classname: string }) => t.classname === 'eksdoctor.kubeconfig').failure).toMatchObject({ type: 'kubeconfig/static-token' });
  });

  it('stays well-formed for hostile text: control characters dropped, markup escaped', () => {
    const hostile = '<x a="1"> & ]]> \u0000\u0007\u001b[31m \uD800 \uFFFE end';
    const report: Report = { ...REPORT, target: { ...REPORT.target, context: hostile }, findings: [{ ...REPORT.findings[0]!, title: hostile, detail: `line1\n${hostile}` }] };
    const out = renderJunit(report);
    expect(XMLValidator.validate(out)).toBe(true);
    const suite = xml.parse(out).testsuites.testsuite[0];
    expect(suite.name).toBe('eksdoctor auth <x a="1"> & ]]> [31m   end');
    expect(suite.testcase.find((t: { failure?: unknown }) => t.failure).failure.message).toBe('<x a="1"> & ]]> [31m   end');
  });

  it('a fleet report gives one suite per context and the totals', () => {
    const fleet: FleetReport = { schemaVersion: 1, startedAt: '2026-12-01T03:00:00.000Z', durationMs: 1800, verdict: 'fail', reports: [REPORT, { ...PASSING, target: { ...PASSING.target, context: 'staging' } }] };
    const doc = xml.parse(renderJunit(fleet));
    expect(doc.testsuites.testsuite.map((s: { name: string }) => s.name)).toEqual(['eksdoctor auth prod', 'eksdoctor auth staging']);
    expect(doc.testsuites.tests).toBe('7');
  });
});

describe('github', () => {
  it('renders one annotation per error and warning, a warning per check that could not run, and the verdict', () => {
    expect(renderGithub(REPORT, { workspace: '/repo' })).toMatchInlineSnapshot(`
      "::error title=aws-auth/principal-not-mapped::Root cause: arn:aws:iam::123456789012:role/dev is not mapped — Map the role in aws-auth, or assume a mapped role.%0AExplains: kube/unauthorized%0A  eksctl create iamidentitymapping --cluster prod --region us-west-2 --arn arn:aws:iam::123456789012:role/dev --group dev --username dev:{{SessionName}}%0ADocs: https://docs.aws.amazon.com/eks/latest/userguide/auth-configmap.html
      ::error title=kube/unauthorized::The API server answers 401 Unauthorized — Fix the root cause above.%0ADocs: https://docs.aws.amazon.com/eks/latest/userguide/troubleshooting.html#unauthorized
      ::warning file=deploy/kubeconfig.yaml,line=12,title=kubeconfig/static-token::User "ci|bot" authenticates with a static token, 100%25 of the time — Replace the static token with the aws eks get-token exec plugin.%0A  aws eks update-kubeconfig --name prod --region us-west-2%0ADocs: https://docs.aws.amazon.com/eks/latest/userguide/create-kubeconfig.html
      ::warning title=eksdoctor check logs::The check "authenticator logs" could not run: timed out after 30.0 s
      ::notice title=eksdoctor FAIL::Root cause: arn:aws:iam::123456789012:role/dev is not mapped in aws-auth or access entries. (context prod, us-west-2)%0AEvidence from: kubernetes-api read, cloudtrail denied
      "
    `);
  });

  it('a passing report is one notice', () => {
    expect(renderGithub(PASSING)).toBe('::notice title=eksdoctor PASS::No problems found. (context prod, us-west-2)%0AEvidence from: kubernetes-api read, cloudtrail denied\n');
  });

  it('escapes messages and properties as @actions/core does', () => {
    expect(escapeData('50% done\r\nnext: a, b')).toBe('50%25 done%0D%0Anext: a, b');
    expect(escapeProperty('a: b, 50%\n')).toBe('a%3A b%2C 50%25%0A');
    expect(workflowCommand('error', { file: 'a,b:c.yaml', line: '3', title: undefined }, 'x\ny')).toBe('::error file=a%2Cb%3Ac.yaml,line=3::x%0Ay');
    expect(workflowCommand('notice', {}, 'm')).toBe('::notice::m');
  });
});

describe('text and json', () => {
  it('text without colour', () => {
    expect(renderText(REPORT, { color: false })).toMatchInlineSnapshot(`
      "FAIL  Root cause: arn:aws:iam::123456789012:role/dev is not mapped in aws-auth
            or access entries.
         prod · us-west-2 · https://ABC.gr7.us-west-2.eks.amazonaws.com
         identity: arn:aws:sts::123456789012:assumed-role/dev/alice → arn:aws:iam::123456789012:role/dev (exec-token)
         Evidence from: kubernetes-api read, cloudtrail denied (not authorized to
         perform: cloudtrail:LookupEvents)

      Checks
        ! kubeconfig         3 ms
        ✔ caller identity    120 ms
        ✖ aws-auth ConfigMap 45 ms
        - access entries     0 ms  authentication mode CONFIG_MAP | no access entries
        ? authenticator logs 30000 ms  timed out after 30.0 s
        ✖ Kubernetes API     87 ms

      Findings
        ✖ arn:aws:iam::123456789012:role/dev is not mapped ROOT CAUSE
          [aws-auth/principal-not-mapped]
            aws-auth maps 2 roles, none is this one.
            Mapped with system:masters: arn:aws:iam::123456789012:role/admin
            ↳ which is why: The API server answers 401 Unauthorized
            [kube/unauthorized]
            Fix: Map the role in aws-auth, or assume a mapped role.
              eksctl create iamidentitymapping --cluster prod --region us-west-2 --arn arn:aws:iam::123456789012:role/dev --group dev --username dev:{{SessionName}}
            Docs: https://docs.aws.amazon.com/eks/latest/userguide/auth-configmap.html
        ! User "ci|bot" authenticates with a static token, 100% of the time
          [kubeconfig/static-token]
            Fix: Replace the static token with the aws eks get-token exec plugin.
              aws eks update-kubeconfig --name prod --region us-west-2
            Docs: https://docs.aws.amazon.com/eks/latest/userguide/create-kubeconfig.html
        i No authenticator events for this principal in the last 1h  [logs/no-events]

      FAIL root cause aws-auth/principal-not-mapped · 2 errors, 1 warning · 812 ms
      "
    `);
  });

  it('json is the model itself', () => {
    expect(JSON.parse(renderJson(REPORT))).toEqual(REPORT);
  });
});
