/** A plain object (not null, not an array): what JSON and YAML mappings decode to. */
export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
