import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { ensureWebBuilt, hasChromium, launchBrowser, LAPTOP, newPage, PHONE, screenshot, signIn, startServer, type RunningServer } from './harness.ts';

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
    await expect.poll(() => page.locator('.leaflet-overlay-pane path').count()).toBeGreaterThan(5);
    expect(await page.getByTestId('nav-map').innerText()).toContain('地图');
    await screenshot(page, 'map-laptop-zh');
    await page.getByTestId('lang-switch').click();
    expect(await page.getByTestId('nav-map').innerText()).toContain('Map');
    await screenshot(page, 'map-laptop-en');
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
