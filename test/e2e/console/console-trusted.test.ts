import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { bundleConsole } from '../../../gateway/console-bundle';
import { ApiKeyRepository } from '../../../store/api-keys.repository';
import { startTestHub, type TestHub } from '../../helpers/hub';
import { ConsoleDriver, exportedCsv, launchChromium } from './console-driver';

const LAST_ORDER_BEFORE = '2026-06-01T00:00:00Z';

// In trusted mode the hub runs registered documents only: the console's own operations are
// registered by the hub itself (schema/saved-query/client-operations.ts), so an analyst's whole
// session still works while any other document is refused.
describe('the console on a hub that runs only trusted documents', () => {
  let t: TestHub;
  let origin: string;
  let assets: string;
  let dir: string;
  let browser: Browser;
  let page: Page;
  let ui: ConsoleDriver;
  let analystKey: string;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    assets = await bundleConsole(mkdtempSync(path.join(tmpdir(), 'switchboard-console-')));
    dir = mkdtempSync(path.join(tmpdir(), 'sb-trusted-console-'));
    const file = path.join(dir, 'persisted-documents.json');
    // One unrelated registered document: the list the operator gives holds none of the console's.
    writeFileSync(file, JSON.stringify({ ['0'.repeat(64)]: '{ __typename }' }));
    t = await startTestHub({
      scale: 100,
      auth: { enabled: true, keyCacheSeconds: 0, trustedDocuments: { file } },
      consoleAssets: assets,
    });
    await t.hub.buildSnapshots();
    origin = new URL(t.hub.url).origin;
    analystKey = (await new ApiKeyRepository(t.hub.store.db).create('ana', ['analyst'])).token;
    browser = await launchChromium();
    page = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
    ui = new ConsoleDriver(page, origin);
    page.on('pageerror', (error) => pageErrors.push(error.message));
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
    rmSync(assets, { recursive: true, force: true });
    rmSync(dir, { recursive: true, force: true });
  });
  afterEach(() => {
    expect(pageErrors.splice(0)).toEqual([]);
  });

  it('refuses a document nobody registered, so trusted mode is on', async () => {
    const response = await t.post(
      '{ savedQueries { name description } }',
      {},
      { authorization: `Bearer ${analystKey}` },
    );
    const body = (await response.json()) as { errors?: Array<{ extensions: { code: string } }> };
    expect(body.errors?.map((error) => error.extensions.code)).toEqual(['PERSISTED_QUERY_NOT_IN_LIST']);
  });

  it('signs in, lists, runs a shipped query and saves a new one, all through registered operations', async () => {
    await ui.signIn(analystKey);
    await page.getByTestId('signed-in').waitFor();
    expect(await page.locator('[data-query]').count()).toBeGreaterThan(0);
    await ui.choose('win-back-list');
    await page.locator('#variable-lastOrderBefore').fill(LAST_ORDER_BEFORE);
    await ui.run();
    const [header, ...rows] = await exportedCsv(
      origin,
      analystKey,
      `win-back-list?lastOrderBefore=${encodeURIComponent(LAST_ORDER_BEFORE)}`,
    );
    expect(rows.length).toBeGreaterThan(0);
    expect(await ui.tableHeader()).toEqual(header);
    expect(await ui.tableRows()).toEqual(rows.slice(0, 25));

    await page.getByRole('button', { name: 'New saved query' }).click();
    await page.locator('input[name="name"]').fill('first-names');
    await page.locator('input[name="description"]').fill('Names, first page');
    await page
      .locator('textarea[name="document"]')
      .fill('query Names($after: String) { customers(first: 5, after: $after) { nodes { id name } } }');
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await ui.choose('first-names');
    await ui.run();
    const [, ...names] = await exportedCsv(origin, analystKey, 'first-names');
    expect(await ui.tableRows()).toEqual(names.slice(0, 25));
  });
});
