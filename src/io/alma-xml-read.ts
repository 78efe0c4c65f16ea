import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { InputError } from '../domain/errors.js';
import { RecordError, type FileStats, type ReadItem } from '../domain/import-record.js';
import { almaPrimaryId, almaUserToRecord, isAlmaUserObject, partialPage } from './alma-user-in.js';
import { isObj, ShapeError, type Obj } from './alma-value-shape.js';

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
/** Wrappers of what alma-users does not model: whatever they hold is ignored. */
const UNREAD = new Set(['proxy_for_users', 'library_notices']);

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '',
  textNodeName: '#text',
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  // Numeric character references (M&#252;ller, as SIS exports write them) are decoded;
  // without this they would be stored as written. Named ones other than XML's five are
  // refused before parsing (refuseUnsafe).
  htmlEntities: true,
  captureMetaData: true,
  isArray: (name) => ITEMS.has(name),
});
const META = XMLParser.getMetaDataSymbol() as unknown as string;

function normalise(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(normalise);
  if (typeof v !== 'object' || v === null) return v;
  const out: Obj = {};
  for (const [k, val] of Object.entries(v as Obj)) {
    const item = WRAPPERS[k];
    if (item !== undefined) {
      const inner = isObj(val) ? val[item] : undefined;
      // Read as an empty list, <emails><mail>...</mail></emails> would delete every email of an existing user.
      if (!UNREAD.has(k)) {
        const other = isObj(val) ? Object.keys(val).find((x) => x !== item) : undefined;
        const found = Array.isArray(val) ? `${val.length} <${k}> elements`
          : other !== undefined ? (other === '#text' ? 'text' : `<${other}>`) : isObj(val) || val === '' ? undefined : 'text';
        if (found !== undefined) throw new RecordError(`${k}: expected <${item}> elements in one <${k}>, found ${found}`);
      }
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

const PREDEFINED = new Set(['amp', 'lt', 'gt', 'quot', 'apos']);
const REFERENCES = /<!--[\s\S]*?-->|<!\[CDATA\[[\s\S]*?\]\]>|<!DOCTYPE|&(#x[0-9a-fA-F]+|#[0-9]+|[A-Za-z_:][\w.:-]*);/gi;

/** Why a character reference names no character XML may hold, or undefined. */
function noCharacter(code: number): string | undefined {
  if (code > 0x10ffff) return 'beyond U+10FFFF, the last character';
  if (code >= 0xd800 && code <= 0xdfff) return 'half of a UTF-16 surrogate pair, not a character';
  if (code === 0 || code === 0xfffe || code === 0xffff) return 'not a character XML may hold';
  return undefined;
}

/**
 * Refuses what a user file never needs and a parser would read in surprising ways: a
 * DOCTYPE (which may declare entities that expand), a named entity other than XML's five
 * (&nosuch; would be stored as written), and a reference to no character (&#x110000;
 * would be stored as written, &#xD800; dropped). Comments and CDATA are skipped.
 */
function refuseUnsafe(xml: string, file: string): void {
  const where = (index: number) => ({ file, line: xml.slice(0, index).split('\n').length });
  for (let m = REFERENCES.exec(xml); m; m = REFERENCES.exec(xml)) {
    const [whole, ref] = m;
    if (whole.toUpperCase() === '<!DOCTYPE') {
      REFERENCES.lastIndex = 0;
      throw new InputError('holds a DOCTYPE: alma-users reads no document type or entity declarations', where(m.index),
        'nothing was imported; remove the <!DOCTYPE ...> declaration (an Alma user file has none) and run again');
    }
    if (ref === undefined || whole[0] !== '&') continue;
    const numeric = ref[0] === '#';
    const why = numeric ? noCharacter(ref[1] === 'x' || ref[1] === 'X' ? parseInt(ref.slice(2), 16) : Number(ref.slice(1))) : PREDEFINED.has(ref) ? undefined : 'an entity no declaration defines';
    if (why !== undefined) {
      REFERENCES.lastIndex = 0;
      throw new InputError(`${whole.slice(0, 40)} is ${why}`, where(m.index),
        `nothing was imported; write the character itself (the file is UTF-8)${numeric ? '' : ', or &amp; for an &'}, and run again`);
    }
  }
}

/** The parser's own refusals (a reserved name such as __proto__, nesting past its limit) as sentences. */
function parse(xml: string, file: string): Obj {
  try {
    return parser.parse(xml) as Obj;
  } catch (e) {
    const msg = (e as Error).message;
    const reserved = /Invalid name: "([^"]*)" is a reserved/.exec(msg);
    if (reserved) {
      const at = xml.indexOf(`<${reserved[1]}`);
      throw new InputError(`<${reserved[1]}> is no Alma user field, and its name is reserved`, { file, ...(at >= 0 ? { line: xml.slice(0, at).split('\n').length } : {}) },
        `nothing was imported; remove the element <${reserved[1]}> and run again`);
    }
    if (/nested/i.test(msg)) throw new InputError('elements nested too deeply for a user file', { file }, 'nothing was imported; give a file of Alma users');
    throw new InputError(`not readable as XML: ${msg}`, { file }, 'nothing was imported; fix the file and run again');
  }
}

/**
 * The validator's words, except for a file that ends with elements still open (a copy or a
 * download cut short), which it reports as the JSON of their names: said as the tags left open.
 */
function validatorMessage(msg: string): string {
  const open = /^Invalid '\[([^\]]*)\]' found\.?$/.exec(msg.replace(/\s+/g, ' '));
  if (!open) return msg;
  const names = [...open[1]!.matchAll(/"([^"]*)"/g)].map((m) => `<${m[1]!}>`);
  return `the file ends with ${names.join(', ')} still open (cut short?)`;
}

export function readAlmaXml(file: string, text: string, stats: FileStats): ReadItem[] {
  const xml = controlReferences(text.replace(/^\uFEFF/, ''));
  refuseUnsafe(xml, file);
  const valid = XMLValidator.validate(xml);
  if (valid !== true) {
    throw new InputError(`not well-formed XML: ${validatorMessage(valid.err.msg)}`, { file, line: valid.err.line }, 'nothing was imported; fix the file and run again');
  }
  const doc = parse(xml, file);
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
    if (!isAlmaUserObject(raw)) return { at, error: 'not a user: no <primary_id>' };
    let u: Obj = raw;
    try {
      u = normalise(raw) as Obj;
      return almaUserToRecord(u, at);
    } catch (e) {
      if (e instanceof RecordError) return { at, primary_id: almaPrimaryId(u), error: e instanceof ShapeError ? e.inXml() : e.message };
      throw e;
    }
  });
}
