/**
 * Alma's error envelope, in JSON (`{"errorsExist": true, "errorList": {"error": [{errorCode,
 * errorMessage, trackingId}]}}`) or XML (`<web_service_result><errorList><error>...`): the
 * samples are fixtures/interop/alma-json/error.json and alma-xml/error.xml. Anything else
 * (a proxy's HTML page) is summarised, never quoted whole.
 */

export interface AlmaErrorItem {
  errorCode: string;
  errorMessage: string;
  trackingId: string | undefined;
}

type Obj = Record<string, unknown>;

function str(v: unknown): string | undefined {
  if (typeof v === 'string') return v.trim();
  if (typeof v === 'number') return String(v);
  return undefined;
}

function fromJson(body: unknown): AlmaErrorItem | undefined {
  if (typeof body !== 'object' || body === null) return undefined;
  const list = (body as Obj).errorList;
  const errors = typeof list === 'object' && list !== null ? (list as Obj).error : undefined;
  const first = Array.isArray(errors) ? errors[0] : errors;
  if (typeof first !== 'object' || first === null) return undefined;
  const e = first as Obj;
  const code = str(e.errorCode);
  if (code === undefined) return undefined;
  return { errorCode: code, errorMessage: str(e.errorMessage) ?? '', trackingId: str(e.trackingId) };
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

function xmlText(xml: string, tag: string): string | undefined {
  const m = new RegExp(`<(?:\\w+:)?${tag}>([\\s\\S]*?)</(?:\\w+:)?${tag}>`).exec(xml);
  return m ? m[1]!.replace(/&(amp|lt|gt|quot|apos);/g, (_, e: string) => ENTITIES[e]!).trim() : undefined;
}

function fromXml(text: string): AlmaErrorItem | undefined {
  const error = xmlText(text, 'error');
  if (error === undefined) return undefined;
  const code = xmlText(error, 'errorCode');
  if (code === undefined) return undefined;
  return { errorCode: code, errorMessage: xmlText(error, 'errorMessage') ?? '', trackingId: xmlText(error, 'trackingId') };
}

/** The first error of an answer's body, whichever format Alma chose; undefined when the body is no envelope. */
export function parseErrorEnvelope(text: string): AlmaErrorItem | undefined {
  const t = text.trimStart();
  if (t.startsWith('<')) return fromXml(t);
  try {
    return fromJson(JSON.parse(t));
  } catch {
    return undefined;
  }
}

/** A body that is no envelope, as a message may show it: one line, short, without markup. */
export function bodySummary(text: string): string {
  const plain = text.replace(/<[^>]*>/g, ' ').replace(/\s+/g, ' ').trim();
  return plain.length > 120 ? `${plain.slice(0, 119)}…` : plain || '(empty answer)';
}
