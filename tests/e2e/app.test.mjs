// End-to-end: the release bundle in dist/ in a real browser, used the way a newcomer uses it.
// Run from the workspace root after `trunk build --release`: node --test tests/e2e/
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { serveDist, freshBrowser, screenshot, type } from './harness.mjs';

let server, base, learner, lessonCount;

before(async () => {
  server = await serveDist();
  base = `http://127.0.0.1:${server.address().port}/`;
  learner = await freshBrowser();
});

after(async () => {
  await learner?.close();
  await new Promise((ok) => (server ? server.close(ok) : ok()));
});

// Finishes a lesson by reading each step's solution on the page and doing it: a wrong answer
// first where the step asks (it must be explained and not pass), then the right one, the
// solution's file versions put in the editor, and its command lines typed; the step passes
// afterwards and not before.
async function finishLesson(page, lessonId) {
  await page.goto(`${base}#/lesson/${lessonId}`);
  await page.locator('#command').waitFor({ state: 'visible', timeout: 30_000 });
  const steps = page.locator('ol.steps > li.step');
  const count = await steps.count();
  assert.ok(count >= 3, `lesson ${lessonId} has steps`);
  for (let i = 0; i < count; i += 1) {
    const step = steps.nth(i);
    assert.equal(await step.getAttribute('data-passed'), 'false', `step ${i + 1} not passed before`);
    assert.equal(await step.getAttribute('aria-current'), 'step', `step ${i + 1} is the current one`);
    const choices = step.locator('button.choice');
    if ((await choices.count()) > 0) {
      await step.locator('button.choice[data-correct="false"]').first().click();
      await step.locator('.choice-why.wrong').waitFor();
      assert.equal(await step.getAttribute('data-passed'), 'false', `step ${i + 1}: a wrong answer does not pass`);
      await step.locator('button.choice[data-correct="true"]').click();
    }
    await step.locator('details.solution summary').click();
    const files = step.locator('button.use-file');
    for (let f = 0; f < (await files.count()); f += 1) await files.nth(f).click();
    const lines = await step.locator('.solution-line code').allInnerTexts();
    const kind = await step.getAttribute('data-kind');
    assert.ok(lines.length > 0 || kind === 'quiz', `step ${i + 1} shows a solution`);
    for (const line of lines) await type(page, line);
    await page.waitForFunction(
      ([id, n]) => document.querySelector(`#step-${n}`)?.dataset.passed === 'true',
      [lessonId, i + 1],
      { timeout: 10_000 },
    );
  }
  await page.locator('#lesson-complete').waitFor();
  // Wide output (docker top, docker ps) scrolls inside the terminal; the page never widens.
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `${lessonId}: the page is ${overflow}px wider than the window`);
}

test('a newcomer switches to Korean and finishes every lesson', async () => {
  const { page, errors } = learner;
  await page.goto(base);
  await page.locator('.lesson-card').first().waitFor({ timeout: 30_000 });
  await screenshot(page, 'map-en');
  assert.equal(await page.locator('html').getAttribute('lang'), 'en');

  await page.click('#lang-switch');
  assert.equal(await page.locator('html').getAttribute('lang'), 'ko');
  assert.match(await page.locator('h1').innerText(), /레슨/);
  await screenshot(page, 'map-ko');

  const lessons = await page.locator('.lesson-card').evaluateAll((cards) => cards.map((c) => c.dataset.lesson));
  assert.ok(lessons.length >= 4, `the lessons on the map: ${lessons}`);
  lessonCount = lessons.length;
  await page.locator('.lesson-card').first().locator('h2 a').click();
  await page.locator('#command').waitFor();
  assert.equal(await page.locator('label[for="command"]').count(), 1, 'the input has a label');

  for (const [n, id] of lessons.entries()) {
    await finishLesson(page, id);
    await screenshot(page, `lesson-${n + 1}-ko`);
  }
  assert.deepEqual(errors, [], 'no console errors');
});

test('a second newcomer finishes every lesson in English', async () => {
  const english = await freshBrowser();
  try {
    const { page, errors } = english;
    await page.goto(base);
    await page.locator('.lesson-card').first().waitFor({ timeout: 30_000 });
    assert.equal(await page.locator('html').getAttribute('lang'), 'en');
    // The map marks the first lesson as the next one to take.
    assert.equal(await page.locator('.lesson-card.next').getAttribute('data-lesson'), await page.locator('.lesson-card').first().getAttribute('data-lesson'));
    const lessons = await page.locator('.lesson-card').evaluateAll((cards) => cards.map((c) => c.dataset.lesson));
    for (const [n, id] of lessons.entries()) {
      await finishLesson(page, id);
      if (n === 0) await screenshot(page, 'lesson-1-en');
    }
    await page.goto(base);
    await page.locator('.lesson-card').first().waitFor();
    assert.equal(await page.locator('.lesson-card.complete').count(), lessons.length);
    assert.deepEqual(errors, [], 'no console errors');
  } finally {
    await english.close();
  }
});

test('a reload keeps the language, the progress and the terminal', async () => {
  const { page, errors } = learner;
  await page.goto(base);
  await page.reload();
  await page.locator('.lesson-card').first().waitFor();
  assert.equal(await page.locator('html').getAttribute('lang'), 'ko', 'Korean is remembered');
  const complete = await page.locator('.lesson-card.complete').count();
  assert.equal(complete, lessonCount, 'every finished lesson is complete after a reload');
  const first = await page.locator('.lesson-card').first().getAttribute('data-lesson');
  await page.goto(`${base}#/lesson/${first}`);
  await page.reload();
  await page.locator('#lesson-complete').waitFor();
  assert.ok((await page.locator('#output .entry').count()) > 3, 'the terminal is restored');
  assert.deepEqual(errors, []);
});

test('stepping back in the timeline changes the picture', async () => {
  const { page, errors } = learner;
  await page.goto(`${base}#/playground`);
  await page.locator('#command').waitFor();
  await type(page, 'docker run -d --name web nginx');
  await type(page, 'docker volume create keep');
  await type(page, 'docker rm -f web');
  // A live container is drawn as a .pic-container; a removed one only as its discarded layer.
  const web = page.locator('.pictures-panel .pic-container', { hasText: 'web' });
  assert.equal(await web.count(), 0, 'web is gone from the picture');
  await screenshot(page, 'playground');
  // One step back stays inside `rm -f web`: after its "exited" event, before "removed".
  await page.click('#step-back');
  await web.first().waitFor({ timeout: 10_000 });
  assert.match(await page.locator('#timeline-position').innerText(), /3 \/ 3/);
  assert.match(await page.locator('#timeline-event').innerText(), /2\/3/);
  assert.match(await web.first().textContent(), /exited/);
  await screenshot(page, 'timeline-inside-a-command');
  // Back past the command's start, then to the step before: web still runs.
  await page.click('#step-back');
  await page.click('#step-back');
  await page.locator('#timeline-event').waitFor({ state: 'detached', timeout: 10_000 });
  assert.match(await page.locator('#timeline-position').innerText(), /2 \/ 3/);
  assert.match(await web.first().textContent(), /running/);
  for (let i = 0; i < 3; i++) await page.click('#step-forward');
  await web.first().waitFor({ state: 'detached', timeout: 10_000 });
  assert.deepEqual(errors, []);
});

test('a shared link opened in a fresh browser gives the same state', async () => {
  const { page, errors } = learner;
  await page.goto(`${base}#/playground`);
  await page.locator('#command').waitFor();
  await type(page, 'docker run --name hi busybox echo 안녕');
  const hash = await page.locator('#trace-hash').innerText();
  await page.click('#share');
  const link = await page.locator('#share-link').inputValue();
  assert.match(link, /#\/share\//);

  const stranger = await freshBrowser({ locale: 'ko-KR' });
  try {
    await stranger.page.goto(link);
    await stranger.page.locator('#command').waitFor({ timeout: 30_000 });
    assert.equal(await stranger.page.locator('#trace-hash').innerText(), hash);
    assert.equal(await stranger.page.locator('html').getAttribute('lang'), 'ko', 'Korean browsers start in Korean');
    await screenshot(stranger.page, 'shared-link');

    // A damaged link says so and leaves the app working.
    await stranger.page.goto(link.slice(0, link.length - 9));
    await stranger.page.locator('[role="alert"]').waitFor();
    await stranger.page.goto(`${base}#/playground`);
    await stranger.page.locator('#command').waitFor();
    assert.deepEqual(stranger.errors, []);
  } finally {
    await stranger.close();
  }
  assert.deepEqual(errors, []);
});

test('progress exported to a file comes back in another browser; a broken file is refused', async () => {
  const { page, errors } = learner;
  await page.goto(`${base}#/playground`);
  await page.locator('#command').waitFor();
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('#export')]);
  const exported = await readFile(await download.path(), 'utf8');
  assert.match(exported, /container-simulator-export/);

  const other = await freshBrowser();
  try {
    await other.page.goto(`${base}#/playground`);
    await other.page.locator('#command').waitFor({ timeout: 30_000 });
    await other.page.setInputFiles('#import-file', { name: 'broken.json', mimeType: 'application/json', buffer: Buffer.from(exported.slice(0, 40)) });
    await other.page.locator('.scenario-tools .error').waitFor();
    assert.equal(await other.page.locator('#panic').count(), 0);
    await other.page.setInputFiles('#import-file', { name: 'progress.json', mimeType: 'application/json', buffer: Buffer.from(exported) });
    await other.page.locator('.scenario-tools .notice').waitFor();
    await other.page.goto(base);
    await other.page.locator('.lesson-card').first().waitFor();
    assert.equal(await other.page.locator('.lesson-card.complete').count(), lessonCount, 'the imported progress shows on the map');
    await other.page.emulateMedia({ colorScheme: 'dark' });
    await screenshot(other.page, 'map-dark');
    assert.deepEqual(other.errors, []);
  } finally {
    await other.close();
  }
  assert.deepEqual(errors, []);
});

test('thousands of random inputs never crash the page', async () => {
  const { page, errors } = learner;
  await page.goto(`${base}#/playground`);
  await page.locator('#command').waitFor();
  if (await page.locator('#reset').isEnabled()) await page.click('#reset');
  // A small seeded generator, so a failure can be reproduced.
  let seed = 20261128;
  const next = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
  const pick = (items) => items[Math.floor(next() * items.length)];
  const words = ['docker', 'run', 'ps', '-a', '--rm', '-d', '--name', 'x', 'busybox', 'nginx', 'rm',
    '-f', 'exec', 'sh', '-c', "'echo hi'", '"', "'", '\\', '$(', '${', '|', '>', '&&', 'build', '.',
    'volume', 'create', 'tick', '10s', '-v', 'a:/a', '-p', '80:80', '--memory', '1b', '한글', '💥',
    '--', '-', '=', 'images', 'rmi', 'inspect', 'logs', '--help', '%s', '\u0000', 'x'.repeat(300)];
  const randomLine = () => Array.from({ length: 1 + Math.floor(next() * 8) }, () => pick(words)).join(' ');
  for (let i = 0; i < 150; i += 1) {
    const command = page.locator('#command');
    await command.fill(randomLine());
    await command.press('Enter');
  }
  // The rest arrives as one big paste, which runs line by line.
  const pasted = Array.from({ length: 2000 }, randomLine).join('\n');
  await page.locator('#command').focus();
  await page.evaluate((text) => {
    const data = new DataTransfer();
    data.setData('text', text);
    document.querySelector('#command').dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }));
  }, pasted);
  await page.waitForFunction(() => /\d+ \/ \d+/.test(document.querySelector('#timeline-position')?.innerText ?? ''));
  assert.equal(await page.locator('#panic').count(), 0, 'the panic banner never appeared');
  await type(page, 'docker run --rm busybox echo still-alive');
  const last = await page.locator('#output .entry').last().textContent();
  assert.match(last, /still-alive/, `the last entry: ${last}`);
  assert.deepEqual(errors, []);
});

test('the preview pane shows what a published port serves, on a phone too', async () => {
  const phone = await freshBrowser({ locale: 'ko-KR', viewport: { width: 390, height: 844 } });
  try {
    const { page, errors } = phone;
    await page.goto(`${base}#/playground`);
    await page.locator('#command').waitFor({ timeout: 30_000 });
    await page.locator('#preview-error').waitFor();
    await type(page, 'docker run -d --name web -p 8080:80 nginx');
    // The page renders in the sandboxed frame: the title a browser would show.
    const heading = page.frameLocator('#preview-frame').locator('h1');
    assert.equal(await heading.innerText(), 'Welcome to nginx!');
    assert.equal(await page.locator('#preview-frame').getAttribute('sandbox'), '');
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 0, `the page is ${overflow}px wider than a 390px screen`);
    await page.locator('.preview-panel').scrollIntoViewIfNeeded();
    await screenshot(page, 'preview-390');
    await type(page, 'docker stop web');
    await page.locator('#preview-error').waitFor();
    assert.deepEqual(errors, []);
  } finally {
    await phone.close();
  }
});

test('a lesson fetches its text when it opens, and says so when it cannot', async () => {
  const reader = await freshBrowser();
  const offline = await freshBrowser();
  try {
    const { page, errors } = reader;
    const fetched = [];
    page.on('request', (r) => r.url().includes('/lessons/') && fetched.push(new URL(r.url()).pathname));
    await page.goto(base);
    await page.locator('.lesson-card').first().waitFor();
    assert.deepEqual(fetched, [], 'the map needs no lesson text');
    const id = await page.locator('.lesson-card').first().getAttribute('data-lesson');
    await page.goto(`${base}#/lesson/${id}`);
    await page.locator('article.prose[aria-busy="false"] h2').first().waitFor();
    assert.deepEqual(fetched, [`/lessons/${id}.json`]);
    const prompt = await page.locator('#step-1 .prompt-text').innerText();
    assert.ok(prompt.trim().length > 10, `step 1 has its prompt: ${prompt}`);
    assert.deepEqual(errors, []);

    // The text's file missing: an error that names it, and the steps still there to do.
    const other = offline.page;
    await other.route('**/lessons/*.json', (route) => route.fulfill({ status: 404, body: 'not found' }));
    await other.goto(`${base}#/lesson/${id}`);
    const error = await other.locator('#lesson-text-error').innerText();
    assert.match(error, new RegExp(`lessons/${id}\\.json: HTTP 404`));
    assert.ok((await other.locator('ol.steps > li.step').count()) >= 3, 'the steps are shown');
    await other.locator('#step-1 details.solution summary').click();
    const solution = await other.locator('#step-1 .solution-line code, #step-1 .solution-answer').count();
    assert.ok(solution > 0, 'the first step still has its solution');
  } finally {
    await reader.close();
    await offline.close();
  }
});
