import { z } from 'zod';
import { requireAdministrator, type Operator } from '../../domain/authz.js';
import { UsageError } from '../../domain/errors.js';
import { normaliseLanguage } from '../../domain/letters/labels.js';
import { addCode } from '../../store/codes.js';
import { getConfig } from '../../store/config.js';
import type { Db } from '../../store/db.js';
import { saveStoreLabel } from '../../store/letter-labels.js';
import { buildLetters, readLetterFiles } from './load.js';

export const addTypeOptions = z.object({
  subject: z.string().trim().min(1, { message: 'the subject may not be empty' }),
  line: z.array(z.string()).default([]),
  description: z.string().trim().min(1).optional(),
  language: z.string().trim().regex(/^[A-Za-z]{2,3}([-_][A-Za-z0-9]+)?$/, { message: 'expected a language code such as en or de' }).optional(),
});
export type AddTypeOptions = z.output<typeof addTypeOptions>;

export interface AddedType {
  code: string;
  /** false: the type was there already, only its label was written. */
  added: boolean;
  language: string;
  labelAdded: boolean;
}

/** A notification type's code as typed: letters, digits, _ and -, starting with a letter. */
export function notificationTypeCode(code: string | undefined): string {
  const value = (code ?? '').trim();
  if (!/^[A-Za-z][A-Za-z0-9_-]*$/.test(value)) {
    throw new UsageError(`notification type ${value || '""'} is not a code`, 'use letters, digits, _ and -, e.g. LIBRARY_MOVE');
  }
  return value;
}

/**
 * `letters add-type` (User Administrator): a notification type and its label in one
 * language. The label is written, then checked by building the letters as a job would,
 * in one transaction: a label that does not render is rolled back, never left behind.
 */
export async function addNotificationType(db: Db, operator: Operator, value: string, o: AddTypeOptions): Promise<AddedType> {
  requireAdministrator(operator, 'adding notification types');
  const language = normaliseLanguage(o.language ?? getConfig(db, 'letters.default_language') ?? 'en');
  const files = await readLetterFiles(db);
  return db.transaction(() => {
    const added = addCode(db, 'notification_type', value, o.description ?? o.subject);
    const labelAdded = saveStoreLabel(db, { notification_type: value, language, subject: o.subject, lines: o.line }, operator.user.primary_id, new Date().toISOString());
    buildLetters(db, files).check(value, { ...operator.user, preferred_language: language });
    return { code: value, added, language, labelAdded };
  }).immediate();
}
