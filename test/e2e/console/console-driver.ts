import { parse as parseCsv } from 'csv-parse/sync';
import { chromium, type Browser, type Page } from 'playwright-core';

/** Debian's Chromium (`.ci/run` installs it); a browser download cannot work on these machines. */
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Headless Chromium as this machine runs it: no sandbox (root), no calls out to Google. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-background-networking', '--disable-gpu', '--no-first-run'],
  });
}

/** A spreadsheet-safe CSV cell (`'+1 415…`) as the value it guards. */
const unguard = (cell: string) => (/^'[=+\-@\t\r]/.test(cell) ? cell.slice(1) : cell);

/** The export's own answer to `/queries/<query>`, as a client other than the console reads it. */
export async function exported(origin: string, token: string, query: string): Promise<string> {
  const response = await fetch(`${origin}/queries/${query}`, { headers: { authorization: `Bearer ${token}` } });
  if (response.status !== 200) throw new Error(`GET /queries/${query} answered ${response.status}`);
  return response.text();
}

/** The export's CSV, parsed: a header row, then a row per result row, cells as the table shows them. */
export async function exportedCsv(origin: string, token: string, query: string): Promise<string[][]> {
  const text = await exported(origin, token, `${query}${query.includes('?') ? '&' : '?'}format=csv`);
  const rows: string[][] = parseCsv(text, {});
  return rows.map((row) => row.map(unguard));
}

/** The console as a person uses it, one step per method; each waits for what the step brings. */
export class ConsoleDriver {
  constructor(
    readonly page: Page,
    private readonly origin: string,
  ) {}

  async signIn(key: string): Promise<void> {
    await this.page.goto(`${this.origin}/console`);
    await this.page.getByLabel('API key').fill(key);
    await this.page.getByRole('button', { name: 'Sign in' }).click();
  }

  async choose(name: string): Promise<void> {
    await this.page.locator(`[data-query="${name}"]`).click();
    await this.page.locator(`section[data-query-panel="${name}"]`).waitFor();
  }

  /** Clicks Run and waits until that run has finished (the panel counts finished runs). */
  async run(): Promise<void> {
    const before = Number(await this.page.locator('section[data-runs]').getAttribute('data-runs'));
    await this.page.getByRole('button', { name: 'Run', exact: true }).click();
    await this.page.locator(`section[data-runs="${before + 1}"]`).waitFor();
  }

  /** The cells of the table's rows on the page shown. */
  async tableRows(): Promise<string[][]> {
    const out: string[][] = [];
    for (const row of await this.page.getByTestId('result-table').locator('tbody tr').all())
      out.push(await row.locator('td').allTextContents());
    return out;
  }

  async tableHeader(): Promise<string[]> {
    return this.page.getByTestId('result-table').locator('thead th').allTextContents();
  }

  /** The figures the chart says it drew, label and value per row. */
  async chartFigures(): Promise<string[][]> {
    const out: string[][] = [];
    for (const row of await this.page.getByTestId('chart-data').locator('tbody tr').all())
      out.push(await row.locator('td').allTextContents());
    return out;
  }

  /** How many of the chart canvas's pixels are drawn on (not transparent). */
  inkedPixels(): Promise<number> {
    return this.page.getByTestId('chart').evaluate((canvas) => {
      const drawing = canvas as unknown as {
        width: number;
        height: number;
        getContext(kind: '2d'): {
          getImageData(x: number, y: number, w: number, h: number): { data: Uint8ClampedArray };
        };
      };
      const pixels = drawing.getContext('2d').getImageData(0, 0, drawing.width, drawing.height).data;
      let count = 0;
      for (let index = 3; index < pixels.length; index += 4) if (pixels[index] > 0) count += 1;
      return count;
    });
  }
}
