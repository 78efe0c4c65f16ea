import { RecordError } from '../domain/import-record.js';

/**
 * A value whose shape the Alma reader cannot read: a list where one value belongs, an object
 * without `value`, an element inside a text element. Read as empty it would clear the field
 * of an existing user, so the record is rejected, naming the field and the shape expected in
 * the terms of the file it came from (JSON by default; the XML reader asks for XML's).
 */
export class ShapeError extends RecordError {
  constructor(readonly what: string, readonly found: unknown, readonly secret = false) {
    super(shapeMessage(what, found, secret, false));
  }

  inXml(): string {
    return shapeMessage(this.what, this.found, this.secret, true);
  }
}

export type Obj = Record<string, unknown>;

/** A JSON object, or an XML element read as one (not a list). */
export function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** `address 1 city` is read from <city>, `user_role 2 parameter 1 value` from <value>. */
function element(what: string): string {
  return what.split(' ').reverse().find((p) => !/^\d+$/.test(p)) ?? what;
}

/**
 * Text the value holds, to show the shape that would have been read. Only a short plain
 * one: the message reaches terminals and logs, where a value with quotes or control
 * characters would mislead or do harm.
 */
function sample(v: unknown): string | undefined {
  if (typeof v === 'string') {
    const t = v.trim();
    return /^[\p{L}\p{N}][\p{L}\p{N} .,@_'/:+-]{0,39}$/u.test(t) ? t : undefined;
  }
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  const members = Array.isArray(v) ? v : isObj(v) ? Object.entries(v).filter(([k]) => k !== 'desc').map(([, m]) => m) : [];
  for (const m of members) {
    const s = sample(m);
    if (s !== undefined) return s;
  }
  return undefined;
}

function kind(v: unknown): string {
  if (Array.isArray(v)) return 'a list';
  if (isObj(v)) return 'an object';
  return typeof v === 'number' ? 'a number' : typeof v === 'boolean' ? `${String(v)}` : 'a value';
}

function foundJson(v: unknown): string {
  if (isObj(v)) {
    if ('value' in v) return `${kind(v.value)} in "value"`;
    const keys = Object.keys(v).filter((k) => k !== 'desc');
    return `an object without "value" (${keys.slice(0, 3).map((k) => JSON.stringify(k)).join(', ')}${keys.length > 3 ? ', ...' : ''})`;
  }
  return kind(v);
}

function foundXml(v: unknown, el: string): string {
  if (Array.isArray(v)) return `${v.length} <${el}> elements`;
  if (isObj(v)) {
    const inner = 'value' in v ? [] : Object.keys(v).filter((k) => k !== 'desc');
    // XML names hold no quote or control character, so they are shown as they are.
    return inner.length > 0 ? `${inner.slice(0, 3).map((k) => `<${k}>`).join(', ')} inside it` : 'elements inside it';
  }
  return kind(v);
}

function shapeMessage(what: string, found: unknown, secret: boolean, xml: boolean): string {
  const el = element(what);
  const s = secret ? undefined : sample(found);
  if (xml) return `${what}: expected text, as <${el}>${s ?? '...'}</${el}>, found ${foundXml(found, el)}`;
  const expected = secret ? 'a string' : `"${s ?? '...'}" or {"value": "${s ?? '...'}"}`;
  return `${what}: expected ${expected}, found ${foundJson(found)}`;
}
