/**
 * Which proxy a request to the API server goes through, as client-go decides it: the cluster's
 * `proxy-url` when set (http.ProxyURL: always), else Go's http.ProxyFromEnvironment
 * (golang.org/x/net/http/httpproxy): HTTPS_PROXY/https_proxy for https URLs, HTTP_PROXY/http_proxy
 * for http, minus NO_PROXY/no_proxy; localhost and loopback addresses are never proxied from the environment.
 */
import { isIP } from 'node:net';

export interface ProxyTarget {
  host: string;
  port: number;
  https: boolean;
}

export function proxyFor(target: ProxyTarget, env: NodeJS.ProcessEnv, proxyUrl?: string): URL | undefined {
  if (proxyUrl) return parseProxy(proxyUrl);
  const host = target.host.toLowerCase();
  if (host === 'localhost' || isLoopback(host)) return undefined;
  const raw = target.https ? env.HTTPS_PROXY || env.https_proxy : env.HTTP_PROXY || env.http_proxy;
  if (!raw) return undefined;
  if (noProxyMatches(host, target.port, env.NO_PROXY || env.no_proxy || '')) return undefined;
  return parseProxy(raw);
}

/** httpproxy: a proxy without a scheme is http://. Unparseable values are ignored, as Go ignores them. */
function parseProxy(raw: string): URL | undefined {
  try {
    return new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(raw) ? raw : `http://${raw}`);
  } catch {
    return undefined;
  }
}

/** NO_PROXY entries: `*`, IPs, CIDRs, `host`, `.domain` (subdomains only), `domain` (itself and subdomains), each with an optional `:port`. */
export function noProxyMatches(host: string, port: number, noProxy: string): boolean {
  for (const raw of noProxy.split(',')) {
    const entry = raw.trim().toLowerCase();
    if (!entry) continue;
    if (entry === '*') return true;
    if (entry.includes('/')) {
      if (isIP(host) && inCidr(host, entry)) return true;
      continue;
    }
    const m = /^(\[[^\]]+\]|[^:]+)(?::(\d+))?$/.exec(entry);
    if (!m) continue;
    const name = m[1]!.replace(/^\[|\]$/g, '');
    if (m[2] !== undefined && Number(m[2]) !== port) continue;
    if (isIP(name)) {
      if (name === host) return true;
      continue;
    }
    if (name.startsWith('.') ? host.endsWith(name) : host === name || host.endsWith(`.${name}`)) return true;
  }
  return false;
}

function isLoopback(host: string): boolean {
  return /^127\./.test(host) || host === '::1' || host === '[::1]';
}

function inCidr(ip: string, cidr: string): boolean {
  const [net, bitsText] = cidr.split('/');
  const bits = Number(bitsText);
  if (isIP(ip) !== 4 || isIP(net ?? '') !== 4 || !Number.isInteger(bits) || bits < 0 || bits > 32) return false;
  const toInt = (a: string) => a.split('.').reduce((n, o) => (n << 8) + Number(o), 0) >>> 0;
  const mask = bits === 0 ? 0 : (~0 << (32 - bits)) >>> 0;
  return (toInt(ip) & mask) === (toInt(net!) & mask);
}
