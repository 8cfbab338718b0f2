/**
 * A scenario is data (fixtures/scenarios/<name>.yaml): one EKS cluster, the IAM principals its STS
 * knows, the local AWS config and kubeconfig a user would have, and what is broken.
 * The loader validates a parsed YAML document into this shape; everything optional has a default.
 */

/** Makes the builtin get-token answer a fixed apiVersion (scenario `kubeconfig.pluginReturns`). */
export const PLUGIN_API_VERSION_ENV = 'EKSDOCTOR_EMULATOR_EXEC_API_VERSION';

export type AuthenticationMode = 'CONFIG_MAP' | 'API_AND_CONFIG_MAP' | 'API';

export interface ScenarioPrincipal {
  /** Local handle used elsewhere in the scenario (profiles, creator, assumable roles). */
  name: string;
  /** IAM ARN: `arn:aws:iam::A:user/[path/]N` or `arn:aws:iam::A:role/[path/]N`. */
  arn: string;
  /** Unique ID as STS returns it (`AIDA…` users, `AROA…` roles). Generated when absent. */
  userId?: string;
  /** Long-term keys (users) or, for roles, the keys of a session of this role (ASIA…). */
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
  /** For a role session: the session name (`i-0abc…` for an EC2 instance role). */
  sessionName?: string;
  /** STS answers `ExpiredToken` for these keys. */
  expired?: boolean;
  /** STS answers `InvalidClientTokenId` for these keys. */
  invalid?: boolean;
  /** Role ARNs this principal may assume (STS AssumeRole); others answer `AccessDenied`. */
  canAssume?: string[];
  /** IAM `CreateDate`, days before the emulator starts (default: older than the cluster and every access entry). */
  createdDaysAgo?: number;
  /** The IAM principal no longer exists: `GetRole`/`GetUser` answer `NoSuchEntity` (and a deleted user's keys are gone). */
  deleted?: boolean;
  /** Has an IAM policy allowing the EKS write APIs (default: only the cluster creator has). */
  iamAdmin?: boolean;
  /** An IAM policy document this principal's AWS calls are evaluated against (EmulatorState.enforcePolicy). */
  iamPolicy?: IamPolicyDocument;
}

/** An IAM identity-based policy (Version 2012-10-17), as `eksdoctor policy` prints one. */
export interface IamPolicyDocument {
  Version?: string;
  Statement: IamPolicyStatement[] | IamPolicyStatement;
}

export interface IamPolicyStatement {
  Sid?: string;
  Effect: 'Allow' | 'Deny';
  Action?: string | string[];
  NotAction?: string | string[];
  Resource?: string | string[];
  NotResource?: string | string[];
  Condition?: unknown;
}

/** When something happened: minutes or days before the emulator starts (exactly one). */
export interface ScenarioTime {
  minutesAgo?: number;
  daysAgo?: number;
}

/** A call CloudTrail recorded (besides the derived CreateCluster); `by` names a scenario principal. */
export interface ScenarioCloudTrailEvent extends ScenarioTime {
  eventName: string;
  by: string;
  /** Default `eks.amazonaws.com`; IAM's events (`iam.amazonaws.com`) are recorded in us-east-1 only. */
  eventSource?: string;
  /** As CloudTrail records them: URI labels (`name`, `principalArn`, `policyArn`) percent-encoded as sent. Default `{ name: <cluster> }`. */
  requestParameters?: Record<string, unknown>;
  responseElements?: Record<string, unknown> | null;
}

/** A kube-apiserver audit event on kube-system/aws-auth (EKS's audit policy: update/patch/delete at RequestResponse). */
export interface ScenarioAwsAuthChange extends ScenarioTime {
  verb: 'create' | 'update' | 'patch' | 'delete';
  by: string;
  /** The request's ConfigMap `data` (update/create: all of it; patch: the merged keys). Default: the scenario's awsAuth. */
  data?: Record<string, string>;
}

export interface ScenarioAccessPolicy {
  policyArn: string;
  accessScope: { type: 'cluster' | 'namespace'; namespaces?: string[] };
  /** Set by AssociateAccessPolicy at run time (epoch ms); a scenario's policies are as old as their entry. */
  associatedAt?: number;
}

export interface ScenarioAccessEntry {
  principalArn: string;
  type?: string; // STANDARD by default
  username?: string;
  kubernetesGroups?: string[];
  policies?: ScenarioAccessPolicy[];
  /** `createdAt` (and `modifiedAt`), days before the emulator starts (default 20); older than its principal's CreateDate = a re-created principal. */
  createdDaysAgo?: number;
  /** Set by the EKS write APIs at run time (epoch ms), never in a scenario file. */
  createdAt?: number;
  modifiedAt?: number;
}

export type FaultKind = 'latency' | 'hang' | 'throttle' | '5xx';

export interface ScenarioFault {
  service: 'eks' | 'sts' | 'logs' | 'cloudtrail' | 'iam' | 'kube' | '*';
  /** AWS operation name (`DescribeCluster`) or Kubernetes path prefix (`/api/v1`); `*` for all. */
  operation?: string;
  kind: FaultKind;
  /** latency: milliseconds added. */
  ms?: number;
  /** throttle/5xx: how many calls fail before the service answers normally (default: all). */
  count?: number;
}

export interface Scenario {
  name: string;
  description: string;
  account: string;
  region: string;
  principals: ScenarioPrincipal[];
  /** What the local machine is configured with. */
  local: {
    /** Profiles written to the isolated ~/.aws/credentials: profile name → principal name. */
    profiles: Record<string, string>;
    /** Environment of the shell (e.g. AWS_PROFILE); no credentials env when empty. */
    env?: Record<string, string>;
  };
  /** How the kubeconfig for this scenario is written. */
  kubeconfig: {
    /** Default `client.authentication.k8s.io/v1beta1`. */
    apiVersion?: string;
    /** `aws-cli` (real `aws eks get-token`), `builtin` (our token generator), or a command name that does not exist. */
    command?: 'aws-cli' | 'builtin' | string;
    /** Cluster name in the exec args (default: the cluster's name). */
    clusterName?: string;
    /** Region in the exec args (default: the scenario region). */
    region?: string;
    /** `--role-arn` in the exec args. */
    roleArn?: string;
    /** `env: AWS_PROFILE` of the exec plugin. */
    profile?: string;
    /** Server URL override (a stale endpoint). */
    server?: string;
    /**
     * A static bearer token instead of an exec plugin. `expired` is materialized as a real token for
     * the shell's principal presigned 20 minutes ago (aws-iam-authenticator: valid 15 min after X-Amz-Date).
     */
    staticToken?: string;
    /** Exec args exactly as written (e.g. a hand-edited typo), instead of update-kubeconfig's. */
    args?: string[];
    /** The context's default namespace (`kubectl config set-context --current --namespace …`). */
    namespace?: string;
    /** certificate-authority-data of another cluster (a CA that did not sign the API server's certificate). */
    caFromOtherCluster?: boolean;
    /**
     * The builtin get-token answers this ExecCredential apiVersion whatever kubectl asks, as AWS CLI
     * v1 < 1.24.0 / v2 < 2.7.0 answered v1alpha1 (SPEC §9). Ignored with the real AWS CLI.
     */
    pluginReturns?: string;
  };
  cluster: {
    name: string;
    /**
     * A local cluster on AWS Outposts: its ID, which the authenticator uses as its cluster ID, so tokens
     * must carry it as `x-k8s-aws-id` (`aws eks get-token --cluster-id`), not the name.
     */
    id?: string;
    status?: 'ACTIVE' | 'CREATING' | 'DELETING' | 'FAILED' | 'UPDATING';
    version?: string;
    authenticationMode?: AuthenticationMode;
    bootstrapClusterCreatorAdminPermissions?: boolean;
    /** Principal name of the creator (an invisible admin in CONFIG_MAP mode). */
    creator?: string;
    endpointPublicAccess?: boolean;
    endpointPrivateAccess?: boolean;
    publicAccessCidrs?: string[];
    /** Enabled control-plane log types (`api`, `audit`, `authenticator`, …). */
    logging?: string[];
    /** The log group /aws/eks/<cluster>/cluster does not exist (deleted, or logging just enabled and nothing delivered yet). */
    logGroupMissing?: boolean;
    /** DescribeCluster `createdAt` and the creator's CreateCluster event (none in CloudTrail when > 90), days ago; default 60. */
    createdDaysAgo?: number;
    /** The log group's retention: older log events (authenticator, audit) are gone. Default: never expire. */
    logRetentionDays?: number;
  };
  /** The aws-auth ConfigMap `data` (raw strings, exactly as stored); absent = no ConfigMap. */
  awsAuth?: { mapRoles?: string; mapUsers?: string; mapAccounts?: string; [key: string]: string | undefined };
  accessEntries?: ScenarioAccessEntry[];
  /** Kubernetes RBAC objects as they would be applied (kind Role/ClusterRole/RoleBinding/ClusterRoleBinding). */
  rbac?: Record<string, unknown>[];
  /** Wording of the authenticator's not-mapped error (SPEC §9); default `identity is not mapped`. */
  notMappedMessage?: 'identity is not mapped' | 'Identity is not mapped' | 'ARN is not mapped';
  /** Authenticator log lines already in CloudWatch when the scenario starts; `{{time}}` becomes the line's RFC 3339 time. */
  logs?: { minutesAgo: number; message: string }[];
  faults?: ScenarioFault[];
  /** What CloudTrail and the Kubernetes audit log recorded before the emulator started. */
  history?: {
    cloudtrail?: ScenarioCloudTrailEvent[];
    /** Oldest first. */
    awsAuth?: ScenarioAwsAuthChange[];
  };
  /** IAM actions every principal is denied (`logs:StartQuery`, `eks:DescribeCluster`, `cloudtrail:LookupEvents`, `iam:GetRole`, …). */
  deny?: string[];
  /** How the person diagnosing runs `eksdoctor auth` (e.g. an on-call admin's own profile to read aws-auth). */
  run?: { profile?: string; principal?: string };
  /** test/e2e/fix-proof.test.ts: why this scenario's fix cannot be run and proven against the emulator. */
  fixProof?: { skip: string };
  /** What eksdoctor and kubectl should conclude; e2e and conformance tests read it. */
  expect: {
    exitCode: number;
    rootCauses: string[];
    /** Rules that must appear among the findings. */
    findings?: string[];
    /** `identity.principalArn` of the report: the principal the cluster sees. */
    principalArn?: string;
    /** kubectl's symptom: `ok`, `Unauthorized`, `Forbidden`, `invalid apiVersion`, `executable not found`, `timeout`, `connection refused`, `exec failed` (the plugin exited non-zero), `plugin returned v1alpha1`, `certificate signed by unknown authority`. */
    kubectl: string;
  };
}
