/**
 * EKS control-plane API (REST-JSON, botocore data/eks/2017-11-01/service-2.json): routing, and the read
 * operations eksdoctor uses (the writes are in eks-writes.ts). IAM authorization happens before
 * (aws-authorization.ts); the cluster's access configuration is read live from the state, which the
 * writes change.
 */
import type { ScenarioAccessEntry, ScenarioAccessPolicy } from './scenario.js';
import { ACCESS_POLICIES } from './access-policies.js';
import { paginate } from './pagination.js';
import type { AwsRequest, JsonReply, ServiceContext } from './aws-request.js';
import { accessEntryArn } from './iam-actions.js';
import { effectiveAccessEntries } from './kube/mapping.js';
import { isRoleArn, roleNameOf, accountOf } from './state.js';
import { accessEntryCreatedAt, clusterCreatedAt } from './timeline.js';

export interface EksRoute {
  operation: string;
  mutating: boolean;
  cluster?: string;
  principalArn?: string;
  policyArn?: string;
  /** The URI labels as sent (still percent-encoded), by their locationName, as CloudTrail records them. */
  labels?: Record<string, string>;
}

/** Maps method + path to the EKS operation (service-2.json `http.requestUri`). */
export function routeEks(method: string, rawPath: string): EksRoute {
  const route = routeEksOperation(method, rawPath);
  const raw = rawPath.split('/').filter((s) => s !== '');
  const labels: Record<string, string> = {};
  if (raw[0] === 'clusters' && raw[1] !== undefined) labels.name = raw[1];
  if (raw[2] === 'access-entries' && raw[3] !== undefined) labels.principalArn = raw[3];
  if (raw[4] === 'access-policies' && raw[5] !== undefined) labels.policyArn = raw[5];
  const policyArn = raw[5] !== undefined && raw[4] === 'access-policies' ? safeDecode(raw[5]) : undefined;
  return { ...route, ...(policyArn && { policyArn }), ...(Object.keys(labels).length && { labels }) };
}

function routeEksOperation(method: string, rawPath: string): EksRoute {
  const segs = rawPath.split('/').filter((s) => s !== '').map((s) => safeDecode(s));
  const get = method === 'GET';
  const [root, cluster, sub, principalArn, sub2] = segs;
  if (root === 'access-policies' && segs.length === 1) return { operation: get ? 'ListAccessPolicies' : 'Unknown', mutating: !get };
  if (root !== 'clusters') return { operation: 'Unknown', mutating: !get };
  if (segs.length === 1) return get ? { operation: 'ListClusters', mutating: false } : { operation: 'CreateCluster', mutating: true };
  if (segs.length === 2) {
    if (get) return { operation: 'DescribeCluster', mutating: false, cluster };
    return { operation: method === 'DELETE' ? 'DeleteCluster' : 'Unknown', mutating: true, cluster };
  }
  if (sub === 'access-entries') {
    if (segs.length === 3) {
      return get ? { operation: 'ListAccessEntries', mutating: false, cluster } : { operation: 'CreateAccessEntry', mutating: true, cluster };
    }
    if (segs.length === 4) {
      if (get) return { operation: 'DescribeAccessEntry', mutating: false, cluster, principalArn };
      return { operation: method === 'DELETE' ? 'DeleteAccessEntry' : 'UpdateAccessEntry', mutating: true, cluster, principalArn };
    }
    if (sub2 === 'access-policies') {
      if (segs.length === 5 && get) return { operation: 'ListAssociatedAccessPolicies', mutating: false, cluster, principalArn };
      return { operation: method === 'DELETE' ? 'DisassociateAccessPolicy' : 'AssociateAccessPolicy', mutating: true, cluster, principalArn };
    }
  }
  if (sub === 'update-config' && !get) return { operation: 'UpdateClusterConfig', mutating: true, cluster };
  if (sub === 'updates' && !get) return { operation: 'UpdateClusterVersion', mutating: true, cluster };
  return { operation: 'Unknown', mutating: !get, cluster };
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

export function error(status: number, code: string, message: string): JsonReply & { errorCode: string } {
  return { status, body: { message }, errorCode: code };
}

export type EksReply = JsonReply & { errorCode?: string };

export function handleEks(req: AwsRequest, route: EksRoute, ctx: ServiceContext): EksReply {
  const { scenario } = ctx.state;
  if (route.operation === 'Unknown') return error(404, 'UnknownOperationException', 'Unknown operation');
  const maxResults = Number(req.query.get('maxResults') ?? 100);
  if (!Number.isInteger(maxResults) || maxResults < 1 || maxResults > 100) {
    return error(400, 'InvalidParameterException', 'maxResults must be between 1 and 100.');
  }
  const nextToken = req.query.get('nextToken') ?? undefined;

  if (route.operation === 'ListAccessPolicies') {
    const p = paginate(ACCESS_POLICIES, maxResults, nextToken);
    if (p === 'bad-token') return error(400, 'InvalidParameterException', 'The nextToken provided is invalid.');
    return { status: 200, body: { accessPolicies: p.page, nextToken: p.nextToken } };
  }
  if (route.operation === 'ListClusters') {
    const p = paginate([scenario.cluster.name], maxResults, nextToken);
    if (p === 'bad-token') return error(400, 'InvalidParameterException', 'The nextToken provided is invalid.');
    return { status: 200, body: { clusters: p.page, nextToken: p.nextToken } };
  }

  // Every remaining operation is about one cluster.
  if (route.cluster !== scenario.cluster.name) {
    return error(404, 'ResourceNotFoundException', `No cluster found for name: ${route.cluster}.`);
  }
  if (route.operation === 'DescribeCluster') return { status: 200, body: { cluster: describeCluster(ctx) } };

  const modeError = accessEntriesUnavailable(ctx);
  if (modeError) return modeError;
  const entries = effectiveAccessEntries(scenario);
  if (route.operation === 'ListAccessEntries') {
    const policy = req.query.get('associatedPolicyArn');
    const arns = entries.filter((e) => !policy || (e.policies ?? []).some((p) => p.policyArn === policy)).map((e) => e.principalArn);
    const p = paginate(arns, maxResults, nextToken);
    if (p === 'bad-token') return error(400, 'InvalidParameterException', 'The nextToken provided is invalid.');
    return { status: 200, body: { accessEntries: p.page, nextToken: p.nextToken } };
  }
  const entry = entries.find((e) => e.principalArn === route.principalArn);
  if (!entry) return entryNotFound();
  if (route.operation === 'DescribeAccessEntry') {
    return { status: 200, body: { accessEntry: describeAccessEntry(ctx, entry) } };
  }
  // ListAssociatedAccessPolicies
  const associated = (entry.policies ?? []).map((p) => associatedPolicyOf(ctx, entry, p));
  const p = paginate(associated, maxResults, nextToken);
  if (p === 'bad-token') return error(400, 'InvalidParameterException', 'The nextToken provided is invalid.');
  return {
    status: 200,
    body: { clusterName: scenario.cluster.name, principalArn: entry.principalArn, nextToken: p.nextToken, associatedAccessPolicies: p.page },
  };
}

/** Access entries need mode API or API_AND_CONFIG_MAP (SPEC §9, EKS access-entries.html). */
export function accessEntriesUnavailable(ctx: ServiceContext): EksReply | undefined {
  if ((ctx.state.scenario.cluster.authenticationMode ?? 'CONFIG_MAP') !== 'CONFIG_MAP') return undefined;
  return error(400, 'InvalidRequestException', "The cluster's authentication mode must be set to one of [API, API_AND_CONFIG_MAP] to perform this operation.");
}

export function entryNotFound(): EksReply {
  return error(404, 'ResourceNotFoundException', `The specified principalArn could not be found. You can view your available access entries with 'list-access-entries'.`);
}

const epochSeconds = (ms: number) => Math.floor(ms / 1000);

/** `AssociatedAccessPolicy`: associatedAt/modifiedAt as the entry's, or when the policy was associated later. */
export function associatedPolicyOf(ctx: ServiceContext, entry: ScenarioAccessEntry, p: ScenarioAccessPolicy): Record<string, unknown> {
  const at = epochSeconds(p.associatedAt ?? accessEntryCreatedAt(entry, ctx.state.startedAt));
  return { policyArn: p.policyArn, accessScope: { type: p.accessScope.type, namespaces: p.accessScope.namespaces ?? [] }, associatedAt: at, modifiedAt: at };
}

/** The `Cluster` shape (service-2.json): timestamps are epoch seconds in REST-JSON. */
export function describeCluster(ctx: ServiceContext): Record<string, unknown> {
  const { scenario } = ctx.state;
  const c = scenario.cluster;
  const enabled = new Set(c.logging ?? []);
  const allTypes = ['api', 'audit', 'authenticator', 'controllerManager', 'scheduler'];
  const clusterLogging = [
    { types: allTypes.filter((t) => enabled.has(t)), enabled: true },
    { types: allTypes.filter((t) => !enabled.has(t)), enabled: false },
  ].filter((l) => l.types.length > 0);
  const endpoint = ctx.endpoint();
  // A cluster still CREATING has no endpoint or CA yet: both appear once the control plane is up
  // (awscli update_kubeconfig.py reads them with .get() and a default for that reason).
  const provisioned = (c.status ?? 'ACTIVE') !== 'CREATING';
  return {
    name: c.name,
    // Cluster.id and outpostConfig exist only for local clusters on AWS Outposts (EKS API reference, Cluster).
    ...(c.id && { id: c.id }),
    arn: `arn:aws:eks:${scenario.region}:${scenario.account}:cluster/${c.name}`,
    createdAt: epochSeconds(clusterCreatedAt(scenario, ctx.state.startedAt)),
    version: c.version ?? '1.31',
    ...(provisioned && { endpoint: endpoint.url }),
    roleArn: `arn:aws:iam::${scenario.account}:role/eksClusterRole`,
    resourcesVpcConfig: {
      subnetIds: ['subnet-0a1b2c3d4e5f60001', 'subnet-0a1b2c3d4e5f60002'],
      securityGroupIds: [],
      clusterSecurityGroupId: 'sg-0a1b2c3d4e5f60003',
      vpcId: 'vpc-0a1b2c3d4e5f60004',
      endpointPublicAccess: c.endpointPublicAccess ?? true,
      endpointPrivateAccess: c.endpointPrivateAccess ?? false,
      publicAccessCidrs: c.publicAccessCidrs ?? ['0.0.0.0/0'],
    },
    kubernetesNetworkConfig: { serviceIpv4Cidr: '10.100.0.0/16', ipFamily: 'ipv4' },
    logging: { clusterLogging },
    identity: { oidc: { issuer: `https://oidc.eks.${scenario.region}.amazonaws.com/id/0123456789ABCDEF0123456789ABCDEF` } },
    status: c.status ?? 'ACTIVE',
    ...(provisioned && { certificateAuthority: { data: Buffer.from(endpoint.caPem, 'utf8').toString('base64') } }),
    ...(c.id && {
      outpostConfig: { outpostArns: [`arn:aws:outposts:${scenario.region}:${scenario.account}:outpost/op-0123456789abcdef0`], controlPlaneInstanceType: 'm5.large' },
    }),
    platformVersion: 'eks.10',
    tags: {},
    accessConfig: {
      bootstrapClusterCreatorAdminPermissions: c.bootstrapClusterCreatorAdminPermissions ?? true,
      authenticationMode: c.authenticationMode ?? 'CONFIG_MAP',
    },
  };
}

/** The `AccessEntry` shape; default usernames as EKS assigns them (creating-access-entries.html). */
export function describeAccessEntry(ctx: ServiceContext, entry: ScenarioAccessEntry): Record<string, unknown> {
  const created = epochSeconds(accessEntryCreatedAt(entry, ctx.state.startedAt));
  const modified = entry.modifiedAt !== undefined ? epochSeconds(entry.modifiedAt) : created;
  const { scenario } = ctx.state;
  const role = isRoleArn(entry.principalArn);
  const account = accountOf(entry.principalArn);
  const name = roleNameOf(entry.principalArn);
  const username =
    entry.username ?? (role ? `arn:aws:sts::${account}:assumed-role/${name}/{{SessionName}}` : entry.principalArn);
  return {
    clusterName: scenario.cluster.name,
    principalArn: entry.principalArn,
    kubernetesGroups: entry.kubernetesGroups ?? [],
    accessEntryArn: accessEntryArn(scenario, scenario.cluster.name, entry.principalArn),
    createdAt: created,
    modifiedAt: modified,
    tags: {},
    username,
    type: entry.type ?? 'STANDARD',
  };
}
