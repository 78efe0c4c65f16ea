import type { Db } from '../../store/db.js';
import { loadLetters } from './load.js';

/** A type alias, not an interface: output rows are plain records. */
export type NotificationTypeRow = {
  code: string;
  description: string | null;
  carries_password: boolean;
  languages: string[];
  /** 'ok', or which language lacks the type's labels. */
  labels: string;
};

/** `letters types`: the notification types, and whether the default language has labels for each. */
export async function notificationTypes(db: Db): Promise<NotificationTypeRow[]> {
  const renderer = await loadLetters(db);
  return renderer.types().map((t) => ({
    code: t.code,
    description: t.description ?? null,
    carries_password: t.carries_password,
    languages: t.languages,
    labels: t.languages.includes(renderer.defaultLanguage) ? 'ok' : `MISSING in ${renderer.defaultLanguage}`,
  }));
}
