import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { SMTPServer } from 'smtp-server';
import type { AddressInfo } from 'node:net';
import { fmtRate, measureCli, measureNode, type BenchContext, type BenchResult } from './harness.js';

const WORKER = fileURLToPath(new URL('./letters-worker.js', import.meta.url));
const QUEUED = 100_000;
const DELIVERED = 10_000;

async function work(args: string[]): Promise<{ seconds: number; peakRssMb: number }> {
  const r = await measureNode([WORKER, ...args]);
  return { seconds: (JSON.parse(r.stdout) as { seconds: number }).seconds, peakRssMb: r.peakRssMb };
}

async function newStore(ctx: BenchContext, name: string): Promise<string> {
  const db = path.join(ctx.dir, `${name}.db`);
  await measureCli(['init', '--admin', 'bench-admin'], { ALMA_USERS_DB: db });
  return db;
}

/** A local SMTP server that accepts everything, as fast as it can. */
async function sink(): Promise<{ url: string; count: () => number; close: () => Promise<void> }> {
  let n = 0;
  const server = new SMTPServer({
    authOptional: true, disabledCommands: ['STARTTLS'], logger: false,
    onData(stream, _session, callback) {
      stream.on('end', () => { n++; callback(); });
      stream.resume();
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const port = (server.server.address() as AddressInfo).port;
  return { url: `smtp://127.0.0.1:${port}`, count: () => n, close: () => new Promise((r) => server.close(() => r())) };
}

/**
 * Letters: 100,000 password letters rendered and queued (LetterRenderer + Outbox, as a
 * job's bulks do) against the same engine rendering the same layout into one prepared
 * INSERT; and 10,000 letters delivered by deliver() (claim, send, mark sent and erase,
 * checkpoint) against plain nodemailer with the same pool sending the same messages.
 */
export const suite = {
  name: 'letters',
  async run(ctx: BenchContext): Promise<BenchResult[]> {
    const ceilingDb = await newStore(ctx, 'letters-ceiling');
    const ceiling = await work(['queue', ceilingDb, String(QUEUED), 'ceiling']);
    const subjectDb = await newStore(ctx, 'letters-subject');
    const subject = await work(['queue', subjectDb, String(QUEUED), 'subject']);
    for (const f of [ceilingDb, subjectDb]) for (const x of [f, `${f}-wal`, `${f}-shm`]) fs.rmSync(x, { force: true });
    const queueRatio = ceiling.seconds / subject.seconds;

    const smtp = await sink();
    let sendSubject;
    let sendCeiling;
    try {
      const sendDb = await newStore(ctx, 'letters-send');
      await work(['queue', sendDb, String(DELIVERED), 'subject']);
      const plainDb = path.join(ctx.dir, 'letters-send-plain.db');
      fs.copyFileSync(sendDb, plainDb);
      sendCeiling = await work(['deliver', plainDb, smtp.url, 'ceiling']);
      sendSubject = await work(['deliver', sendDb, smtp.url, 'subject']);
      if (smtp.count() !== 2 * DELIVERED) throw new Error(`the SMTP server received ${smtp.count()} messages, expected ${2 * DELIVERED}`);
    } finally {
      await smtp.close();
    }
    const sendRatio = sendCeiling.seconds / sendSubject.seconds;

    return [
      {
        name: `render and queue ${QUEUED.toLocaleString('en')} letters`,
        subject: { ...subject, perSecond: QUEUED / subject.seconds },
        baseline: { ...ceiling, perSecond: QUEUED / ceiling.seconds },
        ratio: queueRatio,
        target: '>= 0.5 of the ceiling',
        met: queueRatio >= 0.5,
        notes: `alma-users ${fmtRate(QUEUED / subject.seconds)}, ceiling ${fmtRate(QUEUED / ceiling.seconds)}`,
      },
      {
        name: `deliver ${DELIVERED.toLocaleString('en')} letters by SMTP (pool of 5)`,
        subject: { ...sendSubject, perSecond: DELIVERED / sendSubject.seconds },
        baseline: { ...sendCeiling, perSecond: DELIVERED / sendCeiling.seconds },
        ratio: sendRatio,
        target: '>= 0.7 of plain nodemailer',
        met: sendRatio >= 0.7,
        notes: `deliver() ${fmtRate(DELIVERED / sendSubject.seconds)}, nodemailer ${fmtRate(DELIVERED / sendCeiling.seconds)}`,
      },
    ];
  },
};
