import fs from 'node:fs';
import os from 'node:os';

/**
 * Whether a process of this machine still runs: how a job or a letter claimed by a pid is
 * known to be abandoned after kill -9 or a power loss.
 */
export function processAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    // EPERM: the process exists but belongs to someone else.
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

let boot: string | null | undefined;

/**
 * This boot of the machine (Linux), or null where the system does not say. A pid recorded
 * in an earlier boot may have been given to another process since: it proves nothing.
 * Read once, and only when something needs judging.
 */
export function bootId(): string | null {
  if (boot === undefined) {
    try {
      boot = fs.readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim() || null;
    } catch {
      boot = null;
    }
  }
  return boot;
}

/** Who runs a job or sends a letter: enough to tell later whether it is still there. */
export interface ProcessRef {
  pid: number;
  host: string;
  boot: string | null;
}

export function thisProcess(): ProcessRef {
  return { pid: process.pid, host: os.hostname(), boot: bootId() };
}

/**
 * Whether the process that recorded (host, pid, boot) is certainly gone. On another host
 * nobody here can tell (false); in an earlier boot it is gone whatever its pid; without a
 * boot id on either side, the pid decides.
 */
export function processGone(ref: { pid: number | null; host: string | null; boot: string | null }, host = os.hostname()): boolean {
  if (ref.host !== host) return false;
  if (ref.pid === null) return true;
  if (ref.boot !== null) {
    const now = bootId();
    if (now !== null && now !== ref.boot) return true;
  }
  return !processAlive(ref.pid);
}
