import fs from 'node:fs';
import path from 'node:path';
import { SMTPServer } from 'smtp-server';
import type { AddressInfo } from 'node:net';
import { measureCli, measureNode, mediansInTurns, removeStore, throughput, type BenchContext, type BenchResult, type Measurement } from './harness.js';

const WORKER = path.join(__dirname, 'letters-worker.js');
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
 * job's bulks do: sealed bodies, keys beside the store) against the same engine rendering
 * the same layout into one prepared INSERT; and 10,000 letters delivered by deliver()
 * (claim, send, mark sent and erase, each batch's commit forced to the disk) against plain
 * nodemailer with the same pool sending the same messages, all queued at once. Each figure
 * is the median of ctx.runs runs, each on a new store. Targets: 0.9 of each baseline.
 */
export const suite = {
  name: 'letters',
  async run(ctx: BenchContext): Promise<BenchResult[]> {
    const queue = (kind: 'ceiling' | 'unsealed' | 'subject') => async (i: number) => {
      const db = await newStore(ctx, `letters-${kind}-${i}`);
      const r = await work(['queue', db, String(QUEUED), kind]);
      removeStore(db);
      return r;
    };
    const [queueSubject, queueCeiling, queueUnsealed] = await mediansInTurns(ctx.runs, [queue('subject'), queue('ceiling'), queue('unsealed')]) as [Measurement, Measurement, Measurement];

    const smtp = await sink();
    const plain: Measurement[] = [];
    const ours: Measurement[] = [];
    try {
      for (let i = 0; i < ctx.runs; i++) {
        const sendDb = await newStore(ctx, `letters-send-${i}`);
        await work(['queue', sendDb, String(DELIVERED), 'subject']);
        const plainDb = path.join(ctx.dir, `letters-send-plain-${i}.db`);
        for (const beside of ['', '-letterkeys']) fs.copyFileSync(`${sendDb}${beside}`, `${plainDb}${beside}`);
        plain.push(await work(['deliver', plainDb, smtp.url, 'ceiling']));
        ours.push(await work(['deliver', sendDb, smtp.url, 'subject']));
        for (const f of [sendDb, plainDb]) removeStore(f);
      }
      if (smtp.count() !== 2 * ctx.runs * DELIVERED) throw new Error(`the SMTP server received ${smtp.count()} messages, expected ${2 * ctx.runs * DELIVERED}`);
    } finally {
      await smtp.close();
    }
    const mid = (list: Measurement[]) => [...list].sort((a, b) => a.seconds - b.seconds)[Math.floor(list.length / 2)]!;

    return [
      throughput(`render and queue ${QUEUED.toLocaleString('en')} password letters`, QUEUED, queueSubject, [
        { name: 'the same templates into one INSERT, sealed', figure: queueCeiling, min: 0.9 },
        { name: 'the same, unsealed (before issue 11)', figure: queueUnsealed },
      ]),
      throughput(`deliver ${DELIVERED.toLocaleString('en')} letters by SMTP (pool of 5)`, DELIVERED, mid(ours), [
        { name: 'plain pooled nodemailer', figure: mid(plain), min: 0.9 },
      ]),
    ];
  },
};
