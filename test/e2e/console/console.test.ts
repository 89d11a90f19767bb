import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { bundleConsole } from '../../../gateway/console-bundle';
import { SHIPPED_QUERIES } from '../../../gateway/shipped-queries';
import { ApiKeyRepository } from '../../../store/api-keys.repository';
import { startTestHub, type TestHub } from '../../helpers/hub';
import { ConsoleDriver, exported, exportedCsv, launchChromium } from './console-driver';

/** Screenshots the run leaves behind, for a person to look at (CI keeps the folder). */
const ARTIFACTS = path.join(__dirname, '..', '..', '..', 'test-artifacts', 'console');

/** The shipped win-back list, run as the tests fill its form in. */
const LAST_ORDER_BEFORE = '2026-06-01T00:00:00Z';
const WIN_BACK = `win-back-list?lastOrderBefore=${encodeURIComponent(LAST_ORDER_BEFORE)}`;

const TOP_SCORES = /* GraphQL */ `
  query TopScores($first: Int = 40, $after: String) {
    customers(first: $first, after: $after) {
      nodes {
        id
        name
        credit {
          score
        }
      }
    }
  }
`;

// One analyst's session, step after step: each test goes on from the page the previous one left.
describe('the console at /console, in a real headless Chromium', () => {
  let t: TestHub;
  let origin: string;
  let assets: string;
  let browser: Browser;
  let page: Page;
  /** What the page itself threw or logged as an error: every test expects none. */
  const pageErrors: string[] = [];
  /** Every URL the page asked for: all of them the hub's own. */
  const requested: string[] = [];

  let ui: ConsoleDriver;
  let analystKey: string;
  const csvRows = (query: string) => exportedCsv(origin, analystKey, query);

  beforeAll(async () => {
    // The console as this checkout's source builds it, not whatever an earlier build left in dist/.
    assets = await bundleConsole(mkdtempSync(path.join(tmpdir(), 'switchboard-console-')));
    t = await startTestHub({
      scale: 300,
      // Department fields straight from the systems: a system taken down shows at once.
      cache: false,
      auth: { enabled: true, keyCacheSeconds: 0 },
      consoleAssets: assets,
    });
    await t.hub.buildSnapshots();
    origin = new URL(t.hub.url).origin;
    analystKey = (await new ApiKeyRepository(t.hub.store.db).create('ana', ['analyst'])).token;
    mkdirSync(ARTIFACTS, { recursive: true });
    browser = await launchChromium();
    const context = await browser.newContext({ acceptDownloads: true, viewport: { width: 1440, height: 1100 } });
    page = await context.newPage();
    ui = new ConsoleDriver(page, origin);
    page.on('pageerror', (error) => pageErrors.push(error.message));
    page.on('console', (message) => {
      // The browser logs every 4xx answer by itself (a refused key, a missing variable): those are
      // the hub's answers, which the tests check; the page's own errors are what count here.
      if (message.type() === 'error' && !message.text().startsWith('Failed to load resource'))
        pageErrors.push(message.text());
    });
    page.on('request', (request) => requested.push(request.url()));
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
    rmSync(assets, { recursive: true, force: true });
  });
  afterEach(() => {
    expect(pageErrors.splice(0)).toEqual([]);
  });

  it('serves the page from the hub alone, refuses a wrong key and signs in with a right one', async () => {
    const response = await fetch(`${origin}/console`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-security-policy')).toContain("default-src 'self'");
    await ui.signIn('sb_000000000000_notakey');
    await expect(page.getByRole('alert').textContent()).resolves.toContain('did not accept this key');
    await ui.signIn(analystKey);
    await page.getByTestId('signed-in').waitFor();
    const listed: string[] = [];
    for (const button of await page.locator('[data-query]').all())
      listed.push((await button.getAttribute('data-query'))!);
    expect(listed).toEqual(SHIPPED_QUERIES.map((query) => query.name).sort());
    await page.getByLabel('Search saved queries').fill('upsell');
    await page.locator('[data-query="collections-call-list"]').waitFor({ state: 'detached' });
    expect(await page.locator('[data-query]').count()).toBe(1);
    await page.getByLabel('Search saved queries').fill('');
    await page.locator('[data-query="collections-call-list"]').waitFor();
    // Nothing from a CDN: every request the page made went to the hub.
    expect(requested.filter((url) => !url.startsWith(origin))).toEqual([]);
  });

  it('says which variable is missing or mistyped, next to its field', async () => {
    await ui.choose('win-back-list');
    // The cursor is the console's to fill in: no field asks for it.
    expect(await page.locator('#variable-after').count()).toBe(0);
    await expect(page.locator('#variable-first').inputValue()).resolves.toBe('100');
    await ui.run();
    await expect(page.locator('#variable-lastOrderBefore-error').textContent()).resolves.toMatch(
      /lastOrderBefore.*required|required.*lastOrderBefore/i,
    );
    await page.locator('#variable-lastOrderBefore').fill('yesterday');
    await ui.run();
    await expect(page.locator('#variable-lastOrderBefore-error').textContent()).resolves.toMatch(/DateTime/);
    expect(await page.getByTestId('result-table').count()).toBe(0);
  });

  it("runs a shipped saved query and shows the export's own rows, sortable and a page at a time", async () => {
    await page.locator('#variable-lastOrderBefore').fill(LAST_ORDER_BEFORE);
    await ui.run();
    const [header, ...rows] = await csvRows(WIN_BACK);
    // More than a page of them, or paging is not tried.
    expect(rows.length).toBeGreaterThan(50);
    await expect(page.getByTestId('summary').textContent()).resolves.toBe(`${rows.length} rows`);
    expect(await ui.tableHeader()).toEqual(header);
    expect(await ui.tableRows()).toEqual(rows.slice(0, 25));

    const column = header.indexOf('sales.lifetimeValue');
    await page.getByRole('button', { name: 'sales.lifetimeValue' }).click();
    const direction = await page.locator('th[aria-sort]:not([aria-sort="none"])').getAttribute('aria-sort');
    expect(['ascending', 'descending']).toContain(direction);
    const sorted = rows
      .map((row) => Number(row[column]))
      .sort((a, b) => (direction === 'ascending' ? a - b : b - a))
      .map(String);
    expect((await ui.tableRows()).map((row) => row[column])).toEqual(sorted.slice(0, 25));
    await page.getByRole('button', { name: 'Next page' }).click();
    await expect(page.getByTestId('page-status').textContent()).resolves.toBe(`Rows 26–50 of ${rows.length}`);
    expect((await ui.tableRows()).map((row) => row[column])).toEqual(sorted.slice(25, 50));
  });

  it('draws a bar chart of a numeric column grouped by another, and a line of the same', async () => {
    await page.locator('select[name="valueColumn"]').selectOption('sales.lifetimeValue');
    // Dates are grouped by month: lifetime value of the customers lost, by the month of their last order.
    await page.locator('select[name="groupColumn"]').selectOption('sales.lastOrderAt');
    const [header, ...rows] = await csvRows(WIN_BACK);
    const by = header.indexOf('sales.lastOrderAt');
    const value = header.indexOf('sales.lifetimeValue');
    const sums = new Map<string, number>();
    for (const row of rows) {
      const label = row[by].slice(0, 7) || '(empty)';
      sums.set(label, (sums.get(label) ?? 0) + Number(row[value]));
    }
    // Largest first; equal sums by their labels.
    const expected = [...sums]
      .map(([label, sum]) => [label, String(Math.round(sum * 100) / 100)])
      .sort((a, b) => Number(b[1]) - Number(a[1]) || a[0].localeCompare(b[0], 'en', { numeric: true }));
    expect(expected.length).toBeGreaterThan(1);
    expect(await ui.chartFigures()).toEqual(expected);
    // Chart.js drew on the canvas: a good part of it is no longer blank.
    expect(await ui.inkedPixels()).toBeGreaterThan(5000);
    // The table back at its first column, for a picture a person can read (the README's).
    await page.locator('.table-wrap').evaluate((wrap) => ((wrap as unknown as { scrollLeft: number }).scrollLeft = 0));
    await page.screenshot({ path: path.join(ARTIFACTS, 'console-bar-chart.png'), fullPage: true });
    await page.locator('select[name="chartKind"]').selectOption('line');
    expect(await ui.inkedPixels()).toBeGreaterThan(1000);
    await page.screenshot({ path: path.join(ARTIFACTS, 'console-line-chart.png'), fullPage: true });
  });

  it('downloads the CSV file the export gives, every row of it', async () => {
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Download CSV' }).click(),
    ]);
    expect(download.suggestedFilename()).toBe('win-back-list-v1.csv');
    const file = readFileSync(await download.path(), 'utf8');
    expect(file).toBe(await exported(origin, analystKey, `${WIN_BACK}&format=csv`));
  });

  it('reads at most the rows asked for, and says the table and the chart hold only those', async () => {
    const [, ...rows] = await csvRows(WIN_BACK);
    await page.locator('select[name="rowLimit"]').selectOption('100');
    await ui.run();
    await expect(page.getByTestId('summary').textContent()).resolves.toBe(
      `Showing the first 100 rows of ${rows.length}: Download CSV has them all.`,
    );
    await expect(page.getByTestId('page-status').textContent()).resolves.toBe('Rows 1–25 of 100');
    expect(await ui.tableRows()).toEqual(rows.slice(0, 25));
    await expect(page.getByTestId('chart-partial').textContent()).resolves.toBe(
      'Drawn from the first 100 rows only: the CSV download has them all.',
    );
    await page.locator('select[name="rowLimit"]').selectOption('5000');
  });

  it('saves a new query from the page, refusing a document that does not run, then a new version', async () => {
    const savedQuery = async (name: string) =>
      (
        (await (
          await t.post(
            `{ savedQuery(name: "${name}") { version description } }`,
            {},
            {
              authorization: `Bearer ${analystKey}`,
            },
          )
        ).json()) as { data: { savedQuery: { version: number; description: string } | null } }
      ).data.savedQuery;
    await page.getByRole('button', { name: 'New saved query' }).click();
    await page.locator('input[name="name"]').fill('top-scores');
    await page.locator('input[name="description"]').fill('Credit scores, first page');
    await page.locator('input[name="tags"]').fill('credit, review');
    const misspelt = TOP_SCORES.replace('score', 'scroe');
    await page.locator('textarea[name="document"]').fill(misspelt);
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    const refusal = page.getByRole('alert', { name: 'Not saved' });
    // Where the misspelt field is in the text, counted from 1 as GraphQL counts.
    const lines = misspelt.split('\n');
    const line = lines.findIndex((text) => text.includes('scroe'));
    const column = lines[line].indexOf('scroe') + 1;
    await expect(refusal.textContent()).resolves.toContain(
      `Line ${line + 1}, column ${column}: Cannot query field "scroe"`,
    );
    expect(await savedQuery('top-scores')).toBeNull();

    await page.locator('textarea[name="document"]').fill(TOP_SCORES);
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await ui.choose('top-scores');
    expect(await savedQuery('top-scores')).toEqual({ version: 1, description: 'Credit scores, first page' });

    await page.getByRole('button', { name: 'Save a new version' }).click();
    await page.locator('input[name="description"]').fill('Credit scores, every page');
    await page.getByRole('button', { name: 'Save new version' }).click();
    await page.locator('section[data-query-panel="top-scores"]').waitFor();
    expect(await savedQuery('top-scores')).toEqual({ version: 2, description: 'Credit scores, every page' });
    expect(await page.locator('select[name="version"] option').allTextContents()).toEqual([
      expect.stringMatching(/^v2 \(latest\) · ana/),
      expect.stringMatching(/^v1 · ana/),
    ]);
    // An older version is shown, and would run, as it was saved.
    await page.locator('select[name="version"]').selectOption('1');
    await page.getByText('GraphQL document (version 1)').waitFor();
    await expect(page.locator('section[data-query-panel] p.description').textContent()).resolves.toBe(
      'Credit scores, first page',
    );
    await page.locator('select[name="version"]').selectOption('2');
    await page.getByText('GraphQL document (version 2)').waitFor();
  });

  it("shows a field the caller's roles may not read as empty cells, next to what was denied", async () => {
    // Credit scores are for credit, accounting and admin: not for an analyst.
    await ui.run();
    const [, ...rows] = await csvRows('top-scores');
    expect(rows.every((row) => row[2] === '')).toBe(true);
    const denied = page.getByRole('alert', { name: 'Some of the answer is missing' });
    await expect(denied.locator('li[data-code="FORBIDDEN"]').textContent()).resolves.toContain(
      'Not allowed for your roles',
    );
    await expect(denied.textContent()).resolves.toContain('Your roles may not read CreditProfile.score');
    expect((await ui.tableRows()).slice(0, 3)).toEqual(rows.slice(0, 3));
  });

  it('shows a department system that is down as empty cells beside the departments that answered', async () => {
    t.reconfigure({ connectors: { accounting: { url: 'http://127.0.0.1:9' } } });
    expect((await t.hub.reload()).ok).toBe(true);
    try {
      await ui.choose('collections-call-list');
      await ui.run();
      const missing = page.getByRole('alert', { name: 'Some of the answer is missing' });
      await expect(missing.locator('li[data-code="UPSTREAM_UNAVAILABLE"] strong').textContent()).resolves.toBe(
        'A department system did not answer',
      );
      const header = await ui.tableHeader();
      const rows = await ui.tableRows();
      expect(rows.length).toBeGreaterThan(0);
      expect(rows.every((row) => row[header.indexOf('accounting.balance')] === '')).toBe(true);
      expect(rows.every((row) => row[header.indexOf('name')] !== '')).toBe(true);
      await page.screenshot({ path: path.join(ARTIFACTS, 'console-system-down.png'), fullPage: true });
    } finally {
      t.reconfigure({});
      await t.hub.reload();
    }
  });

  it('lists a saved query the graph no longer runs as broken, with the reason, and does not run it', async () => {
    t.reconfigure({ connectors: { credit: { enabled: false } } });
    expect((await t.hub.reload()).ok).toBe(true);
    await page.getByLabel('Search saved queries').fill('upsell');
    await page.locator('[data-query="upsell-list"] .badge').waitFor();
    await ui.choose('upsell-list');
    await expect(page.getByRole('alert').first().textContent()).resolves.toMatch(/no longer runs.*credit/s);
    expect(await page.getByRole('button', { name: 'Run', exact: true }).isDisabled()).toBe(true);
  });
});
