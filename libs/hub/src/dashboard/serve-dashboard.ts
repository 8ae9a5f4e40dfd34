import { createReadStream, existsSync, statSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join, resolve, sep } from 'node:path';
import type { INestApplication } from '@nestjs/common';

/** The dashboard's Vite build (apps/dashboard/dist), the default of HubOptions.dashboardDir. */
export function defaultDashboardDir(): string {
  // libs/hub/src/dashboard → apps/dashboard/dist
  return resolve(__dirname, '..', '..', '..', '..', 'apps', 'dashboard', 'dist');
}

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
  '.txt': 'text/plain; charset=utf-8',
};

/** Paths that belong to the hub itself, never to the dashboard. */
function isHubPath(path: string): boolean {
  return path === '/api' || path.startsWith('/api/') || path === '/metrics' || path.startsWith('/metrics/');
}

const NOT_BUILT_PAGE = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Wirehook</title></head>
<body style="font-family:system-ui,sans-serif;max-width:40rem;margin:4rem auto;line-height:1.5">
<h1>Wirehook hub</h1><p>The dashboard is not built. Run <code>npm run build:dashboard</code> (or <code>npm start</code>,
which builds it when needed) and reload. The API is at <a href="/api/docs">/api/docs</a>.</p></body></html>`;

/**
 * Serves the dashboard's static build at `/` with a single-page fallback: a GET for a path that
 * is not a file gets index.html, so `/flows/<id>` can be reloaded. `/api/*` and `/metrics` are left
 * to the hub's routes. Hashed assets are cached for good; index.html is revalidated every time.
 */
export function serveDashboard(app: INestApplication, folder: string = defaultDashboardDir()): void {
  const root = resolve(folder);
  app.use((request: IncomingMessage, response: ServerResponse, next: () => void) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') return next();
    let path: string;
    try {
      path = decodeURIComponent(new URL(request.url ?? '/', 'http://hub').pathname);
    } catch {
      return next();
    }
    if (isHubPath(path)) return next();
    const index = join(root, 'index.html');
    if (!existsSync(index)) return send(response, request, 200, 'text/html; charset=utf-8', NOT_BUILT_PAGE, 'no-cache');
    const file = resolve(root, `.${path}`);
    if (file.startsWith(root + sep) && isFile(file)) {
      const cache = path.startsWith('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache';
      return stream(response, request, file, cache);
    }
    // A file-like path that does not exist is a 404, not the app (a missing asset must not parse as HTML).
    if (extname(path) !== '' && extname(path) !== '.html') return next();
    return stream(response, request, index, 'no-cache');
  });
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

function stream(response: ServerResponse, request: IncomingMessage, file: string, cache: string): void {
  const size = statSync(file).size;
  response.statusCode = 200;
  response.setHeader('Content-Type', CONTENT_TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream');
  response.setHeader('Content-Length', size);
  response.setHeader('Cache-Control', cache);
  response.setHeader('X-Content-Type-Options', 'nosniff');
  if (request.method === 'HEAD') {
    response.end();
    return;
  }
  createReadStream(file)
    .on('error', () => response.destroy())
    .pipe(response);
}

function send(response: ServerResponse, request: IncomingMessage, status: number, type: string, body: string, cache: string): void {
  response.statusCode = status;
  response.setHeader('Content-Type', type);
  response.setHeader('Content-Length', Buffer.byteLength(body));
  response.setHeader('Cache-Control', cache);
  response.end(request.method === 'HEAD' ? undefined : body);
}
