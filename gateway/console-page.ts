import { createHash } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import type { FastifyInstance, FastifyReply } from 'fastify';

/** Where the analysts' console is served. */
export const CONSOLE_PATH = '/console';

/** The files the console's bundle holds: nothing else under `/console/assets/` is served. */
export const CONSOLE_ASSETS: Readonly<Record<string, string>> = {
  'console.js': 'text/javascript; charset=utf-8',
  'console.js.map': 'application/json; charset=utf-8',
  'console.css': 'text/css; charset=utf-8',
  'console.css.map': 'application/json; charset=utf-8',
};

/** The package's own folder, found from this file whether it runs compiled (`dist/gateway`) or from source. */
function packageRoot(): string {
  let dir = __dirname;
  while (!existsSync(path.join(dir, 'package.json')) && path.dirname(dir) !== dir) dir = path.dirname(dir);
  return dir;
}

/** Where `npm run build` writes the console's bundle. */
export function defaultConsoleAssetsDir(): string {
  return path.join(packageRoot(), 'dist', 'console');
}

/**
 * Everything the page loads comes from the hub itself (`'self'`): no CDN, so it works offline,
 * and an injected script from elsewhere cannot run beside the API key the page holds.
 */
const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data: blob:",
  "connect-src 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
  "form-action 'none'",
].join('; ');

const PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Switchboard console</title>
<link rel="stylesheet" href="${CONSOLE_PATH}/assets/console.css">
<script defer src="${CONSOLE_PATH}/assets/console.js"></script>
</head>
<body>
<div id="console"><p class="loading">Loading the console…</p></div>
<noscript>The Switchboard console needs JavaScript.</noscript>
</body>
</html>`;

const NOT_BUILT = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Switchboard console</title></head>
<body><h1>The console is not built</h1>
<p>This hub runs from a checkout whose console bundle is missing. Run <code>npm run build</code>
(<code>npm start</code> does it), then reload this page.</p></body></html>`;

function securityHeaders(reply: FastifyReply): FastifyReply {
  return reply
    .header('content-security-policy', CONTENT_SECURITY_POLICY)
    .header('x-content-type-options', 'nosniff')
    .header('referrer-policy', 'no-referrer');
}

/**
 * Serves the analysts' console: its page at `/console` and its bundle (built by `npm run build`
 * into `assetsDir`) at `/console/assets/<file>`. Neither holds data, so neither needs a
 * credential: the page asks for an API key and sends it with every call it makes.
 */
export function registerConsole(app: FastifyInstance, assetsDir: string = defaultConsoleAssetsDir()): void {
  // Read once per build: a file changed on disk (`npm run build` beside a running hub) is read again.
  const cache = new Map<string, { body: Buffer; etag: string; modified: number }>();
  const built = () => existsSync(path.join(assetsDir, 'console.js'));
  const page = async (_request: unknown, reply: FastifyReply) => {
    securityHeaders(reply).header('cache-control', 'no-cache').type('text/html; charset=utf-8');
    return built() ? reply.send(PAGE) : reply.code(503).send(NOT_BUILT);
  };
  app.get(CONSOLE_PATH, page);
  app.get(`${CONSOLE_PATH}/`, page);
  app.get<{ Params: { file: string } }>(`${CONSOLE_PATH}/assets/:file`, async (request, reply) => {
    const { file } = request.params;
    const type = Object.hasOwn(CONSOLE_ASSETS, file) ? CONSOLE_ASSETS[file] : undefined;
    const fullPath = path.join(assetsDir, file);
    if (!type || !existsSync(fullPath))
      return reply
        .code(404)
        .send({ errors: [{ message: 'No such console asset', extensions: { code: 'NOT_FOUND' } }] });
    const modified = statSync(fullPath).mtimeMs;
    let asset = cache.get(file);
    if (!asset || asset.modified !== modified) {
      const body = readFileSync(fullPath);
      asset = { body, etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`, modified };
      cache.set(file, asset);
    }
    // The file names do not change between builds: a browser revalidates (a 304 when unchanged)
    // rather than keeps a stale bundle.
    securityHeaders(reply).header('cache-control', 'no-cache').header('etag', asset.etag);
    if (request.headers['if-none-match'] === asset.etag) return reply.code(304).send();
    return reply.type(type).send(asset.body);
  });
}
