/** Opaque offset tokens, so SDK paginators and the AWS CLI's auto-pagination walk every page. */
export function paginate<T>(items: readonly T[], limit: number, token: string | undefined): { page: T[]; nextToken?: string } | 'bad-token' {
  let offset = 0;
  if (token) {
    const decoded = Number.parseInt(Buffer.from(token, 'base64url').toString('utf8').replace(/^o:/, ''), 10);
    if (!Number.isInteger(decoded) || decoded < 0 || decoded > items.length) return 'bad-token';
    offset = decoded;
  }
  const page = items.slice(offset, offset + limit);
  const next = offset + page.length;
  return next < items.length ? { page, nextToken: Buffer.from(`o:${next}`).toString('base64url') } : { page };
}
