// Where the cluster picture's command + redraw time goes (printed, never asserted): the session of
// bench.mjs (100 nodes, 3,000 pods), then ten cordon/uncordon commands under Chromium's sampling
// profiler. Prints self time per function (wasm functions are numbered unless the build keeps
// names) and per kind: wasm, JS glue, GC, style/layout (the profiler's "(program)").
import { serveDist, freshBrowser } from './harness.mjs';

const server = await serveDist();
const base = `http://127.0.0.1:${server.address().port}/`;
const { page, close } = await freshBrowser();
const enter = async (text) => page.evaluate(async (line) => {
  const input = document.querySelector('#command');
  input.value = line;
  const start = performance.now();
  input.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', bubbles: true }));
  await new Promise((ok) => { const c = new MessageChannel(); c.port1.onmessage = ok; c.port2.postMessage(0); });
  void document.body.offsetHeight;
  return performance.now() - start;
}, text);
try {
  await page.goto(`${base}#/playground`);
  await page.locator('#command').waitFor({ timeout: 30_000 });
  await enter('cluster create --nodes 100');
  await enter('kubectl create deployment web --image=nginx --replicas=3000');
  await page.waitForFunction(() => document.querySelector('#timeline-position')?.innerText.startsWith('2 /'), null, { timeout: 300_000 });
  for (let i = 0; i < 4; i += 1) await enter(`kubectl ${i % 2 ? 'uncordon' : 'cordon'} node-9`);
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Profiler.enable');
  await cdp.send('Profiler.setSamplingInterval', { interval: 200 });
  await cdp.send('Profiler.start');
  const times = [];
  for (let i = 0; i < 10; i += 1) times.push(await enter(`kubectl ${i % 2 ? 'uncordon' : 'cordon'} node-${i + 1}`));
  const { profile } = await cdp.send('Profiler.stop');
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map();
  const kinds = new Map();
  profile.samples.forEach((id, i) => {
    const dt = (profile.timeDeltas[i + 1] ?? 0) / 1000;
    const frame = byId.get(id).callFrame;
    const name = `${frame.functionName || '(anonymous)'} ${frame.url.split('/').pop()}`.trim();
    self.set(name, (self.get(name) ?? 0) + dt);
    const kind = frame.url.endsWith('.wasm') || frame.url.startsWith('wasm://') ? 'wasm'
      : frame.url ? 'js' : frame.functionName;
    kinds.set(kind, (kinds.get(kind) ?? 0) + dt);
  });
  // Inclusive time: a sample counts once for every distinct function on its stack.
  const parent = new Map();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const total = new Map();
  profile.samples.forEach((id, i) => {
    const dt = (profile.timeDeltas[i + 1] ?? 0) / 1000;
    const seen = new Set();
    for (let at = id; at !== undefined; at = parent.get(at)) {
      const frame = byId.get(at).callFrame;
      if (frame.url.endsWith('.wasm') || frame.url.startsWith('wasm://')) seen.add(frame.functionName);
    }
    for (const name of seen) total.set(name, (total.get(name) ?? 0) + dt);
  });
  const top = [...self].sort((a, b) => b[1] - a[1]).slice(0, 25);
  console.log(`ten commands: ${times.map((t) => t.toFixed(0)).join(' ')} ms`);
  console.log('per kind (ms over the ten):', [...kinds].sort((a, b) => b[1] - a[1]).map(([k, v]) => `${k} ${v.toFixed(0)}`).join(', '));
  for (const [name, ms] of top) console.log(`${ms.toFixed(1).padStart(8)} ms  ${name}`);
  // With a build that keeps names (SIM_PROFILE_TOTALS=N), the N wasm functions with the most
  // time including what they call: which step of a command costs what.
  const totals = Number(process.env.SIM_PROFILE_TOTALS ?? 0);
  if (totals) {
    console.log('including callees:');
    for (const [name, ms] of [...total].sort((a, b) => b[1] - a[1]).slice(0, totals)) {
      console.log(`${ms.toFixed(1).padStart(8)} ms  ${name.slice(0, 150)}`);
    }
  }
} finally {
  await close();
  server.close();
}
