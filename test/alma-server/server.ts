import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { AlmaError, readBody, send, sendError, wantsJson, type Ctx, type Reply } from './http.js';
import type { Governor } from './governor.js';

/** One route: a method, a pattern under /almaws/v1 with {name} segments, and its handler. */
export interface Route {
  method: string;
  pattern: string;
  handle: (ctx: Ctx, params: string[]) => Reply | Promise<Reply>;
}

/** One request as the server saw it (the key never recorded). */
export interface RequestLogEntry {
  at: number;
  method: string;
  route: string;
  /** The path and query after /almaws/v1, apikey= removed. */
  path: string;
  status: number;
  errorCode?: string;
}

interface Compiled extends Route {
  regex: RegExp;
}

function compile(route: Route): Compiled {
  const src = route.pattern.split('/').map((seg) => (seg.startsWith('{') ? '([^/]+)' : seg.replace(/[.*+?^$()|[\]\\]/g, '\\$&'))).join('/');
  return { ...route, regex: new RegExp(`^${src}/?$`) };
}

export interface HttpOptions {
  apiKey: string;
  governor: Governor;
  routes: Route[];
  log: RequestLogEntry[];
  latencyMs: () => number;
  now: () => number;
  /** http://127.0.0.1:PORT/almaws/v1, for `link` fields. */
  base: () => string;
}

function keyOf(req: IncomingMessage, query: URLSearchParams): { key: string | null; inQuery: boolean } {
  const header = /^apikey\s+(.+)$/i.exec(req.headers.authorization ?? '');
  if (header?.[1]) return { key: header[1].trim(), inQuery: false };
  const q = query.get('apikey');
  return { key: q, inQuery: q !== null };
}

/** Starts node:http on 127.0.0.1, port 0. */
export async function listen(opts: HttpOptions): Promise<{ server: Server; port: number }> {
  const routes = opts.routes.map(compile);
  const g = opts.governor;
  const handler = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const query = url.searchParams;
    const json = wantsJson(req, query);
    const path = url.pathname.replace(/^\/almaws\/v1(?=\/|$)/, '');
    const method = req.method ?? 'GET';
    let route = `${method} ${path}`;
    let status = 500;
    let errorCode: string | undefined;
    g.stats.calls++;
    const headers = (): Record<string, string> => ({ 'X-Exl-Api-Remaining': String(Math.max(0, g.remaining)) });
    try {
      const { key, inQuery } = keyOf(req, query);
      if (inQuery) g.stats.keyInQuery++;
      if (key !== opts.apiKey) throw new AlmaError(401, 'UNAUTHORIZED', 'API-key not defined or not configured to allow this API.');
      let matched: { r: Compiled; params: string[] } | null = null;
      for (const r of routes) {
        const m = r.regex.exec(path);
        if (m && r.method === method) {
          matched = { r, params: m.slice(1).map((p) => decodeURIComponent(p)) };
          break;
        }
      }
      if (matched) route = `${method} ${matched.r.pattern}`;
      g.admit();
      if (g.takeDrop()) {
        status = 0;
        req.socket.destroy();
        return;
      }
      if (!matched) throw new AlmaError(404, 'NOT_FOUND', `No such API: ${method} ${url.pathname}`);
      const body = await readBody(req);
      const ctx: Ctx = { method, path, query, json, body, base: opts.base() };
      const reply = await matched.r.handle(ctx, matched.params);
      const delay = opts.latencyMs();
      if (delay > 0) await new Promise((r) => setTimeout(r, delay));
      status = reply.status;
      send(res, json, reply, headers());
    } catch (err) {
      const e = err instanceof AlmaError ? err : new AlmaError(500, 'GENERAL_ERROR', `Internal error in the test server: ${String(err)}`);
      status = e.status;
      errorCode = e.code;
      sendError(res, json, e, headers());
    } finally {
      g.count(route, status);
      query.delete('apikey');
      const qs = query.toString();
      opts.log.push({ at: opts.now(), method, route, path: qs ? `${path}?${qs}` : path, status, ...(errorCode ? { errorCode } : {}) });
    }
  };
  const server = createServer((req, res) => void handler(req, res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, port: (server.address() as AddressInfo).port };
}
