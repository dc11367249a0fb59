// Browser figures for the web app (printed, never asserted): time from navigation to an
// interactive terminal (median of 10 loads), one command applied and redrawn with 200
// containers on screen (median of 20 commands), against the targets in the issue; what a
// timeline step back costs in that long session (inside a command vs. replaying to the one
// before); and a redraw of the cluster picture with 100 nodes and 3,000 pods.
import { serveDist, freshBrowser } from './harness.mjs';

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

const server = await serveDist();
const base = `http://127.0.0.1:${server.address().port}/`;
const { context, page, errors, close } = await freshBrowser();
try {
  // Time to interactive: from navigation start until the command input exists and takes text.
  const loads = [];
  for (let i = 0; i < 11; i += 1) {
    const tab = await context.newPage();
    await tab.goto(`${base}#/playground`, { waitUntil: 'commit' });
    await tab.locator('#command:enabled').waitFor({ timeout: 30_000 });
    const ms = await tab.evaluate(() => performance.now());
    await tab.close();
    if (i > 0) loads.push(ms); // the first load fills the HTTP cache; a workshop reloads warm
  }

  // 200 containers, then single commands timed from Enter to the frame after the redraw.
  await page.goto(`${base}#/playground`);
  await page.locator('#command').waitFor({ timeout: 30_000 });
  const setup = Array.from({ length: 200 }, (_, i) => `docker run -d --name c${i} busybox sleep 3600`).join('\n');
  await page.evaluate((text) => {
    const data = new DataTransfer();
    data.setData('text', text);
    document.querySelector('#command').dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }));
  }, setup);
  await page.waitForFunction(() => document.querySelector('#timeline-position')?.innerText.startsWith('200 /'), null, { timeout: 120_000 });
  const commands = [];
  const frames = [];
  for (let i = 0; i < 20; i += 1) {
    const line = i % 2 ? `docker stop c${i}` : 'docker ps';
    // Work = the command applied, the DOM updated and laid out (a forced layout after every
    // pending task ran); the next frame adds the display's own wait, reported separately.
    const ms = await page.evaluate(async (text) => {
      const input = document.querySelector('#command');
      input.value = text;
      const start = performance.now();
      input.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', bubbles: true }));
      await new Promise((ok) => { const c = new MessageChannel(); c.port1.onmessage = ok; c.port2.postMessage(0); });
      void document.body.offsetHeight;
      const work = performance.now() - start;
      await new Promise((ok) => requestAnimationFrame(ok));
      return [work, performance.now() - start];
    }, line);
    commands.push(ms[0]);
    frames.push(ms[1]);
  }

  // Step back through one command with many events: the first step replays the whole
  // scenario (221 commands) taking a snapshot per event of the last one; the next steps only
  // swap the pictures; the last lands on the command before (another replay).
  await page.evaluate(async () => {
    const input = document.querySelector('#command');
    input.value = 'docker rm -f c0 c2 c4 c6 c8 c10';
    input.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', bubbles: true }));
  });
  await page.waitForFunction(() => document.querySelector('#timeline-position')?.innerText.startsWith('221 /'));
  const stepBack = () => page.evaluate(async () => {
    const start = performance.now();
    document.querySelector('#step-back').click();
    await new Promise((ok) => { const c = new MessageChannel(); c.port1.onmessage = ok; c.port2.postMessage(0); });
    void document.body.offsetHeight;
    return performance.now() - start;
  });
  const replays = [await stepBack()];
  const within = [];
  while (await page.locator('#timeline-event').count()) within.push(await stepBack());
  replays.push(within.pop()); // the step that left the command replayed too

  console.log(`time to interactive terminal (median of ${loads.length} warm loads): ${median(loads).toFixed(0)} ms (min ${Math.min(...loads).toFixed(0)}, max ${Math.max(...loads).toFixed(0)}); target 500 ms, ratio ${(median(loads) / 500).toFixed(2)}`);
  console.log(`command + redraw with 200 containers (median of ${commands.length}: applied, DOM updated, laid out): ${median(commands).toFixed(1)} ms (min ${Math.min(...commands).toFixed(1)}, max ${Math.max(...commands).toFixed(1)}); target 16 ms, ratio ${(median(commands) / 16).toFixed(2)}`);
  console.log(`  ... until the next animation frame: median ${median(frames).toFixed(1)} ms`);
  for (const [what, xs] of [['between the events of one command (pictures only)', within], ['into another command (replays the 221 commands)', replays]]) {
    if (xs.length) console.log(`timeline step back ${what}: median ${median(xs).toFixed(1)} ms of ${xs.length} (min ${Math.min(...xs).toFixed(1)}, max ${Math.max(...xs).toFixed(1)})`);
  }

  // The cluster picture with 100 nodes and 3,000 pods: a cordon or uncordon per command, each
  // redrawing every node box and pod chip (applied, DOM updated, laid out).
  await page.locator('#reset').click();
  await page.waitForFunction(() => document.querySelector('#timeline-position')?.innerText.startsWith('0 /'));
  await page.evaluate(async () => {
    const input = document.querySelector('#command');
    for (const line of ['cluster create --nodes 100', 'kubectl create deployment web --image=nginx --replicas=3000']) {
      input.value = line;
      input.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', bubbles: true }));
      await new Promise((ok) => setTimeout(ok, 0));
    }
  });
  await page.waitForFunction(() => document.querySelector('#timeline-position')?.innerText.startsWith('2 /'), null, { timeout: 300_000 });
  await page.locator('svg.pic g.pic-node').first().waitFor();
  const chips = await page.locator('svg.pic rect.pic-pod').count();
  const boxes = await page.locator('svg.pic g.pic-node').count();
  // Cordon/uncordon redraws a node box; `docker ps` draws nothing new: the difference is the
  // picture's share (every command also pays for the World, its trace and its snapshot).
  const redraws = [];
  const baseline = [];
  for (let i = 0; i < 20; i += 1) {
    const line = i % 2 ? 'docker ps' : `kubectl ${i % 4 ? 'uncordon' : 'cordon'} node-${Math.floor(i / 4) + 1}`;
    (i % 2 ? baseline : redraws).push(await page.evaluate(async (text) => {
      const input = document.querySelector('#command');
      input.value = text;
      const start = performance.now();
      input.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', bubbles: true }));
      await new Promise((ok) => { const c = new MessageChannel(); c.port1.onmessage = ok; c.port2.postMessage(0); });
      void document.body.offsetHeight;
      return performance.now() - start;
    }, line));
  }
  console.log(`cluster picture, ${boxes} node boxes and ${chips} pod chips (the rest of 3,000 as +N per node), command + redraw (median of ${redraws.length}): ${median(redraws).toFixed(1)} ms (min ${Math.min(...redraws).toFixed(1)}, max ${Math.max(...redraws).toFixed(1)}); target 16 ms, ratio ${(median(redraws) / 16).toFixed(2)}`);
  console.log(`  ... the same session, a command that redraws nothing (docker ps, median of ${baseline.length}): ${median(baseline).toFixed(1)} ms; the picture's share about ${(median(redraws) - median(baseline)).toFixed(1)} ms`);
  if (errors.length) console.log(`console errors: ${errors.join(' | ')}`);
} finally {
  await close();
  server.close();
}
