import { ApiKeyRepository } from '../../../store/api-keys.repository';
import { startTestHub, type TestHub } from '../../helpers/hub';

jest.setTimeout(60_000);

const RELOAD = /* GraphQL */ `
  mutation {
    reloadConnectors {
      ok
      reason
      connectors
      added
      removed
    }
  }
`;

describe('the reloadConnectors mutation', () => {
  let t: TestHub;
  let keys: ApiKeyRepository;
  const as = async (roles: string[]) => {
    const key = await keys.create(`reload-${roles.join('-')}`, roles);
    return { authorization: `Bearer ${key.token}` };
  };

  beforeAll(async () => {
    t = await startTestHub({
      scale: 50,
      only: ['accounting', 'sales'],
      auth: { enabled: true, keyCacheSeconds: 0 },
    });
    keys = new ApiKeyRepository(t.hub.store.db);
    t.reconfigure({ connectors: { credit: { enabled: true } } });
  });
  afterAll(() => t.close());

  it.each([['integrator'], ['analyst'], ['accounting']])(
    'is FORBIDDEN to the %s role, and reloads nothing',
    async (role) => {
      const response = await t.post(RELOAD, undefined, await as([role]));
      const body = (await response.json()) as { data: unknown; errors: Array<{ extensions: { code: string } }> };
      expect(body.data).toBeNull();
      expect(body.errors.map((e) => e.extensions.code)).toEqual(['FORBIDDEN']);
      expect(t.hub.connectors.map((c) => c.name)).toEqual(['accounting', 'sales']);
    },
  );

  it('refuses two reloads in one operation before running either', async () => {
    const twice = /* GraphQL */ `
      mutation {
        a: reloadConnectors {
          ok
        }
        b: reloadConnectors {
          ok
        }
      }
    `;
    const body = (await (await t.post(twice, undefined, await as(['admin']))).json()) as {
      errors: Array<{ extensions: { code: string; limit: string } }>;
    };
    expect(body.errors.map((e) => e.extensions)).toEqual([
      expect.objectContaining({ code: 'QUERY_TOO_COMPLEX', limit: 'reloadsPerOperation' }),
    ]);
    expect(t.hub.connectors.map((c) => c.name)).toEqual(['accounting', 'sales']);
  });

  it('reloads for the admin role and answers with the report', async () => {
    const body = (await (await t.post(RELOAD, undefined, await as(['admin']))).json()) as {
      data: { reloadConnectors: unknown };
      errors?: unknown;
    };
    expect(body.errors).toBeUndefined();
    expect(body.data.reloadConnectors).toEqual({
      ok: true,
      reason: null,
      connectors: ['accounting', 'sales', 'credit'],
      added: ['credit'],
      removed: [],
    });
    expect(t.hub.connectors.map((c) => c.name)).toEqual(['accounting', 'sales', 'credit']);
  });

  it('answers a refused reload with its reason, as data', async () => {
    t.reconfigure({ connectors: { credit: { enabled: true, timeoutMs: -1 } } });
    const body = (await (await t.post(RELOAD, undefined, await as(['admin']))).json()) as {
      data: { reloadConnectors: unknown };
    };
    expect(body.data.reloadConnectors).toEqual({
      ok: false,
      reason: 'Invalid config: connectors.credit.timeoutMs: Too small: expected number to be >0',
      connectors: ['accounting', 'sales', 'credit'],
      added: [],
      removed: [],
    });
  });
});
