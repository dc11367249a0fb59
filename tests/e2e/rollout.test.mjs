// End-to-end: the rollout and discovery pictures in the playground, as a learner types the
// commands of lessons 12 and 13, on a desktop window and a phone-wide one.
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

const rollout = (page) => page.locator('.pic-rollout svg.pic');
const discovery = (page) => page.locator('.pic-discovery');

// The picture fits the window: no page-wide horizontal scroll.
async function fits(page, what) {
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `${what}: the page is ${overflow}px wider than the window`);
  const box = await what.boundingBox();
  const width = page.viewportSize().width;
  assert.ok(box && box.x >= 0 && box.x + box.width <= width + 1, `within ${width}px: ${JSON.stringify(box)}`);
}

for (const [label, viewport] of [['desktop', { width: 1280, height: 900 }], ['390px', { width: 390, height: 844 }]]) {
  test(`the rollout picture shows an update, a stalled release and the undo (${label})`, async () => {
    const { page, errors, close } = await freshBrowser({ viewport });
    try {
      await page.goto(`${base}#/playground`);
      await page.locator('#command').waitFor({ timeout: 30_000 });
      assert.equal(await rollout(page).count(), 0, 'no cluster, no rollout picture');
      await type(page, 'cluster create');
      await type(page, 'kubectl create deployment web --image=nginx --replicas=10');
      await type(page, 'kubectl set image deployment/web nginx=nginx:1.27');
      const svg = rollout(page);
      assert.match(await svg.innerHTML(), /deployment\/web · nginx:1\.27/);
      assert.match(await svg.innerHTML(), /rollout complete/);
      // 10 replicas: at most 13 pods, at least 8 ready.
      assert.match(await svg.innerHTML(), /max pods 13/);
      assert.match(await svg.innerHTML(), /min ready 8/);
      const steps = await svg.locator('g.pic-roll-step').count();
      assert.ok(steps >= 4, `${steps} columns`);
      assert.ok(await svg.locator('rect.pic-roll-old').count() > 0);
      await svg.scrollIntoViewIfNeeded();
      await fits(page, svg);
      await screenshot(page, `rollout-update-${label}`);

      await type(page, 'kubectl set image deployment/web nginx=nginx:1.99');
      await type(page, 'tick 11m');
      assert.match(await svg.innerHTML(), /stalled \(ProgressDeadlineExceeded\)/);
      assert.match(await svg.innerHTML(), /ImagePullBackOff|ErrImagePull/);
      assert.ok(await svg.locator('rect.pic-roll-new.pic-roll-unready').count() > 0, 'pale new pods');
      assert.match(await svg.getAttribute('aria-label'), /Now old 8 ready \/ 0 not ready, new 0 ready \/ 5 not ready/);
      await svg.scrollIntoViewIfNeeded();
      await screenshot(page, `rollout-stalled-${label}`);

      await type(page, 'kubectl rollout undo deployment/web');
      assert.match(await svg.innerHTML(), /rollout complete/);
      assert.match(await svg.getAttribute('aria-label'), /new 10 ready \/ 0 not ready/);
      assert.deepEqual(errors, [], 'no console errors');
    } finally {
      await close();
    }
  });

  test(`the discovery picture draws a lookup and lights the changed keys (${label})`, async () => {
    const { page, errors, close } = await freshBrowser({ viewport });
    try {
      await page.goto(`${base}#/playground`);
      await page.locator('#command').waitFor({ timeout: 30_000 });
      await type(page, 'cluster create');
      await type(page, 'kubectl create deployment web --image=nginx --replicas=3');
      await type(page, 'kubectl expose deployment web --port=80');
      await type(page, 'kubectl run client --image=busybox -- sleep 3600');
      await type(page, 'kubectl exec client -- wget -qO- http://web');
      const pic = discovery(page);
      const html = await pic.innerHTML();
      assert.match(html, /pod client → web:80/);
      assert.match(html, /search default\.svc\.cluster\.local svc\.cluster\.local cluster\.local/);
      assert.match(html, /web\.default\.svc\.cluster\.local → 10\.\d+\.\d+\.\d+/);
      assert.match(html, /ClusterIP 10\./);
      assert.equal(await pic.locator('.pic-disc-step').count(), 6);
      assert.equal(await pic.locator('.pic-key-lit').count(), 0, 'a lookup writes nothing');
      await pic.scrollIntoViewIfNeeded();
      await fits(page, pic.locator('svg.pic'));
      await screenshot(page, `discovery-lookup-${label}`);

      await type(page, 'kubectl delete pods -l app=web');
      assert.ok(await pic.locator('.pic-key-lit').count() >= 1, 'the endpoints key lights up');
      assert.ok(await pic.locator('.pic-key-deleted').count() >= 1, 'the old pods\' keys went');
      assert.match(await pic.innerHTML(), /\/registry\/services\/endpoints\/default\/web · rev \d+ PUT/);
      await pic.scrollIntoViewIfNeeded();
      await screenshot(page, `discovery-keys-${label}`);

      // A Service picked by a click: looked up from the same pod.
      await type(page, 'kubectl create deployment api --image=nginx');
      await type(page, 'kubectl expose deployment api --port=80');
      await pic.locator('button.pic-strategy', { hasText: 'api' }).click();
      assert.match(await pic.innerHTML(), /api\.default\.svc\.cluster\.local → 10\./);
      assert.deepEqual(errors, [], 'no console errors');
    } finally {
      await close();
    }
  });
}
