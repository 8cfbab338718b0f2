/**
 * `eksdoctor policy` (issue 17 §2): the one table of AWS operations is what the sources really call
 * (a parse of every import of an AWS SDK client under src/), the policy printed from it is a valid,
 * read-only IAM document scoped by the options, and the RBAC covers every Kubernetes request of the table.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import yaml from 'js-yaml';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { parsePolicy } from '../../packages/eks-emulator/src/iam-policy.js';
import { leastPrivilegePolicy } from '../../src/cli/permissions/aws-policy.js';
import { readerRbac } from '../../src/cli/permissions/kube-rbac.js';
import { AWS_OPERATIONS, iamActionOf, SDK_PACKAGE_OF } from '../../src/facts/aws/actions.js';
import { KUBE_REQUESTS } from '../../src/facts/kube-permissions.js';
import { ROOT, runCli } from '../helpers/cli.js';

const SRC = join(ROOT, 'src');
const SERVICE_OF_PACKAGE = new Map<string, string>(Object.entries(SDK_PACKAGE_OF).map(([service, pkg]) => [pkg, service]));

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sourceFiles(path) : path.endsWith('.ts') ? [path] : [];
  });
}

interface SdkUse {
  /** `eks:DescribeCluster`, from `DescribeClusterCommand` or `paginateDescribeCluster`. */
  actions: Set<string>;
  /** Uses the parse cannot read an operation from: namespace imports, `import()`, `require`, unknown clients. */
  unreadable: string[];
}

/** Every AWS operation the sources can call: the value imports of `XCommand` / `paginateX` from an SDK client. */
function sdkUse(): SdkUse {
  const actions = new Set<string>();
  const unreadable: string[] = [];
  for (const file of sourceFiles(SRC)) {
    const rel = relative(SRC, file);
    const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
    const visit = (node: ts.Node): void => {
      if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier) && node.moduleSpecifier.text.startsWith('@aws-sdk/client-')) {
        const pkg = node.moduleSpecifier.text;
        const service = SERVICE_OF_PACKAGE.get(pkg);
        const clause = node.importClause;
        if (!service) unreadable.push(`${rel}: imports ${pkg}, which the table has no service for`);
        else if (clause?.isTypeOnly) {
          // Types cost nothing and call nothing (the table's own compile-time check imports them so).
        } else if (clause?.namedBindings && ts.isNamedImports(clause.namedBindings)) {
          for (const el of clause.namedBindings.elements) {
            if (el.isTypeOnly) continue;
            const name = (el.propertyName ?? el.name).text;
            const op = /^(\w+)Command$/.exec(name)?.[1] ?? /^paginate(\w+)$/.exec(name)?.[1];
            if (op) actions.add(`${service}:${op}`);
          }
        } else if (clause) unreadable.push(`${rel}: ${node.getText(source)}`);
      }
      // import('@aws-sdk/client-…') or require(…): the operations it reaches cannot be read here.
      if (ts.isCallExpression(node) && node.arguments.some((a) => ts.isStringLiteral(a) && a.text.startsWith('@aws-sdk/client-'))) {
        unreadable.push(`${rel}: ${node.getText(source)}`);
      }
      ts.forEachChild(node, visit);
    };
    visit(source);
  }
  return { actions, unreadable };
}

const TABLE = new Set(AWS_OPERATIONS.map(iamActionOf));
const WRITE_VERB = /^[a-z0-9-]+:(Create|Delete|Update|Put|Associate|Disassociate|Tag|Untag|Attach|Detach|Modify|Set|Register|Deregister|Enable|Disable|Stop|Cancel|Pass)/;

describe('the table of AWS operations is what the sources call', () => {
  it('every SDK command or paginator imported under src/ is a row, and every row is imported somewhere', () => {
    const { actions, unreadable } = sdkUse();
    expect(unreadable).toEqual([]);
    expect(actions.size).toBeGreaterThan(10); // the parse found the real imports (not a vacuous pass)
    expect([...actions].filter((a) => !TABLE.has(a)).sort(), 'called but not in src/facts/aws/actions.ts').toEqual([]);
    expect([...TABLE].filter((a) => !actions.has(a)).sort(), 'in the table but never called').toEqual([]);
  });

  it('has each operation once', () => {
    expect(TABLE.size).toBe(AWS_OPERATIONS.length);
  });

  it('the access level of every granted action is Read or List (Service Authorization Reference)', () => {
    const granted = AWS_OPERATIONS.filter((o) => !o.notInPolicy);
    expect(granted.filter((o) => o.accessLevel !== 'Read' && o.accessLevel !== 'List').map(iamActionOf)).toEqual([]);
    // sts:AssumeRole is Write in the reference: it is the exec plugin's credential step, and not in the policy.
    expect(AWS_OPERATIONS.filter((o) => o.accessLevel !== 'Read' && o.accessLevel !== 'List').map((o) => [iamActionOf(o), o.notInPolicy])).toEqual([['sts:AssumeRole', 'exec-plugin-credentials']]);
  });
});

describe('the IAM policy', () => {
  const scope = { cluster: 'prod', region: 'us-west-2', account: '111122223333' };
  const doc = leastPrivilegePolicy(scope);

  it('is an IAM policy document: JSON, Version 2012-10-17, that the emulator can enforce', () => {
    const json = JSON.parse(JSON.stringify(doc)) as typeof doc;
    expect(json.Version).toBe('2012-10-17');
    expect(json.Statement.length).toBeGreaterThan(0);
    for (const st of json.Statement) {
      expect(st.Effect).toBe('Allow');
      expect(st.Sid).toMatch(/^[A-Za-z0-9]+$/); // IAM: Sid is alphanumeric
      expect(st.Action.length).toBeGreaterThan(0);
      expect(st.Resource.length).toBeGreaterThan(0);
    }
    expect(parsePolicy(json)).toMatchObject({ ok: true });
  });

  it('grants every row of the table not marked otherwise, each once, and nothing else', () => {
    const actions = doc.Statement.flatMap((s) => s.Action);
    expect(new Set(actions).size).toBe(actions.length);
    expect(actions.sort()).toEqual(AWS_OPERATIONS.filter((o) => !o.notInPolicy).map(iamActionOf).sort());
    expect(actions.every((a) => TABLE.has(a))).toBe(true);
  });

  it('has no write action in it, not even by name', () => {
    expect(doc.Statement.flatMap((s) => s.Action).filter((a) => WRITE_VERB.test(a) || a.includes('*'))).toEqual([]);
  });

  it('names the cluster, region and account when given, and uses * only for actions with no resource type', () => {
    const byAction = new Map(doc.Statement.flatMap((s) => s.Action.map((a) => [a, s.Resource] as const)));
    expect(byAction.get('eks:DescribeCluster')).toEqual(['arn:aws:eks:us-west-2:111122223333:cluster/prod']);
    expect(byAction.get('eks:ListAccessEntries')).toEqual(['arn:aws:eks:us-west-2:111122223333:cluster/prod']);
    expect(byAction.get('eks:DescribeAccessEntry')).toEqual(['arn:aws:eks:us-west-2:111122223333:access-entry/prod/*']);
    expect(byAction.get('logs:FilterLogEvents')).toEqual(['arn:aws:logs:us-west-2:111122223333:log-group:/aws/eks/prod/cluster:*']);
    // IAM reads the caller's own account, which may not be the cluster's: any account, any path.
    expect(byAction.get('iam:GetRole')).toContain('arn:aws:iam::*:role/*');
    for (const row of AWS_OPERATIONS.filter((o) => !o.notInPolicy)) {
      const resources = byAction.get(iamActionOf(row))!;
      expect(resources.includes('*'), iamActionOf(row)).toBe(row.resource === 'none');
    }
  });

  it('keeps * for what is not given, and the partition of the region', () => {
    const open = leastPrivilegePolicy({ cluster: '*', region: '*', account: '*' });
    expect(open.Statement.find((s) => s.Sid === 'EksClusterReads')!.Resource).toEqual(['arn:aws:eks:*:*:cluster/*']);
    const china = leastPrivilegePolicy({ cluster: 'prod', region: 'cn-north-1', account: '111122223333' });
    expect(china.Statement.flatMap((s) => s.Resource).filter((r) => r !== '*').every((r) => r.startsWith('arn:aws-cn:'))).toBe(true);
  });
});

describe('the Kubernetes RBAC', () => {
  const manifests = readerRbac('eksdoctor-readers');

  it('grants every request of the table that it should, in the right scope', () => {
    const rulesOf = (kind: string, namespace?: string) =>
      manifests.filter((m) => m.kind === kind && (m.metadata as { namespace?: string }).namespace === namespace).flatMap((m) => m.rules as { apiGroups: string[]; resources: string[]; verbs: string[]; resourceNames?: string[] }[]);
    for (const r of KUBE_REQUESTS) {
      const rules = r.namespace ? rulesOf('Role', r.namespace) : rulesOf('ClusterRole');
      const covered = rules.some((x) => x.apiGroups.includes(r.group) && x.resources.includes(r.resource) && x.verbs.includes(r.verb) && (!x.resourceNames || (r.names ?? []).every((n) => x.resourceNames!.includes(n))));
      expect(covered, `${r.verb} ${r.resource}`).toBe(!r.notGranted);
    }
    // The aws-auth ConfigMap by name only, and only in kube-system.
    expect(rulesOf('Role', 'kube-system')).toEqual([{ apiGroups: [''], resources: ['configmaps'], resourceNames: ['aws-auth'], verbs: ['get'] }]);
    expect(rulesOf('ClusterRole').some((x) => x.resources.includes('configmaps'))).toBe(false);
  });

  it('binds each role to the group', () => {
    const bindings = manifests.filter((m) => m.kind.endsWith('Binding'));
    expect(bindings.map((b) => b.kind).sort()).toEqual(['ClusterRoleBinding', 'RoleBinding']);
    for (const b of bindings) expect(b.subjects).toEqual([{ kind: 'Group', apiGroup: 'rbac.authorization.k8s.io', name: 'eksdoctor-readers' }]);
  });
});

describe('eksdoctor policy (the CLI)', () => {
  it('prints the policy document as JSON by default, with the ARNs filled from the options', async () => {
    const r = await runCli(['policy', '--cluster', 'prod', '--region', 'us-west-2', '--account', '111122223333']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual(leastPrivilegePolicy({ cluster: 'prod', region: 'us-west-2', account: '111122223333' }));
  });

  it('prints the RBAC as YAML documents (or a JSON List) with --kubernetes, and a summary with --output text', async () => {
    const [y, j, t] = await Promise.all([
      runCli(['policy', '--kubernetes', '--kubernetes-group', 'ci-readers']),
      runCli(['policy', '--kubernetes', '-o', 'json']),
      runCli(['policy', '--cluster', 'prod', '-o', 'text']),
    ]);
    expect(y.code).toBe(0);
    expect(yaml.loadAll(y.stdout)).toEqual(readerRbac('ci-readers'));
    expect(JSON.parse(j.stdout)).toEqual({ apiVersion: 'v1', kind: 'List', items: readerRbac('eksdoctor-readers') });
    expect(t.code).toBe(0);
    for (const a of TABLE) expect(t.stdout).toContain(a);
    expect(t.stdout).toContain('arn:aws:eks:*:*:cluster/prod');
    expect(t.stdout).toContain('Role kube-system/eksdoctor-reader');
  });

  it.each([
    [['policy', '--region', 'Mars'], /--region "Mars" is not a valid region/],
    [['policy', '--account', '12345'], /--account "12345" is not a valid account/],
    [['policy', '--cluster', 'a b'], /--cluster "a b" is not a valid cluster/],
    [['policy', '--kubernetes', '--kubernetes-group', 'system:masters'], /reserved/],
    [['policy', '-o', 'yaml'], /--output yaml is for --kubernetes/],
    [['policy', '-o', 'xml'], /invalid/],
    [['policy', '--bogus'], /unknown option/],
  ])('%j is a usage error (exit 2)', async (args, message) => {
    const r = await runCli(args);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(message);
  });
});
