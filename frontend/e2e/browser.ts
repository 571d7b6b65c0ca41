import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

export const ARTIFACTS = resolve('test-artifacts');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** How long a change may take to reach another browser: generous for a loaded 2-core machine. */
export const LIVE_TIMEOUT = 5_000;

/** Debian's chromium, never a downloaded one. */
export async function launchBrowser(): Promise<Browser> {
  mkdirSync(ARTIFACTS, { recursive: true });
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
}

/** The card of a task in a column of the board. */
export const cardIn = (status: string, taskId: string) => `[data-testid=column-${status}] [data-task-id="${taskId}"]`;

/** A page whose uncaught errors, unhandled rejections and dialogs (an `alert` from injected HTML) are recorded. */
export interface WatchedPage {
  page: Page;
  context: BrowserContext;
  problems: string[];
}

export async function openPage(
  browser: Browser,
  options: { viewport?: { width: number; height: number } } = {},
): Promise<WatchedPage> {
  const context = await browser.newContext({
    viewport: options.viewport ?? { width: 1600, height: 1000 },
    acceptDownloads: true,
  });
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(`pageerror: ${error.message}`));
  page.on('dialog', (dialog) => {
    problems.push(`dialog: ${dialog.type()} ${dialog.message()}`);
    void dialog.dismiss();
  });
  page.on('console', (message) => {
    if (message.type() === 'error' && !/Failed to load resource/.test(message.text())) {
      problems.push(`console: ${message.text()}`);
    }
  });
  return { page, context, problems };
}

export async function logIn(page: Page, baseUrl: string, email: string, password: string): Promise<void> {
  await page.goto(`${baseUrl}/login`);
  await page.fill('input[name=email]', email);
  await page.fill('input[name=password]', password);
  await Promise.all([page.waitForURL(`${baseUrl}/`), page.click('button[type=submit]')]);
  await page.waitForSelector('[data-testid=connection][data-state=live]');
}

export async function screenshot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: resolve(ARTIFACTS, `${name}.png`), fullPage: false });
}

/** Drags the card at `from` by its handle with the mouse and drops it near the bottom of `to`. */
export async function dragWithMouse(page: Page, from: string, to: string): Promise<void> {
  const handle = await page.locator(`${from} .drag-handle`).boundingBox();
  const target = await page.locator(to).boundingBox();
  if (!handle || !target) throw new Error('drag source or target not visible');
  await page.mouse.move(handle.x + handle.width / 2, handle.y + handle.height / 2);
  await page.mouse.down();
  const x = target.x + target.width / 2;
  const y = target.y + target.height - 20;
  await page.mouse.move(x, y, { steps: 12 });
  await page.mouse.move(x + 1, y + 1, { steps: 2 });
  await page.mouse.up();
}

/**
 * An axe-core audit of the page as it is now (axe injected from the npm package, nothing fetched): the serious
 * and critical violations, as readable lines (rule, impact, first offending elements).
 */
export async function accessibilityProblems(page: Page): Promise<string[]> {
  const hasAxe = await page.evaluate(() => 'axe' in window);
  if (!hasAxe) await page.addScriptTag({ path: AXE_PATH });
  const violations = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run: (context: Document, options: object) => Promise<AxeResult> } }).axe;
    interface AxeResult {
      violations: { id: string; impact: string | null; help: string; nodes: { target: string[] }[] }[];
    }
    const result = await axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21aa'] } });
    return result.violations.map((violation) => ({
      id: violation.id,
      impact: violation.impact,
      help: violation.help,
      targets: violation.nodes.slice(0, 3).map((node) => node.target.join(' ')),
    }));
  });
  return violations
    .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
    .map((violation) => `${violation.id} (${violation.impact}): ${violation.help} at ${violation.targets.join(', ')}`);
}

const AXE_PATH = resolve('../node_modules/axe-core/axe.min.js');

export const DESKTOP = { width: 1440, height: 900 };
export const PHONE = { width: 390, height: 844 };

/** Light, then dark (through the page's own toggle state in localStorage), each screenshot under `name`. */
export async function screenshotThemes(page: Page, name: string): Promise<void> {
  const viewport = page.viewportSize();
  const size = viewport && viewport.width < 700 ? 'phone' : 'desktop';
  for (const theme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme: theme });
    await page.evaluate((choice) => {
      document.documentElement.dataset.theme = choice;
    }, theme);
    await screenshot(page, `${name}-${size}-${theme}`);
  }
  await page.emulateMedia({ colorScheme: 'light' });
  await page.evaluate(() => {
    delete document.documentElement.dataset.theme;
  });
}

/** Audits a page in light and dark: no serious or critical axe violation in either. */
export async function auditThemes(page: Page): Promise<string[]> {
  const problems: string[] = [];
  for (const theme of ['light', 'dark'] as const) {
    await page.evaluate((choice) => {
      document.documentElement.dataset.theme = choice;
    }, theme);
    problems.push(...(await accessibilityProblems(page)).map((problem) => `${theme}: ${problem}`));
  }
  await page.evaluate(() => {
    delete document.documentElement.dataset.theme;
  });
  return problems;
}
