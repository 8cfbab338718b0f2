/** A JSON object (not null, not an array): the shape every Kubernetes request body must have. */
export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
