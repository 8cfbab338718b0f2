/**
 * aws-iam-authenticator pkg/server/server.go renderTemplates / renderTemplate: a mapping's username and
 * each group are rendered for the caller. `{{EC2PrivateDNSName}}` needs a session named like an EC2
 * instance ID (`^i-(\w{8}|\w{17})$`) and an ec2:DescribeInstances lookup, and any failure denies the
 * caller; then `{{AccountID}}`, `{{SessionName}}` (`@` → `-`), `{{SessionNameRaw}}` and `{{AccessKeyID}}`
 * are replaced, in that order. Nothing else is a placeholder: `{{sessionname}}` stays as written.
 */
import { goQuote } from './go-strings.js';
import type { AuthenticatorIdentity } from './identity.js';

const INSTANCE_ID = /^i-(\w{8}|\w{17})$/;

/** The private DNS name of an instance (ec2provider GetPrivateDNSName), or the error EC2 gave. */
export type PrivateDnsLookup = (instanceId: string) => { ok: true; name: string } | { ok: false; error: string };

type Rendered = { ok: true; value: string } | { ok: false; error: string };

function renderOne(template: string, identity: AuthenticatorIdentity, ec2: PrivateDnsLookup): Rendered {
  let out = template;
  if (out.includes('{{EC2PrivateDNSName}}')) {
    if (!INSTANCE_ID.test(identity.sessionName)) return { ok: false, error: 'SessionName did not contain an instance id' };
    const dns = ec2(identity.sessionName);
    if (!dns.ok) return dns;
    out = out.replaceAll('{{EC2PrivateDNSName}}', dns.name);
  }
  out = out.replaceAll('{{AccountID}}', identity.accountId);
  out = out.replaceAll('{{SessionName}}', identity.sessionName.replaceAll('@', '-'));
  out = out.replaceAll('{{SessionNameRaw}}', identity.sessionName);
  out = out.replaceAll('{{AccessKeyID}}', identity.accessKeyId);
  return { ok: true, value: out };
}

export type RenderedMapping = { ok: true; username: string; groups: string[] } | { ok: false; error: string };

/** server.go renderTemplates: the username first, then every group; the first failure is the error. */
export function renderMapping(mapping: { username: string; groups: readonly string[] }, identity: AuthenticatorIdentity, ec2: PrivateDnsLookup): RenderedMapping {
  const username = renderOne(mapping.username, identity, ec2);
  if (!username.ok) return { ok: false, error: `error rendering username template ${goQuote(mapping.username)}: ${username.error}` };
  const groups: string[] = [];
  for (const g of mapping.groups) {
    const group = renderOne(g, identity, ec2);
    if (!group.ok) return { ok: false, error: `error rendering group template ${goQuote(g)}: ${group.error}` };
    groups.push(group.value);
  }
  return { ok: true, username: username.value, groups };
}
