import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { InputError } from '../domain/errors.js';
import { RecordError, type FileStats, type ReadItem } from '../domain/import-record.js';
import { almaPrimaryId, almaUserToRecord, isAlmaUserObject, partialPage } from './alma-user-in.js';

/**
 * Alma XML: one <user>, or any root whose children are <user> (<users>, <userRecords>).
 * The XML is brought into the shape of Alma JSON (text with a desc attribute becomes
 * {value, desc}; list wrappers such as <user_identifiers><user_identifier> become the
 * singular key holding an array; attributes such as segment_type become fields), so one
 * mapping (alma-user-in.ts) reads both.
 */

/** List wrapper -> item, as Alma writes them. */
const WRAPPERS: Record<string, string> = {
  user_identifiers: 'user_identifier', user_roles: 'user_role', user_blocks: 'user_block',
  user_notes: 'user_note', user_statistics: 'user_statistic', rs_libraries: 'rs_library',
  addresses: 'address', emails: 'email', phones: 'phone', address_types: 'address_type',
  email_types: 'email_type', phone_types: 'phone_type', parameters: 'parameter',
  proxy_for_users: 'proxy_for_user', library_notices: 'library_notice',
};
const ITEMS = new Set([...Object.values(WRAPPERS), 'user']);

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '',
  textNodeName: '#text',
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  // Numeric character references (M&#252;ller, as SIS exports write them) are decoded;
  // without this they would be stored as written.
  htmlEntities: true,
  captureMetaData: true,
  isArray: (name) => ITEMS.has(name),
});
const META = XMLParser.getMetaDataSymbol() as unknown as string;

type Obj = Record<string, unknown>;

function normalise(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(normalise);
  if (typeof v !== 'object' || v === null) return v;
  const out: Obj = {};
  for (const [k, val] of Object.entries(v as Obj)) {
    const item = WRAPPERS[k];
    if (item !== undefined) {
      const inner = typeof val === 'object' && val !== null ? (val as Obj)[item] : undefined;
      out[item] = inner === undefined ? [] : normalise(inner);
    } else {
      out[k === '#text' ? 'value' : k] = normalise(val);
    }
  }
  return out;
}

/** 1-based line of a character offset. */
function lineAt(starts: number[], index: number): number {
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (starts[mid]! <= index) lo = mid;
    else hi = mid - 1;
  }
  return lo + 1;
}

/**
 * A reference to a control character (&#x1b;) is dropped by the parser without a word; as
 * the character itself it reaches the import, which rejects the user naming the field.
 */
function controlReferences(xml: string): string {
  return xml.replace(/&#(x[0-9a-fA-F]+|[0-9]+);/g, (ref, n: string) => {
    const code = n[0] === 'x' ? parseInt(n.slice(1), 16) : Number(n);
    return (code < 0x20 && code !== 9 && code !== 10 && code !== 13) || (code >= 0x7f && code <= 0x9f) ? String.fromCharCode(code) : ref;
  });
}

export function readAlmaXml(file: string, text: string, stats: FileStats): ReadItem[] {
  const xml = controlReferences(text.replace(/^\uFEFF/, ''));
  const valid = XMLValidator.validate(xml);
  if (valid !== true) {
    throw new InputError(`not well-formed XML: ${valid.err.msg}`, { file, line: valid.err.line }, 'nothing was imported; fix the file and run again');
  }
  const doc = parser.parse(xml) as Obj;
  const rootName = Object.keys(doc).find((k) => !k.startsWith('?'));
  const root = rootName === undefined ? undefined : doc[rootName];
  let users: unknown[];
  const count = typeof root === 'object' && root !== null && !Array.isArray(root) ? (root as Obj).total_record_count : undefined;
  if (rootName === 'user') users = root as unknown[];
  else if (typeof root === 'object' && root !== null && Array.isArray((root as Obj).user)) users = (root as Obj).user as unknown[];
  // An Alma page of no users: <users total_record_count="0"/>.
  else if (rootName === 'users' && typeof count === 'string' && /^\d+$/.test(count)) users = [];
  else {
    throw new InputError(
      `not a user file: the root element <${rootName ?? ''}> is not <user> and holds no <user> elements`,
      { file },
      'nothing was imported; give a file of users (<user>, or <users> / <userRecords> holding <user> elements)',
    );
  }
  if (typeof count === 'string' && Number(count) > users.length) stats.warnings.push(partialPage(file, users.length, Number(count)));
  const starts = [0];
  for (let i = xml.indexOf('\n'); i >= 0; i = xml.indexOf('\n', i + 1)) starts.push(i + 1);
  stats.lines = xml.length === 0 || xml.endsWith('\n') ? starts.length - 1 : starts.length;
  stats.records = users.length;
  return users.map((raw, i) => {
    const meta = typeof raw === 'object' && raw !== null ? (raw as Record<string, { startIndex?: number }>)[META] : undefined;
    const at = { file, record: i + 1, ...(meta?.startIndex !== undefined ? { line: lineAt(starts, meta.startIndex) } : {}) };
    const u = normalise(raw);
    if (!isAlmaUserObject(u)) return { at, error: 'not a user: no <primary_id>' };
    try {
      return almaUserToRecord(u, at);
    } catch (e) {
      if (e instanceof RecordError) return { at, primary_id: almaPrimaryId(u), error: e.message };
      throw e;
    }
  });
}
