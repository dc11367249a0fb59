// End-to-end: the cluster picture in the playground, as a learner types the commands of the
// orchestration lessons; it follows the timeline back; a phone-wide window fits it.
// Run from the workspace root after `trunk build --release`: node --test tests/e2e/
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { serveDist, freshBrowser, screenshot, type } from './harness.mjs';

let server, base;

before(async () => {
  server = await serveDist();
  base = `http://127.0.0.1:${server.address().port}/`;
});

after(async () => {
  await new Promise((ok) => (server ? server.close(ok) : ok()));
});

const nodes = (page) => page.locator('svg.pic g.pic-node').count();
const failed = (page) => page.locator('svg.pic g.pic-node-failed').count();
const running = (page) => page.locator('svg.pic rect.pic-pod-running').count();

for (const [label, viewport] of [['desktop', { width: 1280, height: 900 }], ['390px', { width: 390, height: 844 }]]) {
  test(`the cluster picture follows a node failure (${label})`, async () => {
    const { page, errors, close } = await freshBrowser({ viewport });
    try {
      await page.goto(`${base}#/playground`);
      await page.locator('#command').waitFor({ timeout: 30_000 });
      // No cluster, no cluster picture.
      assert.equal(await page.locator('svg.pic g.pic-node').count(), 0);
      await type(page, 'cluster create');
      await type(page, 'kubectl create deployment web --image=nginx --replicas=6');
      assert.equal(await nodes(page), 3);
      assert.equal(await running(page), 6);
      assert.equal(await failed(page), 0);
      await page.locator('svg.pic g.pic-node').first().scrollIntoViewIfNeeded();
      await screenshot(page, `cluster-web6-${label}`);

      await type(page, 'cluster node fail node-2');
      await type(page, 'tick 6m');
      assert.equal(await failed(page), 1);
      assert.match(await page.locator('svg.pic g.pic-node-failed').innerHTML(), /NotReady/);
      assert.equal(await running(page), 6, 'six pods run again on the other nodes');
      assert.equal(await page.locator('svg.pic g.pic-node-failed rect.pic-pod-running').count(), 0);
      await page.locator('svg.pic g.pic-node').first().scrollIntoViewIfNeeded();
      await screenshot(page, `cluster-node2-failed-${label}`);

      // Back on the timeline, event by event, to before the failure: node-2 is whole again.
      const position = () => page.evaluate(() => [
        document.querySelector('#timeline-position')?.innerText ?? '',
        document.querySelector('#timeline-event') !== null,
      ]);
      let steps = 0;
      for (;;) {
        const [at, inside] = await position();
        if (at.startsWith('2 /') && !inside) break;
        assert.ok(steps < 200, `stepped back ${steps} times, at ${at}`);
        await page.locator('#step-back').click();
        steps += 1;
      }
      assert.equal(await failed(page), 0);
      assert.equal(await running(page), 6);

      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      assert.ok(overflow <= 0, `the page is ${overflow}px wider than the window`);
      assert.deepEqual(errors, []);
    } finally {
      await close();
    }
  });
}
