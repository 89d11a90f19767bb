import { loadConfig, type SwitchboardConfig } from '../../../config';
import { prepareAuthentication } from '../../../gateway/auth/setup';
import { runKeysCommand } from '../../../gateway/keys-command';
import { API_KEYS_COLLECTION, ApiKeyRepository, type StoredApiKey } from '../../../store/api-keys.repository';
import { useTestStore, type TestStore } from '../../helpers/test-store';

const DEMO_NAMES = [
  'demo-sales',
  'demo-accounting',
  'demo-credit',
  'demo-support',
  'demo-analyst',
  'demo-integrator',
  'demo-admin',
  'demo-customer-self',
];

/** A demo-mode config on the test's store, so `keys` commands reach the same data. */
function demoConfig(store: TestStore): SwitchboardConfig {
  return loadConfig({
    env: {},
    overrides: {
      server: { host: '127.0.0.1', port: 0 },
      mongodb: { uri: store.connection.uri, database: store.db.databaseName, embeddedIn: 'inline' },
      demo: { enabled: false },
      connectors: { sales: { url: 'http://127.0.0.1:9' } },
    },
  });
}

describe('the demo keys of each start', () => {
  const store = useTestStore('demo_keys');
  const first = new Date('2026-03-01T09:00:00Z');
  const second = new Date('2026-03-02T09:00:00Z');

  it('revokes the previous start’s demo keys but not an operator’s key named demo-x or demo-sales', async () => {
    const keys = new ApiKeyRepository(store.db);
    const operatorX = await keys.create('demo-x', ['sales']);
    const operatorSales = await keys.create('demo-sales', ['sales']);
    const config = demoConfig(store);

    const before = await prepareAuthentication(config, store.db, () => first);
    const after = await prepareAuthentication(config, store.db, () => second);

    expect(before.mode).toBe('demo');
    expect(before.demoKeys.map((k) => k.name)).toEqual(DEMO_NAMES);
    for (const key of before.demoKeys) expect(await keys.verify(key.token)).toBeNull();
    for (const key of after.demoKeys) expect(await keys.verify(key.token)).toMatchObject({ demo: true });
    expect(await keys.verify(operatorX.token)).toMatchObject({ name: 'demo-x', demo: false, revokedAt: null });
    expect(await keys.verify(operatorSales.token)).toMatchObject({ name: 'demo-sales', demo: false });
    const listed = await keys.list();
    expect(listed.filter((k) => k.revokedAt !== null).map((k) => k._id)).toEqual(
      expect.arrayContaining(before.demoKeys.map((k) => k._id)),
    );
    expect(listed.filter((k) => k.revokedAt !== null)).toHaveLength(DEMO_NAMES.length);
    expect(listed.find((k) => k._id === before.demoKeys[0]._id)?.revokedAt).toEqual(second);
  });

  it('revokes demo keys at a start with authentication required too, and makes none', async () => {
    const demo = await prepareAuthentication(demoConfig(store), store.db, () => first);
    const required = loadConfig({
      env: {},
      overrides: { auth: { enabled: true }, connectors: { sales: { url: 'http://127.0.0.1:9' } } },
    });
    const start = await prepareAuthentication(required, store.db, () => second);
    expect(start.demoKeys).toEqual([]);
    const keys = new ApiKeyRepository(store.db);
    for (const key of demo.demoKeys) expect(await keys.verify(key.token)).toBeNull();
  });

  it('takes an unmarked key stored before demo keys were marked for a demo key only by a demo key’s name', async () => {
    const unmarked = (id: string, name: string): StoredApiKey => ({
      _id: id,
      name,
      roles: ['admin'],
      secretHash: '0'.repeat(64),
      createdAt: first,
      revokedAt: null,
    });
    await store.db
      .collection<StoredApiKey>(API_KEYS_COLLECTION)
      .insertMany([unmarked('00000000000a', 'demo-admin'), unmarked('00000000000b', 'demo-report')]);
    await prepareAuthentication(demoConfig(store), store.db, () => second);
    const listed = await new ApiKeyRepository(store.db).list();
    expect(listed.find((k) => k._id === '00000000000a')).toMatchObject({ revokedAt: second, demo: false });
    expect(listed.find((k) => k._id === '00000000000b')).toMatchObject({ revokedAt: null, demo: false });
  });

  it('shows in `keys list` which keys are demo keys', async () => {
    const config = demoConfig(store);
    const operator = await new ApiKeyRepository(store.db).create('demo-x', ['sales'], first);
    const { demoKeys } = await prepareAuthentication(config, store.db, () => second);
    const lines: string[] = [];
    const log = jest.spyOn(console, 'log').mockImplementation((line: string) => void lines.push(line));
    try {
      expect(await runKeysCommand(config, ['list'])).toBe(0);
    } finally {
      log.mockRestore();
    }
    const line = (id: string) => lines.find((l) => l.startsWith(id)) ?? '';
    expect(line(operator._id)).toBe(
      `${operator._id}  demo-x                   sales                    operator active`,
    );
    const admin = demoKeys.find((k) => k.name === 'demo-admin')!;
    expect(line(admin._id)).toBe(`${admin._id}  demo-admin               admin                    demo     active`);
    expect(lines).toHaveLength(1 + DEMO_NAMES.length);
  });
});
