/** Exit codes of SPEC §3. */
export const EXIT = { ok: 0, findings: 1, usage: 2, internal: 3 } as const;

export { UsageError } from '../shared/errors.js';
