/**
 * Preloaded with `node --import` into a run under measurement: at exit, writes this process's peak
 * resident set size (process.resourceUsage().maxRSS, in KiB) to stderr on a line of its own.
 * Child processes (the exec plugin) are not included: /usr/bin/time -v reports the largest process.
 */
import { writeSync } from 'node:fs';
import { RSS_MARKER } from './rss-marker.js';

process.on('exit', () => {
  writeSync(2, `\n${RSS_MARKER}${process.resourceUsage().maxRSS}\n`);
});
