import path from 'node:path';
import { z } from 'zod';
import { NotFoundError } from '../../domain/errors.js';
import type { RenderedLetter } from '../../domain/letters/renderer.js';
import { preferredEmail, type StoredUser } from '../../domain/user-fields.js';
import { writePrivateFile } from '../../io/private-file.js';
import type { Db } from '../../store/db.js';
import { UserStore } from '../../store/users.js';
import { loadLetters, SAMPLE_PASSWORD } from './load.js';

export const previewOptions = z.object({
  type: z.string().trim().min(1),
  user: z.string().trim().min(1),
  html: z.string().trim().min(1).optional(),
  text: z.boolean().optional(),
}).refine((o) => !(o.html && o.text), { message: 'give --html FILE or --text, not both', path: ['text'] });
export type PreviewOptions = z.output<typeof previewOptions>;

export interface Preview {
  user: StoredUser;
  letter: RenderedLetter;
  /** Where a job would send it; null: the user has no e-mail address, and a job would skip the letter. */
  to: string | null;
  /** The sample shown in place of a temporary password, when the type carries one. */
  samplePassword: string | undefined;
  /** Where the HTML part was written (--html), resolved against `cwd`. */
  htmlFile: string | undefined;
}

/** `letters preview`: a real user's letter, a sample in place of any password; nothing is sent or stored. */
export async function previewLetter(db: Db, o: PreviewOptions, cwd: string): Promise<Preview> {
  const user = new UserStore(db).get(o.user);
  if (!user) throw new NotFoundError(`no user ${o.user}`, 'check the primary ID: alma-users users list');
  const renderer = await loadLetters(db);
  const samplePassword = renderer.carriesPassword(o.type) ? SAMPLE_PASSWORD : undefined;
  const letter = renderer.render({ user, type: o.type, password: samplePassword, jobId: null });
  let htmlFile: string | undefined;
  if (o.html) {
    htmlFile = path.resolve(cwd, o.html);
    writePrivateFile({ option: '--html', given: o.html, example: 'letter.html' }, htmlFile, letter.html);
  }
  return { user, letter, to: preferredEmail(user) ?? null, samplePassword, htmlFile };
}
