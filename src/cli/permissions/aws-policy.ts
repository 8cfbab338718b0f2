/**
 * The least-privilege IAM identity policy for `eksdoctor auth`, generated from the one table of AWS
 * operations (src/facts/aws/actions.ts): one statement per resource kind, each on the narrowest ARN
 * the Service Authorization Reference allows for its actions, `*` only for actions with no resource type.
 */
import { AWS_OPERATIONS, iamActionOf, type AwsOperation, type ResourceKind } from '../../facts/aws/actions.js';
import { partitionOfRegion } from '../../facts/eks-token.js';

/** What fills the ARNs; `*` where not known (the policy stays valid, only wider). */
export interface PolicyScope {
  cluster: string;
  region: string;
  account: string;
}

export interface PolicyStatement {
  Sid: string;
  Effect: 'Allow';
  Action: string[];
  Resource: string[];
}

export interface IamPolicyDocument {
  Version: '2012-10-17';
  Statement: PolicyStatement[];
}

/** Statement order and Sid per resource kind; every kind of the table must be here (the compiler checks). */
const STATEMENTS: Record<ResourceKind, { sid: string; order: number }> = {
  cluster: { sid: 'EksClusterReads', order: 0 },
  'access-entry': { sid: 'EksAccessEntryReads', order: 1 },
  'log-group': { sid: 'ClusterLogGroupReads', order: 2 },
  role: { sid: 'IamPrincipalReads', order: 3 },
  user: { sid: 'IamPrincipalReads', order: 3 },
  none: { sid: 'ReadsWithNoResourceType', order: 4 },
};

/** The ARN pattern an action on `kind` is authorized on (Service Authorization Reference, "Resource types"). */
export function resourceArn(kind: ResourceKind, s: PolicyScope): string {
  const partition = s.region === '*' ? 'aws' : partitionOfRegion(s.region);
  switch (kind) {
    case 'cluster':
      return `arn:${partition}:eks:${s.region}:${s.account}:cluster/${s.cluster}`;
    case 'access-entry':
      // access-entry/${ClusterName}/${IamIdentityType}/${IamIdentityAccountID}/${IamIdentityName}/${UUID}: any entry of the cluster.
      return `arn:${partition}:eks:${s.region}:${s.account}:access-entry/${s.cluster}/*`;
    case 'log-group':
      // The EKS control-plane log group (EKS User Guide, control-plane-logs.html); `:*` covers its streams as Logs authorizes them.
      return `arn:${partition}:logs:${s.region}:${s.account}:log-group:/aws/eks/${s.cluster}/cluster:*`;
    // Any path: the caller's role is looked up by name and may have one (identity/role-has-path). Any
    // account: GetRole/GetUser take only a name and read the caller's own account, which is not the
    // cluster's when the principal is another account's (cross-account roles), so `*` widens nothing.
    case 'role':
      return `arn:${partition}:iam::*:role/*`;
    case 'user':
      return `arn:${partition}:iam::*:user/*`;
    case 'none':
      return '*';
  }
}

/** The rows the policy grants: everything the table has except what needs no statement. */
export function grantedOperations(): AwsOperation[] {
  return AWS_OPERATIONS.filter((o) => !o.notInPolicy);
}

export function leastPrivilegePolicy(scope: PolicyScope): IamPolicyDocument {
  const bySid = new Map<string, { order: number; actions: Set<string>; resources: Set<string> }>();
  for (const o of grantedOperations()) {
    const { sid, order } = STATEMENTS[o.resource];
    const st = bySid.get(sid) ?? { order, actions: new Set<string>(), resources: new Set<string>() };
    st.actions.add(iamActionOf(o));
    st.resources.add(resourceArn(o.resource, scope));
    bySid.set(sid, st);
  }
  const statements = [...bySid].sort(([, a], [, b]) => a.order - b.order);
  return {
    Version: '2012-10-17',
    Statement: statements.map(([sid, st]) => ({ Sid: sid, Effect: 'Allow', Action: [...st.actions].sort(), Resource: [...st.resources] })),
  };
}
