import type { IncomingMessage, ServerResponse } from 'node:http';
import { randomBytes } from 'node:crypto';
import { toXml } from './xml.js';

/** Any JSON object as Alma sends it. */
export type Json = Record<string, unknown>;

/** An error Alma answers with its envelope: HTTP status, errorCode, errorMessage. */
export class AlmaError extends Error {
  constructor(readonly status: number, readonly code: string, message: string) {
    super(message);
  }
}

/** 400, the status Alma gives business errors. */
export const bad = (code: string, message: string): AlmaError => new AlmaError(400, code, message);

/** One request as the routes see it. */
export interface Ctx {
  method: string;
  /** The path after /almaws/v1, e.g. /users/123. */
  path: string;
  query: URLSearchParams;
  /** The caller asked for JSON (Accept: application/json or format=json); XML otherwise. */
  json: boolean;
  body: unknown;
  /** http://127.0.0.1:PORT/almaws/v1, for `link` fields. */
  base: string;
}

/** What a route answers: a status, an XML root name and a JSON body (none for 204). */
export interface Reply {
  status: number;
  root?: string;
  body?: unknown;
}

export const ok = (root: string, body: unknown): Reply => ({ status: 200, root, body });

export function trackingId(): string {
  return `E01-${randomBytes(6).toString('hex').toUpperCase()}`;
}

export function envelope(err: AlmaError): Json {
  return {
    errorsExist: true,
    errorList: { error: [{ errorCode: err.code, errorMessage: err.message, trackingId: trackingId() }] },
    result: null,
  };
}

function xmlEnvelope(err: AlmaError): string {
  const e = (s: string) => s.replace(/[&<>]/g, (c) => `&#${c.charCodeAt(0)};`);
  return '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    + '<web_service_result xmlns="http://com/exlibris/urm/general/xmlbeans"><errorsExist>true</errorsExist>'
    + `<errorList><error><errorCode>${e(err.code)}</errorCode><errorMessage>${e(err.message)}</errorMessage>`
    + `<trackingId>${trackingId()}</trackingId></error></errorList></web_service_result>`;
}

export function wantsJson(req: IncomingMessage, query: URLSearchParams): boolean {
  return /application\/json/i.test(req.headers.accept ?? '') || query.get('format') === 'json';
}

export function send(res: ServerResponse, json: boolean, reply: Reply, headers: Record<string, string>): void {
  for (const [k, v] of Object.entries(headers)) res.setHeader(k, v);
  if (reply.status === 204 || reply.body === undefined) {
    res.writeHead(reply.status).end();
    return;
  }
  res.setHeader('Content-Type', json ? 'application/json;charset=UTF-8' : 'application/xml;charset=UTF-8');
  res.writeHead(reply.status).end(json ? JSON.stringify(reply.body) : toXml(reply.root ?? 'result', reply.body));
}

export function sendError(res: ServerResponse, json: boolean, err: AlmaError, headers: Record<string, string>): void {
  for (const [k, v] of Object.entries(headers)) res.setHeader(k, v);
  res.setHeader('Content-Type', json ? 'application/json;charset=UTF-8' : 'application/xml;charset=UTF-8');
  res.writeHead(err.status).end(json ? JSON.stringify(envelope(err)) : xmlEnvelope(err));
}

export async function readBody(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8').trim();
  if (text === '') return undefined;
  // The double reads JSON bodies only (the client sends JSON throughout); Alma's code for an unreadable body.
  if (!/json/i.test(req.headers['content-type'] ?? 'application/json')) {
    throw bad('401676', 'No valid XML was given. This test server reads JSON bodies only.');
  }
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw bad('401676', 'No valid JSON was given.');
  }
}

export function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** limit and offset as Alma checks them (limit 0-100, default 10). */
export function paging(query: URLSearchParams): { limit: number; offset: number } {
  const limit = Number(query.get('limit') ?? '10');
  const offset = Number(query.get('offset') ?? '0');
  if (!Number.isInteger(limit) || limit < 0 || limit > 100) {
    throw bad('40166410', `Invalid parameter value: limit=${query.get('limit')} (valid values are 0-100).`);
  }
  if (!Number.isInteger(offset) || offset < 0) throw bad('40166410', `Invalid parameter value: offset=${query.get('offset')}.`);
  return { limit, offset };
}
