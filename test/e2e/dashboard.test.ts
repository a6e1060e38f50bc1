import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { ensureWebBuilt, hasChromium, launchBrowser, LAPTOP, newPage, PHONE, screenshot, signIn, startServer, type RunningServer } from './harness.ts';

/** The colours of the delivery zones on the map, as a multiset string. */
async function zoneColours(page: Page): Promise<string[]> {
  return page.locator('.leaflet-zones-pane path').evaluateAll((els) => els.map((e) => e.getAttribute('fill') ?? ''));
}

describe.skipIf(!hasChromium)('the command centre in Chromium', () => {
  let server: RunningServer;
  let browser: Browser;

  beforeAll(async () => {
    ensureWebBuilt();
    [server, browser] = await Promise.all([startServer(), launchBrowser()]);
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('signs in and shows the district map with every node, in Chinese, then switches to English', async () => {
    const { context, page, errors } = await newPage(browser, { viewport: LAPTOP, locale: 'zh-CN' });
    await signIn(page, server.url);
    await expect.poll(() => page.locator('[data-testid^="node-"]').count()).toBe(11);
    await expect.poll(() => page.locator('.leaflet-zones-pane path').count()).toBeGreaterThan(50);
    expect(await page.getByTestId('nav-map').innerText()).toContain('地图');
    await screenshot(page, 'map-laptop-zh');
    await page.getByTestId('lang-switch').click();
    expect(await page.getByTestId('nav-map').innerText()).toContain('Map');
    await screenshot(page, 'map-laptop-en');
    expect(errors).toEqual([]);
    await context.close();
  });

  it('draws a lockdown area around a store, reviews the zone plan and applies it: the store stops and its zones change colour', async () => {
    const { context, page, errors } = await newPage(browser, { viewport: LAPTOP, locale: 'zh-CN' });
    await signIn(page, server.url);
    await expect.poll(() => page.locator('.leaflet-zones-pane path').count()).toBeGreaterThan(50);
    const before = await zoneColours(page);

    const box = (await page.locator('.node-marker-dazu-plaza').boundingBox())!;
    const cx = box.x + box.width / 2;
    const cy = box.y + box.height / 2;
    await page.getByTestId('draw-area').click();
    for (const [dx, dy] of [[-45, -35], [45, -35], [45, 35], [-45, 35]]) await page.mouse.click(cx + dx, cy + dy);
    expect(await page.getByTestId('draw-help').innerText()).toContain('4');
    await page.getByTestId('finish-area').click();
    await page.getByTestId('area-name').fill('大族广场封控区');
    await page.getByTestId('area-level').selectOption('lockdown');
    await page.getByTestId('preview-area').click();
    await page.getByTestId('plan-review').waitFor();
    expect(await page.getByTestId('node-changes').innerText()).toContain('大族广场店');
    await screenshot(page, 'incident-1-effects');

    await page.getByTestId('declare-area').click();
    await page.getByTestId('apply-plan').waitFor({ timeout: 60_000 });
    await page.getByTestId('zone-moves').waitFor();
    await screenshot(page, 'incident-2-zone-plan');

    await page.getByTestId('apply-plan').click();
    await page.getByTestId('incident-applied').waitFor({ timeout: 30_000 });
    await expect.poll(async () => (await page.getByTestId('node-dazu-plaza').innerText()).includes('暂停营业')).toBe(true);
    // The zones the store served now show other colours (or the unserved grey).
    await expect
      .poll(async () => {
        const after = await zoneColours(page);
        return after.length === before.length && after.some((c, i) => c !== before[i]);
      })
      .toBe(true);
    await screenshot(page, 'incident-3-applied');
    expect(errors).toEqual([]);
    await context.close();
  });

  it('fits the map and the panels on a phone screen', async () => {
    const { context, page, errors } = await newPage(browser, { viewport: PHONE, locale: 'zh-CN', mobile: true });
    await signIn(page, server.url);
    await expect.poll(() => page.locator('[data-testid^="node-"]').count()).toBe(11);
    await screenshot(page, 'map-phone-zh');
    expect(errors).toEqual([]);
    await context.close();
  });
});
