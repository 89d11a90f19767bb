import { openStore, readPreferenceNotice, type StoreConnection } from '../../store';
import { useTestStore } from '../helpers/test-store';

/** `uri` with one more query parameter. */
const withParameter = (uri: string, parameter: string): string => `${uri}${uri.includes('?') ? '&' : '?'}${parameter}`;

describe("the store's read preference", () => {
  const store = useTestStore('readpref');
  let second: StoreConnection | null = null;
  afterEach(async () => {
    await second?.close();
    second = null;
  });

  const reopen = async (parameter: string) => {
    second = await openStore({
      uri: withParameter(store.connection.uri, parameter),
      database: store.db.databaseName,
      dataDir: '',
      memory: true,
    });
    return second;
  };

  it('reads from the primary when the connection string prefers secondaries, and says so', async () => {
    const opened = await reopen('readPreference=secondaryPreferred');
    // What the client was told, and what every repository on the store's db reads with.
    expect(opened.client.readPreference.mode).toBe('secondaryPreferred');
    expect(opened.db.readPreference.mode).toBe('primary');
    expect(opened.db.collection('customers').readPreference?.mode).toBe('primary');
    expect(opened.readPreferenceOverridden).toBe('secondaryPreferred');
    expect(readPreferenceNotice(opened)).toContain(
      'asks to read from secondaryPreferred; the hub reads from the primary',
    );
  });

  it('has nothing to say when the connection string asks for the primary', async () => {
    const opened = await reopen('readPreference=primary');
    expect([opened.readPreferenceOverridden, readPreferenceNotice(opened)]).toEqual([null, null]);
    expect([store.connection.readPreferenceOverridden, readPreferenceNotice(store.connection)]).toEqual([null, null]);
  });
});
