/**
 * EKS control-plane API (REST-JSON, botocore data/eks/2017-11-01/service-2.json): the read
 * operations eksdoctor uses; every other method on these paths is a mutation and is refused.
 */
import type { ScenarioAccessEntry } from './scenario.js';
import { ACCESS_POLICIES } from './access-policies.js';
import { paginate } from './pagination.js';
import { isDenied, type AwsRequest, type JsonReply, type ServiceContext } from './aws-request.js';
import { isRoleArn, roleNameOf, accountOf } from './state.js';

export interface EksRoute {
  operation: string;
  mutating: boolean;
  cluster?: string;
  principalArn?: string;
}

/** Maps method + path to the EKS operation (service-2.json `http.requestUri`). */
export function routeEks(method: string, rawPath: string): EksRoute {
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

function error(status: number, code: string, message: string): JsonReply & { errorCode: string } {
  return { status, body: { message }, errorCode: code };
}

export type EksReply = JsonReply & { errorCode?: string };

export function handleEks(req: AwsRequest, route: EksRoute, ctx: ServiceContext): EksReply {
  const { scenario } = ctx.state;
  const region = scenario.region;
  const clusterArn = (name: string) => `arn:aws:eks:${region}:${scenario.account}:cluster/${name}`;
  const action = `eks:${route.operation}`;
  const deniedOn = route.cluster ? clusterArn(route.cluster) : `arn:aws:eks:${region}:${scenario.account}:cluster/*`;

  if (route.mutating || route.operation === 'Unknown') {
    if (route.operation === 'Unknown' && !route.mutating) return error(404, 'UnknownOperationException', 'Unknown operation');
    // The emulator is read-only by design (SPEC §1): mutations are recorded and refused like an IAM deny.
    return error(403, 'AccessDeniedException', `User: ${req.caller.arn} is not authorized to perform: ${action} on resource: ${deniedOn}`);
  }
  if (isDenied(ctx, action)) {
    return error(403, 'AccessDeniedException', `User: ${req.caller.arn} is not authorized to perform: ${action} on resource: ${deniedOn}`);
  }
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

  const mode = scenario.cluster.authenticationMode ?? 'CONFIG_MAP';
  if (mode === 'CONFIG_MAP') {
    // SPEC §9 / EKS access-entries.html: access entries need mode API or API_AND_CONFIG_MAP.
    return error(
      400,
      'InvalidRequestException',
      "The cluster's authentication mode must be set to one of [API, API_AND_CONFIG_MAP] to perform this operation.",
    );
  }
  const entries = scenario.accessEntries ?? [];
  if (route.operation === 'ListAccessEntries') {
    const policy = req.query.get('associatedPolicyArn');
    const arns = entries.filter((e) => !policy || (e.policies ?? []).some((p) => p.policyArn === policy)).map((e) => e.principalArn);
    const p = paginate(arns, maxResults, nextToken);
    if (p === 'bad-token') return error(400, 'InvalidParameterException', 'The nextToken provided is invalid.');
    return { status: 200, body: { accessEntries: p.page, nextToken: p.nextToken } };
  }
  const entry = entries.find((e) => e.principalArn === route.principalArn);
  if (!entry) {
    return error(
      404,
      'ResourceNotFoundException',
      `The specified principalArn could not be found. You can view your available access entries with 'list-access-entries'.`,
    );
  }
  const created = Math.floor((ctx.startedAt - 20 * 86_400_000) / 1000);
  if (route.operation === 'DescribeAccessEntry') {
    return { status: 200, body: { accessEntry: describeAccessEntry(ctx, entry, created) } };
  }
  // ListAssociatedAccessPolicies
  const associated = (entry.policies ?? []).map((p) => ({
    policyArn: p.policyArn,
    accessScope: { type: p.accessScope.type, namespaces: p.accessScope.namespaces ?? [] },
    associatedAt: created,
    modifiedAt: created,
  }));
  const p = paginate(associated, maxResults, nextToken);
  if (p === 'bad-token') return error(400, 'InvalidParameterException', 'The nextToken provided is invalid.');
  return {
    status: 200,
    body: { clusterName: scenario.cluster.name, principalArn: entry.principalArn, nextToken: p.nextToken, associatedAccessPolicies: p.page },
  };
}

/** The `Cluster` shape (service-2.json): timestamps are epoch seconds in REST-JSON. */
function describeCluster(ctx: ServiceContext): Record<string, unknown> {
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
    createdAt: Math.floor((ctx.startedAt - 90 * 86_400_000) / 1000),
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
function describeAccessEntry(ctx: ServiceContext, entry: ScenarioAccessEntry, created: number): Record<string, unknown> {
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
    accessEntryArn: `arn:aws:eks:${scenario.region}:${scenario.account}:access-entry/${scenario.cluster.name}/${role ? 'role' : 'user'}/${account}/${name}/${entryUuid(entry.principalArn)}`,
    createdAt: created,
    modifiedAt: created,
    tags: {},
    username,
    type: entry.type ?? 'STANDARD',
  };
}

/** EKS suffixes access-entry ARNs with an ID; derive it from the principal so it is stable. */
function entryUuid(principalArn: string): string {
  let h = 0;
  for (const ch of principalArn) h = (h * 31 + ch.charCodeAt(0)) >>> 0;
  const hex = h.toString(16).padStart(8, '0');
  return `a0c6b3${hex.slice(0, 2)}-${hex.slice(2, 6)}-4${hex.slice(6, 8)}d-8e1f-${hex}0a1b`;
}
