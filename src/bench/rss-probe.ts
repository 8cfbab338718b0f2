/**
 * Preloaded with `node --import` into a run under measurement: at exit, writes this process's peak
 * resident set size (process.resourceUsage().maxRSS, in KiB) to stderr on a line of its own.
 * Child processes (the exec plugin) are not included: /usr/bin/time -v measures the whole tree.
 */
import { writeSync } from 'node:fs';

export const RSS_MARKER = 'EKSDOCTOR_BENCH_MAXRSS_KB=';

process.on('exit', () => {
  writeSync(2, `\n${RSS_MARKER}${process.resourceUsage().maxRSS}\n`);
});
