import { processGone } from '../../domain/processes.js';
import { emlWritten, removeStaleTemps } from '../../mail/eml-files.js';
import type { Db } from '../../store/db.js';
import { sendingLetters, settleSending, type SendingLetter, type Settled } from '../../store/outbox-states.js';

/** What a use case tells the person running it along the way (stderr, in the CLI). */
export interface Notes {
  info(message: string): void;
  warn(message: string): void;
}

export interface Recovered {
  sent: number;
  pending: number;
  uncertain: number;
}

/**
 * Settles letters left 'sending' by a process that is gone (killed, or from an earlier
 * boot whatever its pid): written .eml files are sent, unwritten ones pending again (and a
 * half-written temporary file is removed); a letter handed to an SMTP server becomes
 * 'uncertain', its body erased when it carries a password. Letters claimed by a live
 * process, or on another host, are left to it.
 */
export function recoverInterrupted(db: Db): Recovered {
  const out: Recovered = { sent: 0, pending: 0, uncertain: 0 };
  const folders = new Set<string>();
  const verdicts: { letter: SendingLetter; to: Settled }[] = [];
  for (const letter of sendingLetters(db)) {
    const [host, pid] = splitClaimer(letter.claimed_by);
    if (!processGone({ pid, host: host ?? null, boot: letter.claimed_boot })) continue;
    let to: Settled = 'uncertain';
    if (letter.transport?.startsWith('eml:')) {
      folders.add(letter.transport);
      to = emlWritten(letter.transport, letter.id) ? 'sent' : 'pending';
    }
    verdicts.push({ letter, to });
    out[to]++;
  }
  if (verdicts.length) settleSending(db, verdicts, new Date().toISOString());
  for (const name of folders) removeStaleTemps(name.slice('eml:'.length));
  return out;
}

function splitClaimer(claimedBy: string | null): [string | undefined, number | null] {
  if (!claimedBy) return [undefined, null];
  const i = claimedBy.lastIndexOf(':');
  return [claimedBy.slice(0, i), Number(claimedBy.slice(i + 1))];
}

/** What settling a dead sender's letters found, for the person who ran the command. */
export function noteRecovery(notes: Notes, r: Recovered): void {
  if (r.sent || r.pending) notes.info(`after an interruption: ${r.sent} letter(s) found written, ${r.pending} back to pending`);
  if (r.uncertain) notes.warn(`${r.uncertain} letter(s) were with the SMTP server when a process died: marked uncertain (alma-users mail list --status uncertain)`);
}
