/**
 * A signal that aborts after `ms` or when `parent` does. Not AbortSignal.any([AbortSignal.timeout(ms)]):
 * on Node 20 a timeout signal that only the composite refers to can be garbage-collected and never fire
 * (nodejs/node#57736), which turns a bounded call into a hang. Here the timer holds the controller.
 */
export interface Deadline {
  signal: AbortSignal;
  /** Stops the timer and detaches from the parent; call when the work is done. */
  dispose(): void;
}

/** `reason.name` is `TimeoutError` for the bound, as AbortSignal.timeout's is; the parent's reason otherwise. */
export function deadline(ms: number, parent?: AbortSignal): Deadline {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(new DOMException('The operation timed out.', 'TimeoutError')), Math.max(0, ms));
  const onParent = () => controller.abort(parent!.reason);
  if (parent?.aborted) onParent();
  else parent?.addEventListener('abort', onParent, { once: true });
  return {
    signal: controller.signal,
    dispose: () => {
      clearTimeout(timer);
      parent?.removeEventListener('abort', onParent);
    },
  };
}
