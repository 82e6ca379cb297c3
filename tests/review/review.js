// review.js - the review page (--format html) in headless Chromium: the
// one runner of tests/review/*.case (make review-test).
//
// For each case it converts the input twice with the same binary, to JSON
// and to a page, opens the page in Debian's chromium through
// playwright-core and checks the page against the JSON document:
//   - exactly one element per item: main .entry per entry, main .mention
//     per mention (.linked / .weak / .unlinked by reference and by the
//     rules' param:review-weak), main .org per organisation, main .diag per
//     diagnostic with a span, a list item per diagnostic, a table row per
//     reference (.unmatched when no entry owns it);
//   - each mention and organisation element holds the JSON item's text
//     (framing and hidden descriptions aside, white space folded), so a
//     mark in the wrong place fails;
//   - the transcript, without headings and hidden descriptions, is the
//     input character for character;
//   - no <script>, every href a fragment or http(s), no request but the
//     page itself, nothing logged to the console (a CSP violation is);
// then the case's own expectations.  Then a batch of every case's input
// with -o DIR: index.html has a row per input linking an existing page,
// and its sort script (allowed by its CSP hash) sorts by a column; and a
// batch whose input index.txt would overwrite index.html is refused.
//
// Case format, one key per line ("# ..." lines are comments):
//   input:      the transcript (relative to the repository root)
//   args:       more arguments for both conversions (split at spaces)
//   verbatim:   no: the input has escapes (JSON \\u4e2d, WebVTT &amp;),
//               which the page shows decoded, so its transcript is not
//               the input byte for byte (the marks are still checked)
//   min-chars:  repeat the input (blank line between) to at least this
//               many code points
//   title:      document.title must be exactly this
//   text:       a fragment the transcript's text must contain (may repeat)
//   absent:     a CSS selector that must match nothing (may repeat)
//   times:      yes: every entry heading shows a time
//   max-ms:     loading and laying out the page must take less (ms)
//   screenshot: NAME.png, written to the output directory
//   dark:       yes: the screenshot in the dark scheme (NAME-dark.png too)
//   pdf:        NAME.pdf: the page printed (print media), to the output
//               directory; it must hold the whole transcript's text
//   entries:    the number of entries the JSON must have (a floor for the
//               count check: a case that finds nothing proves nothing)
//
// Usage: node review.js --bin ./tx2json --rules rules --out build/review CASE...
'use strict';
const fs = require('fs');
const path = require('path');
const { execFileSync } = require('child_process');
const { chromium } = require('playwright-core');

// The flags Chromium needs on a closed network (no background requests).
const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const VIEWPORT = { width: 1200, height: 1500 };

function parseArgs(argv) {
  const o = { bin: './tx2json', rules: 'rules', out: 'build/review', cases: [] };
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--bin') o.bin = argv[++i];
    else if (argv[i] === '--rules') o.rules = argv[++i];
    else if (argv[i] === '--out') o.out = argv[++i];
    else o.cases.push(argv[i]);
  }
  return o;
}

function readCase(file) {
  const c = { file, name: path.basename(file, '.case'), text: [], absent: [] };
  for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
    if (!line.trim() || line.startsWith('#')) continue;
    const m = /^([a-z-]+):\s?(.*)$/.exec(line);
    if (!m) throw new Error(`${file}: not a key: value line: ${line}`);
    if (m[1] === 'text' || m[1] === 'absent') c[m[1]].push(m[2]);
    else c[m[1]] = m[2];
  }
  if (!c.input) throw new Error(`${file}: no input:`);
  return c;
}

// param:review-weak of the rules, as the library reads it.
function weakThreshold(rulesDir) {
  for (const f of fs.readdirSync(rulesDir).filter((n) => n.endsWith('.rules')).sort()) {
    const m = /^row: param:review-weak = ([0-9.]+)$/m.exec(
      fs.readFileSync(path.join(rulesDir, f), 'utf8'));
    if (m) return Number(m[1]);
  }
  throw new Error(`${rulesDir}: no param:review-weak row`);
}

// The case's input, repeated to min-chars when asked.
function inputOf(c, tmp) {
  if (!c['min-chars']) return c.input;
  const one = fs.readFileSync(c.input, 'utf8');
  let text = one;
  while ([...text].length < Number(c['min-chars'])) text += '\n\n' + one;
  const p = path.join(tmp, c.name + path.extname(c.input));
  fs.writeFileSync(p, text);
  return p;
}

function convert(bin, input, args) {
  return execFileSync(bin, ['-q', ...args, input], { maxBuffer: 1 << 28 }).toString('utf8');
}

// What the JSON says the page must hold.
function expected(doc, weak) {
  const e = { entries: doc.entries.length, mention: 0, linked: 0, weak: 0, unlinked: 0, org: 0 };
  for (const en of doc.entries) {
    e.org += en.organizations.length;
    for (const m of en.mentions) {
      e.mention++;
      if (m.reference === null) e.unlinked++;
      else if (m.score < weak) e.weak++;
      else e.linked++;
    }
  }
  e.diag = doc.diagnostics.filter((d) => d.span !== null).length;
  e.diagItems = doc.diagnostics.length;
  e.refs = doc.references.length;
  e.unmatched = doc.references.filter((r) => r.entry === null).length;
  return e;
}

// What the page holds, counted in the DOM.
function counted(page) {
  return page.evaluate(() => {
    const n = (s) => document.querySelectorAll(s).length;
    return {
      entries: n('main .entry'), mention: n('main .mention'),
      linked: n('main .mention.linked:not(.weak)'), weak: n('main .mention.weak'),
      unlinked: n('main .mention.unlinked'), org: n('main .org'), diag: n('main .diag'),
      diagItems: n('#diagnostics + ol > li'), refs: n('main tr.ref'),
      unmatched: n('main tr.ref.unmatched'), scripts: n('script'),
      badHrefs: [...document.querySelectorAll('[href]')].map((a) => a.getAttribute('href'))
        .filter((h) => !/^(#|https?:\/\/)/i.test(h)),
      title: document.title,
      text: (() => {
        const tx = document.querySelector('main .tx').cloneNode(true);
        tx.querySelectorAll('.vh, .bh, .diag').forEach((e) => e.remove());
        return tx.textContent;
      })(),
      untimed: [...document.querySelectorAll('main .entry > .bh')]
        .filter((h) => !h.querySelector('.time')).length,
    };
  });
}

// The items whose element (#mK, #oK) does not hold their JSON text.
async function misplaced(page, doc) {
  const items = [];
  let nm = 0, no = 0;
  for (const en of doc.entries) for (const m of en.mentions) items.push(['m' + nm++, m.text]);
  for (const en of doc.entries) for (const o of en.organizations) items.push(['o' + no++, o.text]);
  const fold = (t) => t.replace(/\s+/g, ' ').trim();
  const got = await page.evaluate((ids) => ids.map((id) => {
    const e = document.getElementById(id);
    if (!e) return null;
    const c = e.cloneNode(true);
    c.querySelectorAll('.vh, .fr, .diag').forEach((x) => x.remove());
    return c.textContent;
  }), items.map((x) => x[0]));
  return items.filter((x, i) => got[i] === null || fold(got[i]) !== fold(x[1]))
    .map((x, i) => `${x[0]} '${x[1]}'`);
}

// Opens url in a fresh page; records every request and console message.
async function open(browser, url, scheme) {
  const ctx = await browser.newContext({ viewport: VIEWPORT, colorScheme: scheme || 'light' });
  const page = await ctx.newPage();
  const seen = { requests: [], console: [] };
  page.on('request', (r) => seen.requests.push(r.url()));
  page.on('console', (m) => seen.console.push(`${m.type()}: ${m.text()}`));
  page.on('pageerror', (e) => seen.console.push(`pageerror: ${e.message}`));
  const t0 = Date.now();
  await page.goto(url, { waitUntil: 'load' });
  await page.evaluate(() => document.body.getBoundingClientRect().height);
  seen.ms = Date.now() - t0;
  return { ctx, page, seen };
}

async function runCase(browser, o, c, weak, tmp, fail) {
  const input = inputOf(c, tmp);
  const args = c.args ? c.args.split(' ') : [];
  const doc = JSON.parse(convert(o.bin, input, args));
  const file = path.resolve(o.out, c.name + '.html');
  fs.writeFileSync(file, convert(o.bin, input, [...args, '--format', 'html']));
  const url = 'file://' + file;
  const { ctx, page, seen } = await open(browser, url);
  const got = await counted(page);
  const want = expected(doc, weak);
  for (const k of Object.keys(want))
    if (got[k] !== want[k]) fail(c, `${k}: the page has ${got[k]}, the JSON ${want[k]}`);
  const bad = await misplaced(page, doc);
  if (bad.length) fail(c, `marks not holding their item's text: ${bad.slice(0, 5).join(', ')}`);
  if (c.entries && want.entries < Number(c.entries))
    fail(c, `the JSON has ${want.entries} entries, the case wants at least ${c.entries}`);
  if (got.scripts) fail(c, `${got.scripts} script elements`);
  if (got.badHrefs.length) fail(c, `hrefs neither a fragment nor http(s): ${got.badHrefs}`);
  const others = seen.requests.filter((r) => r !== url);
  if (others.length) fail(c, `requests left the page: ${others.join(', ')}`);
  if (seen.console.length) fail(c, `console: ${seen.console.join(' | ')}`);
  if (c.title !== undefined && got.title !== c.title) fail(c, `title is '${got.title}'`);
  for (const t of c.text) if (!got.text.includes(t)) fail(c, `the transcript lacks '${t}'`);
  const source = fs.readFileSync(input, 'utf8').replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n');
  if (c.verbatim !== 'no' && got.text !== source) fail(c, 'the transcript on the page is not the input, character for character');
  for (const sel of c.absent) {
    const n = await page.evaluate((s) => document.querySelectorAll(s).length, sel);
    if (n) fail(c, `'${sel}' matches ${n} elements`);
  }
  if (c.times === 'yes' && got.untimed) fail(c, `${got.untimed} entries show no time`);
  if (c['max-ms']) { // the best of three loads: the first pays for a cold renderer
    for (let k = 0; k < 2 && seen.ms >= Number(c['max-ms']); k++) {
      const again = await open(browser, url);
      seen.ms = Math.min(seen.ms, again.seen.ms);
      await again.ctx.close();
    }
    if (seen.ms >= Number(c['max-ms'])) fail(c, `loading took ${seen.ms} ms (limit ${c['max-ms']})`);
  }
  if (c.screenshot) await page.screenshot({ path: path.join(o.out, c.screenshot) });
  if (c.pdf) {
    await page.emulateMedia({ media: 'print' });
    const pdf = await page.pdf({ path: path.join(o.out, c.pdf), format: 'A4' });
    const pages = (pdf.toString('latin1').match(/\/Type\s*\/Page[^s]/g) || []).length;
    if (pages < 1) fail(c, 'the printed page has no pages');
    const hidden = await page.evaluate(() => document.querySelector('main .tx').offsetHeight);
    if (!hidden) fail(c, 'the transcript is not printed');
  }
  await ctx.close();
  if (c.screenshot && c.dark === 'yes') {
    const d = await open(browser, url, 'dark');
    await d.page.screenshot({ path: path.join(o.out, c.screenshot.replace(/\.png$/, '-dark.png')) });
    await d.ctx.close();
  }
  console.log(`review ${c.name}: ${want.entries} entries, ${want.mention} mentions, ` +
    `${want.org} organisations, ${want.refs} references, ${seen.ms} ms`);
}

// The batch index: a row per input, links to pages that exist, sorting.
async function runIndex(browser, o, inputs, fail) {
  const dir = path.resolve(o.out, 'batch');
  fs.rmSync(dir, { recursive: true, force: true });
  try {
    execFileSync(o.bin, ['-q', '--format', 'html', '-o', dir + '/', ...inputs]);
  } catch (e) {
    fail({ name: 'index' }, `the batch failed: ${e.message}`);
    return;
  }
  const url = 'file://' + path.join(dir, 'index.html');
  const { ctx, page, seen } = await open(browser, url);
  const rows = await page.evaluate(() => [...document.querySelectorAll('#episodes tbody tr')]
    .map((r) => ({ href: r.querySelector('a') && r.querySelector('a').getAttribute('href'),
      entries: Number(r.cells[1].getAttribute('data-v')) })));
  if (rows.length !== inputs.length) fail({ name: 'index' }, `${rows.length} rows`);
  for (const r of rows)
    if (!r.href || !fs.existsSync(path.join(dir, decodeURIComponent(r.href))))
      fail({ name: 'index' }, `row links to a missing page: ${r.href}`);
  await page.click('#episodes thead th:nth-child(2) button');
  const sorted = await page.evaluate(() => [...document.querySelectorAll('#episodes tbody tr')]
    .map((r) => Number(r.cells[1].getAttribute('data-v'))));
  const want = rows.map((r) => r.entries).sort((a, b) => a - b);
  if (sorted.join() !== want.join()) fail({ name: 'index' }, `sorted by entries: ${sorted}`);
  if (seen.requests.some((r) => r !== url)) fail({ name: 'index' }, 'requests left the page');
  if (seen.console.length) fail({ name: 'index' }, `console: ${seen.console.join(' | ')}`);
  await ctx.close();
  console.log(`review index: ${rows.length} rows, sorted by entries: ${sorted.join(' ')}`);
}

// An input index.txt at the top of a batch would overwrite index.html:
// the batch refuses it (exit status 2) and writes nothing.
function indexClash(o, tmp, fail) {
  const dir = fs.mkdtempSync(path.join(tmp, 'clash-'));
  fs.copyFileSync(path.resolve('tests/review/hostile.txt'), path.join(dir, 'index.txt'));
  fs.copyFileSync(path.resolve('tests/review/hostile.txt'), path.join(dir, 'other.txt'));
  let status = 0, err = '';
  try {
    execFileSync(path.resolve(o.bin), ['--format', 'html', '-o', 'pages', 'index.txt', 'other.txt'],
      { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
  } catch (e) {
    status = e.status;
    err = e.stderr.toString();
  }
  const c = { name: 'index-clash' };
  if (status !== 2) fail(c, `exit status ${status}, not 2`);
  if (!err.includes("index.txt: error: its page would be pages/index.html, the batch's index"))
    fail(c, `stderr: ${err}`);
  if (fs.existsSync(path.join(dir, 'pages', 'other.html'))) fail(c, 'other.html was written');
}

async function main() {
  const o = parseArgs(process.argv.slice(2));
  fs.mkdirSync(o.out, { recursive: true });
  const tmp = fs.mkdtempSync(path.join(require('os').tmpdir(), 'tx2json-review-'));
  const weak = weakThreshold(o.rules);
  let failed = 0;
  const fail = (c, msg) => {
    failed++;
    console.log(`FAIL review ${c.name}: ${msg}`);
  };
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium', headless: true,
    args: CHROMIUM_ARGS,
  });
  const cases = o.cases.map(readCase);
  try {
    for (const c of cases) await runCase(browser, o, c, weak, tmp, fail);
    await runIndex(browser, o, cases.filter((c) => !c['min-chars']).map((c) => c.input), fail);
    indexClash(o, tmp, fail);
  } finally {
    await browser.close();
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  console.log(`review: ${cases.length} cases, ${failed} failures`);
  process.exit(failed ? 1 : 0);
}

main().catch((e) => {
  console.log(`FAIL review: ${e.stack || e}`);
  process.exit(1);
});
