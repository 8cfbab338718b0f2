/**
 * The one table of AWS operations eksdoctor can call, and what IAM asks for each: the IAM action, its
 * access level and the resource type it is authorized on, as the Service Authorization Reference states
 * them ("Actions, resources, and condition keys for Amazon EKS / Amazon CloudWatch Logs / AWS
 * CloudTrail / AWS Identity and Access Management / AWS Security Token Service",
 * https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonelastickubernetesservice.html,
 * …/list_amazoncloudwatchlogs.html, …/list_awscloudtrail.html, …/list_awsidentityandaccessmanagementiam.html,
 * …/list_awssecuritytokenservice.html).
 *
 * `eksdoctor policy` prints its least-privilege policy from this table, and a unit test
 * (test/unit/permissions.test.ts) fails when a source file imports an SDK command or paginator whose
 * operation is not in it — so a new AWS call cannot ship without its permission. The operation names
 * are checked against the SDKs' own command classes by the compiler (`SdkOperation` below).
 */
import type * as CloudTrail from '@aws-sdk/client-cloudtrail';
import type * as Logs from '@aws-sdk/client-cloudwatch-logs';
import type * as Eks from '@aws-sdk/client-eks';
import type * as Iam from '@aws-sdk/client-iam';
import type * as Sts from '@aws-sdk/client-sts';

/** The IAM service prefix of each SDK client eksdoctor uses. */
export const SDK_PACKAGE_OF = {
  eks: '@aws-sdk/client-eks',
  logs: '@aws-sdk/client-cloudwatch-logs',
  cloudtrail: '@aws-sdk/client-cloudtrail',
  iam: '@aws-sdk/client-iam',
  sts: '@aws-sdk/client-sts',
} as const;
export type AwsService = keyof typeof SDK_PACKAGE_OF;

/** Operations that exist in each SDK: `XCommand` is exported for every operation X (type-only: no runtime cost). */
type OperationsOf<M> = { [K in keyof M]: K extends `${infer Op}Command` ? Op : never }[keyof M];
interface SdkOperation {
  eks: OperationsOf<typeof Eks>;
  logs: OperationsOf<typeof Logs>;
  cloudtrail: OperationsOf<typeof CloudTrail>;
  iam: OperationsOf<typeof Iam>;
  sts: OperationsOf<typeof Sts>;
}

/** The Service Authorization Reference's "Access level" column. */
export type AccessLevel = 'List' | 'Read' | 'Write' | 'Permissions management' | 'Tagging';

/**
 * What an action is authorized on (the reference's "Resource types" column; `none` = no resource type,
 * so a policy must say `"Resource": "*"`).
 */
export type ResourceKind = 'cluster' | 'access-entry' | 'log-group' | 'role' | 'user' | 'none';

/** Why an operation needs no statement in the printed policy. */
export type NotInPolicy =
  /** IAM never decides it (sts:GetCallerIdentity works even when every permission is denied). */
  | 'no-permission-needed'
  /** The kubeconfig's exec plugin credential step (`aws eks get-token --role-arn`), which kubectl needs too. */
  | 'exec-plugin-credentials';

export interface AwsOperation<S extends AwsService = AwsService> {
  service: S;
  operation: SdkOperation[S];
  accessLevel: AccessLevel;
  resource: ResourceKind;
  /** The check(s) whose facts the call gathers (src/checks ids). */
  usedBy: readonly string[];
  /** One line for the README and `policy --output text`: what the answer tells the diagnosis. */
  why: string;
  notInPolicy?: NotInPolicy;
}

/** A table row, with the operation name checked against that service's SDK. */
function op<S extends AwsService>(row: AwsOperation<S>): AwsOperation<S> {
  return row;
}

export const AWS_OPERATIONS: readonly AwsOperation[] = [
  op({ service: 'sts', operation: 'GetCallerIdentity', accessLevel: 'Read', resource: 'none', usedBy: ['aws-identity', 'token'], why: 'who your credentials (and kubectl\'s token) are', notInPolicy: 'no-permission-needed' }),
  op({ service: 'sts', operation: 'AssumeRole', accessLevel: 'Write', resource: 'role', usedBy: ['aws-identity'], why: 'the exec plugin\'s --role-arn, assumed as `aws eks get-token` assumes it', notInPolicy: 'exec-plugin-credentials' }),
  op({ service: 'eks', operation: 'DescribeCluster', accessLevel: 'Read', resource: 'cluster', usedBy: ['cluster'], why: 'status, endpoint, CA, authentication mode, endpoint access, log types' }),
  op({ service: 'eks', operation: 'ListClusters', accessLevel: 'List', resource: 'none', usedBy: ['cluster'], why: 'which cluster the kubeconfig\'s endpoint belongs to, when its name is wrong' }),
  op({ service: 'eks', operation: 'ListAccessEntries', accessLevel: 'List', resource: 'cluster', usedBy: ['access-entries'], why: 'whether your principal has an access entry' }),
  op({ service: 'eks', operation: 'DescribeAccessEntry', accessLevel: 'Read', resource: 'access-entry', usedBy: ['access-entries'], why: 'your entry\'s Kubernetes username and groups' }),
  op({ service: 'eks', operation: 'ListAssociatedAccessPolicies', accessLevel: 'List', resource: 'access-entry', usedBy: ['access-entries'], why: 'your entry\'s access policies and scope; who has cluster admin' }),
  op({ service: 'logs', operation: 'DescribeLogStreams', accessLevel: 'List', resource: 'log-group', usedBy: ['logs'], why: 'whether authenticator logging writes anything' }),
  op({ service: 'logs', operation: 'FilterLogEvents', accessLevel: 'Read', resource: 'log-group', usedBy: ['logs', 'audit-log'], why: 'authenticator lines about you; aws-auth changes in the audit log' }),
  op({ service: 'logs', operation: 'StartQuery', accessLevel: 'Read', resource: 'log-group', usedBy: ['logs'], why: 'the Logs Insights runbook query, when FilterLogEvents is denied' }),
  // The reference now lists `log-group*` for GetQueryResults, but the request names only a query ID and
  // earlier revisions listed no resource: `*` is authorized under both, and StartQuery is scoped anyway.
  op({ service: 'logs', operation: 'GetQueryResults', accessLevel: 'Read', resource: 'none', usedBy: ['logs'], why: 'the Logs Insights query\'s answer' }),
  op({ service: 'cloudtrail', operation: 'LookupEvents', accessLevel: 'Read', resource: 'none', usedBy: ['cloudtrail'], why: 'who created the cluster and changed its access entries or authentication mode' }),
  op({ service: 'iam', operation: 'GetRole', accessLevel: 'Read', resource: 'role', usedBy: ['iam'], why: 'your role\'s path, whether it still exists, when it was (re)created' }),
  op({ service: 'iam', operation: 'GetUser', accessLevel: 'Read', resource: 'user', usedBy: ['iam'], why: 'your user\'s path, whether it still exists, when it was (re)created' }),
];

/** `eks:DescribeCluster` for a table row. */
export function iamActionOf(row: Pick<AwsOperation, 'service' | 'operation'>): string {
  return `${row.service}:${row.operation}`;
}
