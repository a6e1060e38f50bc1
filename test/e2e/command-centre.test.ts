import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { apiAs, E2E_DRAFT_BUDGETS, ensureWebBuilt, hasChromium, launchBrowser, LAPTOP, newPage, PHONE, screenshot, signIn, startServer, type RunningServer } from './harness.ts';

/**
 * The whole response from the command centre, as an operations manager runs it:
 * declare on the map, open the incident, edit the plan, simulate, apply with the
 * impacts confirmed, plan / confirm / dispatch trips, watch the network board and
 * acknowledge an alert, lift. Then on a phone in English: discard a drafted incident
 * (the 409 bug), the node status guard, the board and the incident list. Screenshots
 * go to test-artifacts/ (cc-*.png).
 */

/** No "loading" text and no raw i18n key (a dotted lowercase path) on the page. */
async function settled(page: Page): Promise<void> {
  await expect.poll(() => page.getByText(/Loading…|加载中…/).count(), { timeout: 60_000 }).toBe(0);
}
async function rawKeys(page: Page): Promise<string[]> {
  const text = await page.locator('main').innerText();
  return text.match(/\b(?:incidents|board|trips|planEdit|planRerun|nodeStatus|statusReason|timeline|serverText|errorCode|summary|applyStep|boardAlert)\.[a-zA-Z_.]+\b/g) ?? [];
}

describe.skipIf(!hasChromium)('the command centre runs the whole response', () => {
  let server: RunningServer;
  let browser: Browser;

  beforeAll(async () => {
    ensureWebBuilt();
    [server, browser] = await Promise.all([startServer(), launchBrowser()]);
  }, 900_000);
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('declares on the map, edits, simulates and applies the plan, dispatches a trip, acknowledges an alert and lifts, in Chinese on a laptop', { timeout: 600_000 }, async () => {
    const { context, page, errors } = await newPage(browser, { viewport: LAPTOP, locale: 'zh-CN' });
    await signIn(page, server.url);
    await expect.poll(() => page.locator('.leaflet-zones-pane path').count(), { timeout: 60_000 }).toBeGreaterThan(50);

    // Declare: draw a lockdown area around Dazu Plaza and draft the plan.
    const box = (await page.locator('.node-marker-dazu-plaza').boundingBox())!;
    const cx = box.x + box.width / 2;
    const cy = box.y + box.height / 2;
    await page.getByTestId('draw-area').click();
    for (const [dx, dy] of [[-45, -35], [45, -35], [45, 35], [-45, 35]]) await page.mouse.click(cx + dx, cy + dy);
    await page.getByTestId('finish-area').click();
    await page.getByTestId('area-name').fill('大族广场封控区');
    await page.getByTestId('preview-area').click();
    await page.getByTestId('plan-review').waitFor();
    await page.getByTestId('declare-area').click();
    await page.getByTestId('apply-plan').waitFor({ timeout: 240_000 });

    // The incident is in the list after a reload, with its status.
    await page.goto(`${server.url}/app/incidents`);
    await page.getByTestId('incidents-table').waitFor();
    expect(await page.getByTestId('incidents-table').innerText()).toContain('方案已起草');
    await screenshot(page, 'cc-1-incidents-laptop-zh');
    await page.getByTestId('incidents-table').locator('a').first().click();
    await page.getByTestId('plan-editor').waitFor({ timeout: 60_000 });
    await settled(page);

    // Edit: move the first moved zone to another node, save (marked edited), re-simulated.
    const select = page.getByTestId('plan-editor-zone-0');
    const current = await select.inputValue();
    const other = (await select.locator('option').evaluateAll((os) => os.map((o) => (o as HTMLOptionElement).value))).find((v) => v && v !== current)!;
    await select.selectOption(other);
    // On the map: click a zone, then the node that should serve it (Leaflet takes the click on the shape itself).
    const map = page.getByTestId('plan-editor-map');
    await expect.poll(() => map.locator('path.zone-shape').count(), { timeout: 60_000 }).toBeGreaterThan(1);
    await map.locator('path.zone-shape').nth(1).dispatchEvent('click');
    const picked = page.getByTestId('plan-editor-picked-node');
    await picked.waitFor();
    const servedBy = await picked.inputValue();
    const taker = (await picked.locator('option').evaluateAll((os) => os.map((o) => (o as HTMLOptionElement).value))).find((v) => v && v !== servedBy)!;
    await map.locator(`path.node-marker-${taker}`).dispatchEvent('click');
    await expect.poll(() => picked.inputValue()).toBe(taker);
    expect(await page.getByTestId('plan-editor-zones').innerText()).toContain('路区');
    await screenshot(page, 'cc-2a-zone-moved-on-map');
    await page.getByTestId('plan-editor-save').click();
    await page.getByTestId('plan-editor-saved').waitFor({ timeout: 60_000 });
    await page.getByTestId('kpi-table').waitFor({ timeout: 180_000 });
    // The server answers the simulation before the incident's reload, so wait for the edited mark.
    await expect.poll(async () => page.getByTestId('plan-editor').innerText(), { timeout: 60_000 }).toContain('路区已由审核人修改');
    await screenshot(page, 'cc-2-plan-edited-simulated');

    // Re-run a part with the planner's settings: a capacity that is not a number is refused
    // before sending; a valid one runs the zone assignment again on the server.
    await page.getByTestId('plan-rerun-capacity-yicheng-jingyuan').fill('abc');
    await page.getByTestId('plan-rerun-zones').click();
    expect(await page.getByTestId('plan-rerun-problems').innerText()).toContain('abc');
    await page.getByTestId('plan-rerun-capacity-yicheng-jingyuan').fill('3600');
    await page.getByTestId('plan-rerun-zones').click();
    await page.getByTestId('plan-rerun-done').waitFor({ timeout: 120_000 });
    // The re-run part is simulated again before apply (the button is busy meanwhile).
    await expect.poll(() => page.getByTestId('incident-simulate').isEnabled(), { timeout: 180_000 }).toBe(true);
    await settled(page);
    await screenshot(page, 'cc-2b-plan-rerun');

    // The assortment size: checked before sending, then targets, sourcing and trips run again.
    await page.getByTestId('plan-rerun-assortment-size').fill('-3');
    await page.getByTestId('plan-rerun-targets').click();
    expect(await page.getByTestId('plan-rerun-problems').innerText()).toContain('-3');
    await page.getByTestId('plan-rerun-assortment-size').fill('300');
    await page.getByTestId('plan-rerun-targets').click();
    await page.getByTestId('plan-rerun-assortment-now').waitFor({ timeout: 120_000 });
    expect(await page.getByTestId('plan-rerun-assortment-now').innerText()).toMatch(/本方案备货 \d+ 种商品/);
    await expect.poll(() => page.getByTestId('incident-simulate').isEnabled(), { timeout: 180_000 }).toBe(true);
    await settled(page);

    // Apply asks to confirm, with the impacts.
    await page.getByTestId('incident-apply').click();
    await page.getByTestId('apply-impacts').waitFor();
    expect(await page.getByTestId('apply-impacts').innerText()).toContain('每日可覆盖订单');
    await screenshot(page, 'cc-3-apply-confirm');
    await page.getByTestId('incident-apply-confirm').click();
    await expect.poll(async () => page.getByTestId('incident-detail').innerText(), { timeout: 180_000 }).toContain('执行中');
    await page.getByTestId('incident-steps').waitFor();
    await screenshot(page, 'cc-4-applied');

    // Trips: plan the cold-chain transfers the sourcing step made, confirm, assign a driver, dispatch.
    // The sourcing step makes one transfer per giver and receiver, mixing temperature classes and often larger than
    // a truck (a known gap, docs/incidents.md): the planner may leave them all out. A small chilled transfer of a
    // store's own makes sure there is a trip to confirm and dispatch.
    const call = await apiAs(server.url);
    expect((await call('POST', '/api/inventory/movements', { kind: 'receipt', nodeId: 'yz-satellite', itemId: 'DAI-01-1-1', quantity: 40, lot: { code: 'E2E-CC', expiryDate: '2099-12-31' }, reason: 'opening_balance' })).status).toBe(201);
    const small = await call('POST', '/api/inventory/transfers', { fromNodeId: 'yz-satellite', toNodeId: 'yicheng-jingyuan', lines: [{ itemId: 'DAI-01-1-1', quantity: 10 }], dispatch: false });
    expect(small.status, JSON.stringify(small.body)).toBe(201);
    await page.getByTestId('nav-trips').click();
    await page.getByTestId('trip-plan').click();
    await page.getByTestId('trip-proposal').waitFor({ timeout: 120_000 });
    await screenshot(page, 'cc-5a-trip-proposal');
    await expect.poll(async () => page.getByTestId('trip-plan-confirm').isDisabled(), { timeout: 120_000 }).toBe(false);
    await page.getByTestId('trip-plan-confirm').click();
    await page.getByTestId('trip-plan-confirm-confirm').click();
    await page.getByTestId('trip-plan-status').waitFor({ timeout: 60_000 });
    await page.getByTestId('trip').first().click();
    await page.getByTestId('trip-driver').fill('王师傅');
    await page.getByTestId('trip-assign-save').click();
    await expect.poll(async () => page.getByTestId('trip').first().innerText()).toContain('王师傅');
    // The coolant rule in the screen's language, from the figures the server sends.
    expect(await page.getByTestId('trip-coolant-note').innerText()).toContain('冷媒规则');
    await screenshot(page, 'cc-5-trip-confirmed');
    await page.getByTestId('trip-dispatch').click();
    await page.getByTestId('trip-dispatch-confirm').click();
    await expect.poll(async () => page.getByTestId('trip').first().innerText(), { timeout: 60_000 }).toContain('在途');
    await page.getByTestId('trip-arrive-1').click();
    await expect.poll(async () => page.getByTestId('trip-stop-status-1').getAttribute('data-status'), { timeout: 30_000 }).toBe('arrived');
    expect(await page.getByTestId('trip-stop-status-1').innerText()).toBe('已到达');
    expect(await page.getByTestId('trip-sheet').getAttribute('href')).toMatch(/\/sheet\?format=html$/);
    await screenshot(page, 'cc-6-trip-dispatched');

    // The board: every node against capacity, alerts acknowledged.
    await page.getByTestId('nav-board').click();
    await page.getByTestId('board-nodes').waitFor({ timeout: 60_000 });
    expect(await page.getByTestId('board-nodes').innerText()).toContain('大族广场店');
    const open = await page.getByTestId('board-alert').count();
    if (open > 0) {
      await page.getByTestId('board-ack').first().click();
      await expect.poll(() => page.getByTestId('board-alert').count()).toBe(open - 1);
    }
    await screenshot(page, 'cc-7-board-laptop-zh');

    // Lift, confirmed with its consequences; the store reopens.
    await page.getByTestId('nav-incidents').click();
    await page.getByTestId('incidents-table').locator('a').first().click();
    await page.getByTestId('incident-lift').click();
    expect(await page.getByTestId('incident-lift-confirm-box').innerText()).toContain('管控区解除');
    await page.getByTestId('incident-lift-confirm').click();
    await expect.poll(async () => page.getByTestId('incident-detail').innerText(), { timeout: 120_000 }).toContain('已解除');
    await page.getByTestId('incident-lift-summary').waitFor();
    await expect.poll(async () => (await page.getByTestId('incident-timeline').innerText()).includes('请求解除')).toBe(true);
    await screenshot(page, 'cc-8-lifted-timeline');
    expect(await rawKeys(page)).toEqual([]);
    expect((await call('GET', '/api/nodes/dazu-plaza')).body.status).toBe('open');
    expect(errors).toEqual([]);
    await context.close();
  });

  it('discards a drafted incident, guards node status and shows the board, in English on a phone', { timeout: 400_000 }, async () => {
    const call = await apiAs(server.url);
    const startsAt = new Date(Date.now() - 60_000).toISOString();
    expect((await call('POST', '/api/incidents', { id: 'e2e-drill', name: 'Chaolin drill', areas: [{ id: 'chaolin-drill', name: 'Chaolin Plaza', level: 'lockdown', circle: { lat: 39.792, lng: 116.4998, radiusM: 350 }, startsAt }] })).status).toBe(201);
    expect((await call('POST', '/api/incidents/e2e-drill/plan', E2E_DRAFT_BUDGETS)).status).toBe(201);

    const { context, page, errors } = await newPage(browser, { viewport: PHONE, locale: 'en-US', mobile: true });
    await signIn(page, server.url, '/app/incidents/e2e-drill');
    await page.getByTestId('incident-discard').waitFor({ timeout: 60_000 });
    await settled(page);
    await page.getByTestId('incident-discard').click();
    expect(await page.getByTestId('incident-discard-confirm-box').innerText()).toContain('nothing on the network changes');
    await screenshot(page, 'cc-9-discard-confirm-phone-en');
    await page.getByTestId('incident-discard-confirm').click();
    await expect.poll(async () => page.getByTestId('incident-detail').innerText(), { timeout: 60_000 }).toContain('Discarded');
    expect((await call('GET', '/api/incidents/e2e-drill')).body.status).toBe('discarded');
    await screenshot(page, 'cc-10-discarded-phone-en');

    // Node status guard: apply a lockdown directly, then the store cannot simply reopen.
    expect((await call('POST', '/api/control-areas', { id: 'guard-area', name: 'Dazu guard', level: 'lockdown', geometry: { type: 'Polygon', coordinates: [[[116.503, 39.787], [116.511, 39.787], [116.511, 39.793], [116.503, 39.793], [116.503, 39.787]]] }, startsAt })).status).toBe(201);
    const inside = (await call('GET', '/api/nodes')).body.nodes.find((n: any) => n.id === 'dazu-plaza' && n.status === 'suspended');
    expect(inside).toBeTruthy();
    await page.getByTestId('nav-map').click();
    await page.getByTestId(`node-${inside.id}`).locator('.node-head').click();
    await page.getByTestId('node-in-lockdown').waitFor();
    // Why it is suspended, in English words with the area's name (no id, no raw key).
    expect(await page.getByTestId('node-status-why').innerText()).toContain('Inside “Dazu guard” (Lockdown area)');
    await page.getByTestId('node-status-select').selectOption('open');
    await page.getByTestId('node-status-reason').fill('ok');
    expect(await page.getByTestId('node-status-save').isDisabled()).toBe(true);
    await page.getByTestId('node-override').check();
    expect(await page.getByTestId('node-status-save').isDisabled()).toBe(true); // the reason is too short
    await page.getByTestId('node-status-select').selectOption('closed');
    await page.getByTestId('node-status-reason').fill('lease ends');
    expect(await page.getByTestId('node-status-save').isDisabled()).toBe(true); // closing needs the confirmation
    await page.getByTestId('node-close-confirm').waitFor();
    await page.getByTestId(`node-${inside.id}`).scrollIntoViewIfNeeded();
    await screenshot(page, 'cc-11-node-guard-phone-en');
    // The server refuses the reopening without an override, and says why in the UI's words.
    const refused = await call('POST', `/api/nodes/${inside.id}/status`, { status: 'open', reason: 'manager asked' });
    expect(refused.status).toBe(409);
    expect(refused.body.details.messageCode).toBe('node.in_lockdown');

    await page.getByTestId('nav-board').click();
    await page.getByTestId('board-nodes').waitFor({ timeout: 60_000 });
    await settled(page);
    await screenshot(page, 'cc-12-board-phone-en');
    await page.getByTestId('nav-incidents').click();
    await page.getByTestId('incidents-table').waitFor();
    expect(await page.getByTestId('incidents-table').innerText()).toContain('Discarded');
    await screenshot(page, 'cc-13-incidents-phone-en');
    expect(await rawKeys(page)).toEqual([]);
    expect(errors).toEqual([]);
    await context.close();
  });
});
