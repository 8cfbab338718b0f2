/** A mistake in how the command was called (an unknown option value, an unreadable option file): exit 2 with the message, no stack. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}
