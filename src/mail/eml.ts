import fs from 'node:fs';
import nodemailer from 'nodemailer';
import { emlFile, emlTempFile, removeStaleTemps } from './eml-files.js';
import { letterHeaders, SendFailure, type OutgoingLetter, type Transport } from './transport.js';

/**
 * The default transport: each letter becomes a standard .eml file (RFC 5322, openable in
 * any mail client) in an outbox folder. A file is written under a temporary name and
 * renamed, so it is there whole or not at all, and it is named by the letter's id, so
 * writing a letter again replaces it rather than adding a second one. A temporary file
 * that a killed process left behind holds a letter, and maybe its password: it is removed
 * before each run (tidy) and when a crash is settled.
 */
export class EmlTransport implements Transport {
  readonly name: string;
  readonly description: string;
  readonly concurrency = 8;
  /** A written file is the proof that its letter went (crash recovery reads it). */
  readonly leavesProof = true;
  /** The folder, made once per run of letters (again after a failure, which may have been its removal). */
  private folder: Promise<string | undefined> | undefined;
  private readonly composer = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'windows' });

  constructor(readonly dir: string, readonly from: string) {
    this.name = `eml:${dir}`;
    this.description = `.eml files in ${dir}`;
  }

  /** The file a letter is written to. */
  fileOf(id: string): string {
    return emlFile(this.dir, id);
  }

  async send(letter: OutgoingLetter): Promise<string> {
    const file = this.fileOf(letter.id);
    try {
      // Letters carry temporary passwords: the folder and files are the operator's alone.
      this.folder ??= fs.promises.mkdir(this.dir, { recursive: true, mode: 0o700 });
      await this.folder;
      const info = await this.composer.sendMail({
        from: this.from, to: letter.to, subject: letter.subject, text: letter.text, html: letter.html,
        messageId: letter.messageId, headers: letterHeaders(letter),
      });
      // Asynchronous, so that the letters in flight are written and flushed side by side: a
      // letter is 'sent' only once its file is on the disk, the proof a crash is judged by.
      const tmp = emlTempFile(this.dir, letter.id, process.pid);
      const handle = await fs.promises.open(tmp, 'w', 0o600);
      try {
        await handle.writeFile(info.message as Buffer);
        await handle.datasync();
      } finally {
        await handle.close();
      }
      await fs.promises.rename(tmp, file);
    } catch (e) {
      this.folder = undefined;
      // A full disk or a missing permission: no letter can be written until someone fixes it.
      throw new SendFailure('fatal', `cannot write ${file}: ${(e as Error).message}`);
    }
    return `written to ${file}`;
  }

  tidy(): void {
    removeStaleTemps(this.dir);
  }

  async close(): Promise<void> {
    this.composer.close();
  }
}
