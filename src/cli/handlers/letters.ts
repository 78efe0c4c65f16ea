import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { requireAdministrator } from '../../domain/authz.js';
import { NotFoundError, UsageError } from '../../domain/errors.js';
import { loadLetters, SAMPLE_PASSWORD } from '../../app/letters/load.js';
import { normaliseLanguage, saveStoreLabel } from '../../app/letters/labels.js';
import { preferredEmail } from '../../domain/user-fields.js';
import { addCode } from '../../store/codes.js';
import { getConfig } from '../../store/config.js';
import { parseOptions, type Handler } from '../command.js';

export const types: Handler = async (ctx) => {
  const renderer = await loadLetters(ctx.store());
  const rows = renderer.types().map((t) => ({
    code: t.code,
    description: t.description ?? null,
    carries_password: t.carries_password,
    languages: t.languages,
    labels: t.languages.includes(renderer.defaultLanguage) ? 'ok' : `MISSING in ${renderer.defaultLanguage}`,
  }));
  return {
    output: {
      kind: 'list',
      columns: [
        { key: 'code', header: 'Code' }, { key: 'description', header: 'Description' },
        { key: 'carries_password', header: 'Carries password' }, { key: 'languages', header: 'Languages' },
        { key: 'labels', header: 'Labels' },
      ],
      rows,
    },
  };
};

const addTypeOptions = z.object({
  subject: z.string().trim().min(1, { message: 'the subject may not be empty' }),
  line: z.array(z.string()).default([]),
  description: z.string().trim().min(1).optional(),
  language: z.string().trim().regex(/^[A-Za-z]{2,3}([-_][A-Za-z0-9]+)?$/, { message: 'expected a language code such as en or de' }).optional(),
});

export const addType: Handler = async (ctx, [code], opts) => {
  const o = parseOptions(addTypeOptions, opts);
  const value = (code ?? '').trim();
  if (!/^[A-Za-z][A-Za-z0-9_-]*$/.test(value)) {
    throw new UsageError(`notification type ${value || '""'} is not a code`, 'use letters, digits, _ and -, e.g. LIBRARY_MOVE');
  }
  const op = ctx.operator();
  requireAdministrator(op, 'adding notification types');
  const db = ctx.store();
  const language = normaliseLanguage(o.language ?? getConfig(db, 'letters.default_language') ?? 'en');
  // Written, then checked by loading the letters as a job would, inside one transaction:
  // a label that does not render is rolled back, never left behind.
  db.exec('BEGIN IMMEDIATE');
  let added: boolean;
  let labelAdded: boolean;
  try {
    added = addCode(db, 'notification_type', value, o.description ?? o.subject);
    labelAdded = saveStoreLabel(db, { notification_type: value, language, subject: o.subject, lines: o.line }, op.user.primary_id, new Date().toISOString());
    const renderer = await loadLetters(db);
    renderer.check(value, { ...op.user, preferred_language: language });
    db.exec('COMMIT');
  } catch (e) {
    if (db.inTransaction) db.exec('ROLLBACK');
    throw e;
  }
  ctx.info(`${added ? 'added' : 'kept'} notification type ${value}; ${labelAdded ? 'added' : 'replaced'} its ${language} label`);
  return {
    output: {
      kind: 'report',
      json: { code: value, added, language, label_added: labelAdded, subject: o.subject, lines: o.line },
      sections: [{ kind: 'fields', fields: [['code', value], ['added', added], ['language', language], ['label', labelAdded ? 'added' : 'replaced'], ['subject', o.subject]] }],
    },
  };
};

const previewOptions = z.object({
  type: z.string().trim().min(1),
  user: z.string().trim().min(1),
  html: z.string().trim().min(1).optional(),
  text: z.boolean().optional(),
}).refine((o) => !(o.html && o.text), { message: 'give --html FILE or --text, not both', path: ['text'] });

export const preview: Handler = async (ctx, _args, opts) => {
  const o = parseOptions(previewOptions, opts);
  const user = ctx.users.get(o.user);
  if (!user) throw new NotFoundError(`no user ${o.user}`, 'check the primary ID: alma-users users list');
  const renderer = await loadLetters(ctx.store());
  const carries = renderer.carriesPassword(o.type);
  const letter = renderer.render({ user, type: o.type, password: carries ? SAMPLE_PASSWORD : undefined, jobId: null });
  const to = preferredEmail(user) ?? null;
  if (!to) ctx.warn(`user ${user.primary_id} has no e-mail address: a job would skip this letter with the warning "no e-mail address"`);
  if (carries) ctx.info(`the password shown, ${SAMPLE_PASSWORD}, is a sample: a job puts a new temporary password there`);
  if (o.html) {
    const file = path.resolve(ctx.io.cwd, o.html);
    fs.writeFileSync(file, letter.html);
    ctx.info(`wrote the HTML part to ${file}`);
  }
  const json = { type: o.type, primary_id: user.primary_id, to, subject: letter.subject, language: letter.language, text: letter.text, html: letter.html };
  if (o.text) return { output: { kind: 'report', json, sections: [{ kind: 'lines', lines: [letter.text.replace(/\n+$/, '')] }] } };
  return {
    output: {
      kind: 'report',
      json,
      sections: [
        { kind: 'fields', fields: [['type', o.type], ['user', user.primary_id], ['to', to ?? '(no e-mail address)'], ['subject', letter.subject], ['language', letter.language]] },
        ...(o.html ? [] : [{ kind: 'lines' as const, title: 'Text part', lines: [letter.text.replace(/\n+$/, '')] }]),
      ],
    },
  };
};
