import { exportJWK, generateKeyPair, SignJWT, type KeyLike } from 'jose';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createAuthenticator, unauthenticatedResponse } from '../../../gateway/auth/authenticate';
import { createJwtVerifier } from '../../../gateway/auth/jwt';
import type { ApiKeyInfo } from '../../../store/api-keys.repository';

const KEY = `sb_0123456789ab_${'A'.repeat(43)}`;

/** An API key store that knows one key and counts its reads. */
function keyStore(roles: string[] = ['sales']) {
  const store = {
    reads: 0,
    revoked: false,
    verify: async (token: string): Promise<ApiKeyInfo | null> => {
      store.reads += 1;
      if (token !== KEY || store.revoked) return null;
      return { _id: '0123456789ab', name: 'crm-sync', roles, createdAt: new Date(0), revokedAt: null, demo: false };
    },
  };
  return store;
}

describe('the authenticator', () => {
  it('acts as admin for a request without a credential in demo mode, and refuses it otherwise', async () => {
    const demo = createAuthenticator({ mode: 'demo', apiKeys: keyStore(), jwt: null });
    const required = createAuthenticator({ mode: 'required', apiKeys: keyStore(), jwt: null });
    const anonymous = await demo(undefined);
    expect(anonymous.ok && [...anonymous.principal.roles]).toEqual(['admin']);
    expect(await required(undefined)).toEqual({ ok: false, failure: 'missing' });
  });

  it('refuses a malformed or unknown credential even in demo mode, so a typo never becomes admin', async () => {
    const demo = createAuthenticator({ mode: 'demo', apiKeys: keyStore(), jwt: null });
    expect(await demo('Basic dXNlcjpwYXNz')).toEqual({ ok: false, failure: 'malformed' });
    expect(await demo(`Bearer ${KEY.slice(0, -1)}B`)).toEqual({ ok: false, failure: 'invalid' });
    expect(await demo('Bearer eyJhbGciOi.not.a-jwt')).toEqual({ ok: false, failure: 'invalid' });
  });

  it("gives an API key's caller the key's roles, ignoring role names the hub does not know", async () => {
    const authenticate = createAuthenticator({ mode: 'required', apiKeys: keyStore(['credit', 'wizard']), jwt: null });
    const outcome = await authenticate(`Bearer ${KEY}`);
    expect(outcome.ok && { id: outcome.principal.id, roles: [...outcome.principal.roles] }).toEqual({
      id: 'key:0123456789ab',
      roles: ['credit'],
    });
  });

  it('remembers a verified key for its cache time, and stops accepting a revoked one without a cache', async () => {
    const cached = keyStore();
    const authenticate = createAuthenticator({ mode: 'required', apiKeys: cached, jwt: null, keyCacheSeconds: 60 });
    await authenticate(`Bearer ${KEY}`);
    await authenticate(`Bearer ${KEY}`);
    expect(cached.reads).toBe(1);

    const uncached = keyStore();
    const strict = createAuthenticator({ mode: 'required', apiKeys: uncached, jwt: null, keyCacheSeconds: 0 });
    expect((await strict(`Bearer ${KEY}`)).ok).toBe(true);
    uncached.revoked = true;
    expect(await strict(`Bearer ${KEY}`)).toEqual({ ok: false, failure: 'invalid' });
  });

  it('answers 401 material with a Bearer challenge naming the error, and UNAUTHENTICATED', () => {
    expect(unauthenticatedResponse('missing').headers).toEqual({ 'www-authenticate': 'Bearer realm="switchboard"' });
    expect(unauthenticatedResponse('expired')).toEqual({
      headers: { 'www-authenticate': 'Bearer realm="switchboard", error="invalid_token"' },
      body: { errors: [{ message: 'The token has expired', extensions: { code: 'UNAUTHENTICATED' } }] },
    });
  });
});

describe('JWT bearer tokens', () => {
  let privateKey: KeyLike;
  let otherKey: KeyLike;
  let jwksFile: string;
  const NOW = new Date('2026-12-01T12:00:00Z');
  const settings = () => ({
    jwksFile,
    jwksUrl: null,
    issuer: 'https://id.example.com/',
    audience: 'switchboard',
    rolesClaim: 'https://switchboard/roles',
    clockToleranceSeconds: 30,
  });
  const sign = (claims: Record<string, unknown>, options: { key?: KeyLike; exp?: Date; aud?: string } = {}) =>
    new SignJWT(claims)
      .setProtectedHeader({ alg: 'ES256', kid: 'k1' })
      .setIssuer('https://id.example.com/')
      .setAudience(options.aud ?? 'switchboard')
      .setSubject('ada@example.com')
      .setIssuedAt(Math.floor(NOW.getTime() / 1000) - 60)
      .setExpirationTime(options.exp ?? new Date(NOW.getTime() + 3_600_000))
      .sign(options.key ?? privateKey);

  beforeAll(async () => {
    const pair = await generateKeyPair('ES256');
    privateKey = pair.privateKey;
    otherKey = (await generateKeyPair('ES256')).privateKey;
    const jwk = { ...(await exportJWK(pair.publicKey)), kid: 'k1', alg: 'ES256', use: 'sig' };
    jwksFile = path.join(mkdtempSync(path.join(tmpdir(), 'sb-jwks-')), 'jwks.json');
    writeFileSync(jwksFile, JSON.stringify({ keys: [jwk] }));
  });

  it('accepts a token signed by the JWKS, for this issuer and audience, with roles from the configured claim', async () => {
    const verify = createJwtVerifier(settings(), () => NOW);
    const principal = await verify(await sign({ 'https://switchboard/roles': ['support', 'nobody'] }));
    expect(typeof principal !== 'string' && { id: principal.id, roles: [...principal.roles] }).toEqual({
      id: 'jwt:ada@example.com',
      roles: ['support'],
    });
  });

  it('refuses an expired token, one for another audience, and one signed by another key', async () => {
    const verify = createJwtVerifier(settings(), () => NOW);
    expect(await verify(await sign({}, { exp: new Date(NOW.getTime() - 60_000) }))).toBe('expired');
    expect(await verify(await sign({}, { aud: 'billing' }))).toBe('invalid');
    expect(await verify(await sign({}, { key: otherKey }))).toBe('invalid');
  });

  it('refuses a token without an expiry', async () => {
    const verify = createJwtVerifier(settings(), () => NOW);
    const forever = await new SignJWT({})
      .setProtectedHeader({ alg: 'ES256', kid: 'k1' })
      .setIssuer('https://id.example.com/')
      .setAudience('switchboard')
      .setSubject('ada@example.com')
      .sign(privateKey);
    expect(await verify(forever)).toBe('invalid');
  });

  it('allows the configured clock skew on expiry', async () => {
    const verify = createJwtVerifier(settings(), () => NOW);
    expect(typeof (await verify(await sign({}, { exp: new Date(NOW.getTime() - 10_000) })))).toBe('object');
  });
});
