import Fastify from 'fastify';
import { registerAuthentication } from '../../../gateway/auth/hook';
import { StoreTimeoutError } from '../../../store/deadline';

describe('the authentication hook', () => {
  it('answers 503 STORE_UNAVAILABLE, with no internal text, when the store cannot check a key', async () => {
    const app = Fastify();
    registerAuthentication(
      app,
      () => Promise.reject(new StoreTimeoutError('verifying an API key', 2_000)),
      () => true,
    );
    let ran = false;
    app.get('/graphql', async () => {
      ran = true;
      return {};
    });
    const address = await app.listen({ host: '127.0.0.1', port: 0 });
    try {
      const response = await fetch(`${address}/graphql`, { headers: { authorization: 'Bearer sb_x_y' } });
      expect(response.status).toBe(503);
      expect(response.headers.get('retry-after')).toBe('5');
      const text = await response.text();
      expect(JSON.parse(text)).toEqual({
        errors: [
          {
            message: "The hub's customer store is not answering right now; nothing was read. Try again shortly.",
            extensions: { code: 'STORE_UNAVAILABLE' },
          },
        ],
      });
      expect(text).not.toContain('2000');
      expect(ran).toBe(false);
    } finally {
      await app.close();
    }
  });
});
