/** Exit codes of SPEC §3. */
export const EXIT = { ok: 0, findings: 1, usage: 2, internal: 3 } as const;

/** A mistake in how the command was called: exit 2 with the message, no stack. */
export class UsageError extends Error {}
