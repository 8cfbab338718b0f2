/**
 * Work bounds that a loaded machine does not stretch: the CPU time this process spent in a synchronous
 * call (process.cpuUsage, user + system), where wall clock would also count the time other processes had
 * the cores. For the "never exponential, never quadratic" bounds of parsers; speed itself is `npm run bench`'s.
 */
export function cpuTimeMs<T>(fn: () => T): { result: T; cpuMs: number } {
  const before = process.cpuUsage();
  const result = fn();
  const used = process.cpuUsage(before);
  return { result, cpuMs: (used.user + used.system) / 1000 };
}

/**
 * How long after a reference timer of `afterMs`, started at the same moment, `fn` ended (negative: before it).
 * On a loaded machine both timers fire late by about as much (the worker waits for a core, a GC pause), so
 * "ended within N ms of its own timeout" stays a bound on the code, not on the machine.
 */
export async function endedAfter<T>(afterMs: number, fn: () => Promise<T>): Promise<{ result: T; lateMs: number }> {
  let firedAt = 0;
  const reference = new Promise<void>((resolve) =>
    setTimeout(() => {
      firedAt = performance.now();
      resolve();
    }, afterMs),
  );
  const result = await fn();
  const endedAt = performance.now();
  await reference;
  return { result, lateMs: endedAt - firedAt };
}
