import { mkdtempSync, utimesSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import { registerConsole } from '../../gateway/console-page';

describe('the console page and its assets', () => {
  let dir: string;
  let app: FastifyInstance;
  let base: string;
  /** Fastify's `inject` needs an ESM-only `cookie` that jest cannot load: a real socket instead. */
  const get = async (url: string, headers: Record<string, string> = {}) => {
    const response = await fetch(`${base}${url}`, { headers });
    return { statusCode: response.status, headers: Object.fromEntries(response.headers), body: await response.text() };
  };

  beforeEach(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'console-page-'));
    app = Fastify();
    registerConsole(app, dir);
    base = await app.listen({ host: '127.0.0.1', port: 0 });
  });
  afterEach(async () => {
    await app.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('says how to build the console when its bundle is missing, rather than a blank page', async () => {
    const answer = await get('/console');
    expect(answer.statusCode).toBe(503);
    expect(answer.body).toContain('npm run build');
  });

  it('serves the page with a policy that lets it load nothing but the hub’s own files', async () => {
    writeFileSync(path.join(dir, 'console.js'), 'console.log(1)');
    const answer = await get('/console/');
    expect(answer.statusCode).toBe(200);
    expect(answer.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(answer.headers['content-security-policy']).toBe(
      "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; connect-src 'self'; " +
        "frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
    );
    expect(answer.body).toContain('<script defer src="/console/assets/console.js"></script>');
  });

  it('serves the bundle with a validator, and a 304 when the browser has it already', async () => {
    writeFileSync(path.join(dir, 'console.js'), 'console.log(1)');
    const first = await get('/console/assets/console.js');
    expect(first.statusCode).toBe(200);
    expect(first.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(first.body).toBe('console.log(1)');
    const etag = first.headers.etag;
    expect(etag).toMatch(/^"[\w-]{27}"$/);
    const again = await get('/console/assets/console.js', { 'if-none-match': etag });
    expect(again.statusCode).toBe(304);
    expect(again.body).toBe('');
    // A rebuild beside the running hub is served at once, under a new validator.
    writeFileSync(path.join(dir, 'console.js'), 'console.log(2)');
    utimesSync(path.join(dir, 'console.js'), new Date(), new Date(Date.now() + 5000));
    const rebuilt = await get('/console/assets/console.js', { 'if-none-match': etag });
    expect(rebuilt.statusCode).toBe(200);
    expect(rebuilt.body).toBe('console.log(2)');
    expect(rebuilt.headers.etag).not.toBe(etag);
  });

  it.each([['secrets.txt'], ['..%2Fpackage.json'], ['console.css']])(
    'answers 404 for %s: only the bundle’s own files are served, and only those that exist',
    async (file) => {
      writeFileSync(path.join(dir, 'secrets.txt'), 'no');
      const answer = await get(`/console/assets/${file}`);
      expect(answer.statusCode).toBe(404);
      expect(JSON.parse(answer.body)).toEqual({
        errors: [{ message: 'No such console asset', extensions: { code: 'NOT_FOUND' } }],
      });
    },
  );
});
