import type { AccessEntryInfo } from '../facts/access-entries.js';
import type { AwsAuthConfig, MappedIdentity } from '../facts/aws-auth.js';
import type { AwsAuthHistory } from '../facts/audit-log.js';
import type { AwsClients } from '../facts/aws/clients.js';
import type { ClusterHistory } from '../facts/cloudtrail.js';
import type { IamPrincipal } from '../facts/iam.js';
import type { LoggedAuthenticatorEvent } from '../facts/cloudwatch-logs.js';
import type { EksClusterInfo } from '../facts/eks-cluster.js';
import type { ExecPluginIntent } from '../facts/exec-plugin.js';
import type { KubeApiClient, KubeCredential } from '../facts/kube-api.js';
import type { KubeCluster, KubeContext, Kubeconfig, KubeUser } from '../facts/kubeconfig.js';

/** The kubeconfig entry kubectl would use, and what it says about the EKS cluster. */
export interface SelectedKubeconfig {
  config: Kubeconfig;
  context: KubeContext;
  cluster: KubeCluster;
  user: KubeUser;
  /** Present when the user authenticates through an exec plugin. */
  plugin?: ExecPluginIntent;
  /** The region in the EKS endpoint hostname, when the server is a real EKS endpoint. */
  serverRegion?: string;
  /** The cluster's region: the endpoint host's, else the kubeconfig cluster ARN's (never only the exec plugin's). */
  clusterRegion?: string;
  /** Decoded certificate-authority-data (or the certificate-authority file), when present. */
  caPem?: string;
}

/** An IAM principal as the cluster will see it. */
export interface Principal {
  /** As STS reports it (an assumed-role session ARN for roles). */
  arn: string;
  /** Canonical: what access entries and aws-auth are matched against (aws-iam-authenticator pkg/arn). */
  principalArn: string;
  accountId: string;
  userId?: string;
  source: 'exec-token' | 'sdk' | 'principal-option';
}

/** What the API server answered to the token kubectl sends. */
export interface KubeAccess {
  api: KubeApiClient;
  authenticated: boolean;
  username?: string;
  groups?: string[];
  /** Representative reads that RBAC and access policies allowed. */
  allowed?: string[];
}

/**
 * Facts gathered once per run; each slot is written by one check and read by the checks that
 * declare it as a dependency (STYLE: dependencies on data, not on other checks' internals).
 */
export interface Facts {
  kubeconfig?: SelectedKubeconfig;
  /** Clients signing with the working credentials (the exec plugin's profile and role). */
  aws?: AwsClients;
  /** Names those credentials (region, profile, role, environment) in shared-call keys. */
  awsKey?: string;
  sdkIdentity?: Principal;
  /** What kubectl sends to the API server. A secret: never evidence, never output. */
  credential?: KubeCredential;
  /** True when the credential is an EKS (IAM) token; the mapping checks apply only then. */
  iamCredential?: boolean;
  execIdentity?: Principal;
  /**
   * The shell's own principal when the exec plugin runs as another (its kubeconfig profile): who
   * `aws sts get-caller-identity` shows, with clients signing as it, so aws-auth can be read as the
   * person at the keyboard when kubectl's principal is refused.
   */
  shell?: { identity: Principal; clients: AwsClients; /** AWS_PROFILE, else `default` unless keys in the environment sign. */ profile?: string };
  /** The principal the cluster sees (the token's; else the SDK's; else --principal). */
  identity?: Principal;
  cluster?: EksClusterInfo;
  kube?: KubeAccess;
  accessEntries?: AccessEntriesFacts;
  awsAuth?: AwsAuthFacts;
  logs?: LogsFacts;
  /** SPEC §10: what CloudTrail, the audit log and IAM say, where they could be read. */
  cloudtrail?: ClusterHistory;
  auditLog?: AwsAuthHistory;
  iam?: IamPrincipal;
  /** Every evidence source consulted and its outcome (the report's `sources`); see recordSource. */
  sources?: Map<SourceName, SourceOutcome>;
}

export type SourceName = 'kubernetes-api' | 'eks' | 'authenticator-log' | 'cloudtrail' | 'audit-log' | 'iam';

export interface SourceOutcome {
  status: 'read' | 'denied' | 'absent' | 'skipped';
  reason?: string;
}

/** What EKS says about the principal's access entry (modes API and API_AND_CONFIG_MAP). */
export interface AccessEntriesFacts {
  /** False when the entries could not be read (denied, not enabled). */
  readable: boolean;
  entry?: AccessEntryInfo;
  /** Principals whose entries carry cluster-wide admin policies. */
  admins: string[];
  /** The entry was made for a deleted namesake of the principal (access-entry/principal-recreated). */
  stale?: boolean;
}

/** The aws-auth ConfigMap as the authenticator reads it, and what it makes of the principal. */
export interface AwsAuthFacts {
  readable: boolean;
  exists: boolean;
  config?: AwsAuthConfig;
  mapped?: MappedIdentity;
  /** Set when the content came from the audit log (the live ConfigMap could not be read). */
  fromAudit?: { at: string; by: string };
}

/** The authenticator's own account of the principal's recent attempts. */
export interface LogsFacts {
  /** The newest denial of this principal because it is not mapped. */
  notMapped?: LoggedAuthenticatorEvent;
  /** Other principals the authenticator granted system:masters in the window. */
  admins: string[];
  /** In CONFIG_MAP mode the creator appears as username=kubernetes-admin. */
  creatorArn?: string;
}

/** Notes what a source gave; the first `read` stands (a source read by one check and refused to another was still read). */
export function recordSource(facts: Facts, name: SourceName, outcome: SourceOutcome): void {
  facts.sources ??= new Map();
  if (facts.sources.get(name)?.status === 'read') return;
  facts.sources.set(name, outcome);
}
