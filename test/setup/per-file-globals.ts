/**
 * Runs before every test file. Files share their worker's modules (vitest.config.ts: isolate false), so
 * process-wide settings one file makes would reach the next: fast-check's global configuration (a file's
 * seed and run count) is reset here, and each file that wants one sets its own.
 */
import fc from 'fast-check';

fc.resetConfigureGlobal();
