import type { SyncReport } from '../../src/app/sync/report.js';
import { userStores } from './users.js';

/** One user of a SIS file, as a test writes it: what is left out is not in the record. */
export interface SisUser {
  id: string;
  first?: string;
  last?: string;
  group?: string;
  email?: string;
  barcode?: string;
  expiry?: string;
  /** More XML inside <user>, as written. */
  xml?: string;
}

const tag = (name: string, v: string | undefined) => (v === undefined ? '' : `<${name}>${v}</${name}>`);

/** A SIS XML file as Alma loads it: <users> holding <user> records. */
export function sisXml(users: SisUser[]): string {
  const one = (u: SisUser) =>
    `<user>${tag('primary_id', u.id)}${tag('first_name', u.first)}${tag('last_name', u.last)}${tag('user_group', u.group)}` +
    `${tag('expiry_date', u.expiry)}` +
    (u.email ? `<contact_info><emails><email preferred="true"><email_address>${u.email}</email_address></email></emails></contact_info>` : '') +
    (u.barcode ? `<user_identifiers><user_identifier><id_type>BARCODE</id_type><value>${u.barcode}</value></user_identifier></user_identifiers>` : '') +
    `${u.xml ?? ''}</user>`;
  return `<?xml version="1.0" encoding="UTF-8"?>\n<users>\n${users.map(one).join('\n')}\n</users>\n`;
}

/**
 * userStores() for sync tests: `sync(xml-or-file, ...options)` writes the SIS file (when
 * given XML) and runs `users sync --format json` on it; `user(id)` is `users show --format json`.
 */
export function syncStores() {
  const store = userStores();
  let n = 0;
  return async () => {
    const s = await store();
    const sync = async (fileOrXml: string, ...args: string[]) => {
      const file = fileOrXml.startsWith('<') ? s.file(`sis-${++n}.xml`, fileOrXml) : fileOrXml;
      const r = await s.run(['--format', 'json', 'users', 'sync', file, ...args]);
      return { ...r, report: r.stdout ? (JSON.parse(r.stdout) as SyncReport) : undefined };
    };
    return { ...s, sync, user: s.show };
  };
}
