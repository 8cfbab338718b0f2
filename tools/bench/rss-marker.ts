/** The line rss-probe.ts writes to stderr at exit, and bench.ts reads back (peak RSS in KiB). */
export const RSS_MARKER = 'EKSDOCTOR_BENCH_MAXRSS_KB=';
