/**
 * This process's own peak resident set size, in bytes.
 *
 * Not `process.resourceUsage().maxRSS` alone: on Linux getrusage's `ru_maxrss` survives `execve`,
 * and libuv starts a child by forking the parent first, so a worker spawned by an orchestrator
 * holding 300 MB reports at least 300 MB whatever it uses itself (measured here: a child of a
 * 400 MB parent reported 385 MB, its own high-water mark was 40 MB). `VmHWM` in
 * `/proc/self/status` belongs to the process's current address space, which `execve` replaces, so
 * it is the worker's alone. Elsewhere (no /proc) the getrusage value is the best there is.
 */
import fs from 'node:fs';

export function ownPeakRssBytes(): number {
  try {
    const status = fs.readFileSync('/proc/self/status', 'utf8');
    const match = /^VmHWM:\s+(\d+)\s+kB$/m.exec(status);
    if (match) return Number(match[1]) * 1024;
  } catch {
    // Not Linux: fall through.
  }
  // maxRSS is in kibibytes (getrusage).
  return process.resourceUsage().maxRSS * 1024;
}
