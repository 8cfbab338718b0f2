/**
 * aws-iam-authenticator pkg/token/token.go verifyHost: the host of a pre-signed URL must be an STS
 * endpoint of the verifier's partition. The host's region is its second label (`global` for
 * sts.amazonaws.com, accepted in `aws` only); the host must be one the SDK's STS endpoint rules give for
 * that region (plain, FIPS, dual-stack; an unknown region resolves in the commercial format) or the
 * default hostname of the server's own region, and its domain must be the partition's (pkg/endpoints).
 */
import { goQuote } from './go-strings.js';

interface PartitionEndpoints {
  regionPattern: RegExp;
  dnsSuffix: string;
  dualStackDnsSuffix?: string;
}

/** aws-sdk-go-v2 internal/endpoints/awsrulesfn partitions.json, the fields the STS rules use. */
const PARTITION_ENDPOINTS: Record<string, PartitionEndpoints> = {
  aws: { regionPattern: /^(us|eu|ap|sa|ca|me|af|il|mx)-\w+-\d+$/, dnsSuffix: 'amazonaws.com', dualStackDnsSuffix: 'api.aws' },
  'aws-cn': { regionPattern: /^cn-\w+-\d+$/, dnsSuffix: 'amazonaws.com.cn', dualStackDnsSuffix: 'api.amazonwebservices.com.cn' },
  'aws-us-gov': { regionPattern: /^us-gov-\w+-\d+$/, dnsSuffix: 'amazonaws.com', dualStackDnsSuffix: 'api.aws' },
  'aws-iso': { regionPattern: /^us-iso-\w+-\d+$/, dnsSuffix: 'c2s.ic.gov' },
  'aws-iso-b': { regionPattern: /^us-isob-\w+-\d+$/, dnsSuffix: 'sc2s.sgov.gov' },
  'aws-iso-e': { regionPattern: /^eu-isoe-\w+-\d+$/, dnsSuffix: 'cloud.adc-e.uk' },
  'aws-iso-f': { regionPattern: /^us-isof-\w+-\d+$/, dnsSuffix: 'csp.hci.ic.gov' },
  'aws-eusc': { regionPattern: /^eusc-(de)-\w+-\d+$/, dnsSuffix: 'amazonaws.eu', dualStackDnsSuffix: 'api.amazonwebservices.eu' },
};

/** pkg/endpoints GetSTSPartitionDomain / GetSTSDualStackPartitionDomain. */
const STS_DOMAINS: Record<string, { domain: string; dualStack?: string }> = {
  aws: { domain: 'amazonaws.com', dualStack: 'api.aws' },
  'aws-cn': { domain: 'amazonaws.com.cn', dualStack: 'api.amazonwebservices.com.cn' },
  'aws-us-gov': { domain: 'amazonaws.com', dualStack: 'api.aws' },
  'aws-iso': { domain: 'c2s.ic.gov' },
  'aws-iso-b': { domain: 'sc2s.sgov.gov' },
  'aws-iso-e': { domain: 'cloud.adc-e.uk' },
  'aws-iso-f': { domain: 'csp.hci.ic.gov' },
  'aws-eusc': { domain: 'amazonaws.eu', dualStack: 'api.amazonwebservices.eu' },
};

/** `sts.<region>.<partition DNS suffix>`: the regional STS host botocore's endpoint data gives (sts_regional_endpoints = regional). */
export function regionalStsHost(region: string): string {
  const p = Object.values(PARTITION_ENDPOINTS).find((e) => e.regionPattern.test(region)) ?? PARTITION_ENDPOINTS.aws!;
  return `sts.${region}.${p.dnsSuffix}`;
}

/** token.go getStsRegion. */
export function stsRegionOfHost(host: string): { ok: true; region: string } | { ok: false; error: string } {
  if (host === '') return { ok: false, error: 'host is empty' };
  const parts = host.split('.');
  if (parts.length < 3) return { ok: false, error: `invalid host format: ${host}` };
  return { ok: true, region: host === 'sts.amazonaws.com' ? 'global' : parts[1]! };
}

/** token.go validateInputRegion (ported from aws-sdk-go v1). */
function validRegion(region: string): boolean {
  return /^[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?$/.test(region);
}

/** The hosts the SDK's STS endpoint rules resolve for a region with every FIPS / dual-stack combination. */
function resolvedStsHosts(region: string): string[] {
  const [name, p] = Object.entries(PARTITION_ENDPOINTS).find(([, e]) => e.regionPattern.test(region)) ?? ['aws', PARTITION_ENDPOINTS.aws!];
  const hosts = [p.dualStackDnsSuffix && `sts-fips.${region}.${p.dualStackDnsSuffix}`, name === 'aws-us-gov' ? `sts.${region}.amazonaws.com` : `sts-fips.${region}.${p.dnsSuffix}`];
  if (p.dualStackDnsSuffix) hosts.push(`sts.${region}.${p.dualStackDnsSuffix}`);
  hosts.push(region === 'aws-global' ? 'sts.amazonaws.com' : `sts.${region}.${p.dnsSuffix}`);
  return hosts.filter((h): h is string => !!h);
}

/**
 * The FormatError message (after `input token was not properly formatted: `) for a host this verifier
 * refuses, or `plain` for the one error token.go returns without that prefix; undefined when accepted.
 */
export function stsHostProblem(host: string, verifier: { partition: string; region: string }): { message: string; plain?: true } | undefined {
  const r = stsRegionOfHost(host);
  if (!r.ok) return { message: `could not parse region for pre-signed URL ${host}, ${r.error}` };
  if (r.region === 'global') return verifier.partition === 'aws' ? undefined : { message: `global endpoint unsupported in partition ${verifier.partition}` };
  if (!validRegion(r.region)) return { message: `invalid region identifier format provided: ${r.region}` };
  const unexpected = { message: `unexpected hostname ${goQuote(host)} in pre-signed URL` };
  const domains = STS_DOMAINS[verifier.partition];
  if (!resolvedStsHosts(r.region).includes(host)) {
    // getDefaultHostNamesForRegion: regions the SDK does not know yet, for the server's own region.
    if (!domains || !validRegion(verifier.region)) return unexpected;
    const defaults = [`sts.${verifier.region}.${domains.domain}`, ...(domains.dualStack ? [`sts.${verifier.region}.${domains.dualStack}`] : [])];
    return defaults.includes(host) ? undefined : unexpected;
  }
  const labels = host.split('.');
  if (labels.length < 4) return { message: `invalid host format, too few labels: ${host}`, plain: true };
  const domain = labels.slice(2).join('.');
  if (!domains) return { message: `partition ${verifier.partition} not valid`, plain: true };
  if (domain !== domains.domain && domain !== domains.dualStack) return { message: `partition {${verifier.partition}} does not support hostname ${host}` };
  return undefined;
}
