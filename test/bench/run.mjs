#!/usr/bin/env node
// `pnpm bench`: Tether's Node WebSocket beside ws (with and without bufferutil), undici and raw TCP,
// one fresh client process per cell, server and client pinned to separate cores. Prints a markdown
// report; `--write` also saves it to docs/benchmarks.md. `--quick` runs a short version (< 2 min).
import { execFileSync, spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

const here = import.meta.dirname;
const args = new Set(process.argv.slice(2));
const quick = args.has('--quick');
const only = process.argv.find((a) => a.startsWith('--only='))?.slice(7);
/**
 * Rounds: the whole plan runs this many times over, one fresh process per cell and round, so that
 * every client's cells of a scenario run side by side, seconds apart, in each round. The machine's
 * speed drifts over minutes; ratios are taken within a round, then their median across rounds.
 */
const rounds = quick ? 2 : 4;
const pin = (core) => (hasTaskset() ? ['taskset', '-c', String(core)] : []);

function hasTaskset() {
  try {
    execFileSync('taskset', ['-c', '0', 'true']);
    return true;
  } catch {
    return false;
  }
}

const KiB = 1024;
const MiB = 1024 * KiB;
/** Messages per repetition: about 64 MiB (quick: 32 MiB), at most 100k (quick: 50k) messages. */
const countFor = (size) => Math.max(4, Math.min(quick ? 50_000 : 100_000, Math.floor((quick ? 32 : 64) * MiB / size)));

const CLIENTS = ['tether', 'ws', 'ws+bufferutil', 'undici'];
const sizes = [16, KiB, 64 * KiB, MiB, 16 * MiB];
const textSizes = [16, KiB, 64 * KiB, MiB];

const plan = [];
for (const scenario of ['send', 'receive']) {
  for (const size of sizes) for (const client of [...CLIENTS, 'tcp']) plan.push({ client, scenario, size, text: false, count: countFor(size) });
  for (const size of textSizes) for (const client of CLIENTS) plan.push({ client, scenario, size, text: true, count: countFor(size) });
}
const others = [
  { scenario: 'echo', size: 16, count: quick ? 2000 : 10_000 },
  { scenario: 'churn', count: quick ? 300 : 1000 },
  { scenario: 'churn-50', count: quick ? 500 : 2000 },
  { scenario: 'idle', count: quick ? 1000 : 5000 },
  { scenario: 'deflate-send', size: 16 * KiB, text: true, count: quick ? 500 : 2000 },
  { scenario: 'deflate-receive', size: 16 * KiB, text: true, count: quick ? 500 : 2000 },
];
for (const cell of others) for (const client of CLIENTS) plan.push({ client, ...cell });

function startServer() {
  const child = spawn(pin(0)[0] ?? process.execPath, [...pin(0).slice(1), ...(pin(0).length ? [process.execPath] : []), join(here, 'server.mjs')], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    createInterface({ input: child.stdout }).once('line', (line) => resolve({ child, ports: JSON.parse(line) }));
    child.once('exit', (code) => reject(new Error(`server exited with ${code}`)));
  });
}

function runCell(cell, ports) {
  const env = { ...process.env };
  if (cell.client === 'ws') env.WS_NO_BUFFER_UTIL = '1';
  const command = [...pin(1), process.execPath, '--expose-gc', join(here, 'client.mjs'), JSON.stringify({ ...cell, reps: 1, ports })];
  return new Promise((resolve) => {
    const child = spawn(command[0], command.slice(1), { env, cwd: here, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), quick ? 30_000 : 90_000);
    child.on('exit', (code) => {
      clearTimeout(timer);
      if (code === 0) resolve(JSON.parse(out.trim().split('\n').at(-1)));
      else resolve({ ...cell, error: (err.trim().split('\n').find((l) => /Error|error/.test(l)) ?? `exit ${code}`).slice(0, 160) });
    });
  });
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const fmt = (n, digits = 0) => (n >= 100 ? Math.round(n).toLocaleString('en-US') : n.toFixed(digits || (n < 10 ? 2 : 1)));
const sizeName = (n) => (n >= MiB ? `${n / MiB} MiB` : n >= KiB ? `${n / KiB} KiB` : `${n} B`);

const rate = (s) => s.bytes / s.seconds / 1e6;

function throughput(r) {
  const rates = r.samples.map(rate);
  const msgs = r.samples.map((s) => s.messages / s.seconds);
  return { mbs: median(rates), msgs: median(msgs), spread: [Math.min(...rates), Math.max(...rates)] };
}

const server = await startServer();
const results = [];
const started = Date.now();
try {
  for (let round = 0; round < rounds; round++) {
    for (const cell of plan) {
      if (only && !`${cell.client} ${cell.scenario}`.includes(only)) continue;
      const r = await runCell(cell, server.ports);
      results.push({ ...r, round });
      process.stderr.write(`${round + 1}/${rounds} ${cell.client.padEnd(14)} ${cell.scenario.padEnd(16)} ${cell.size ? sizeName(cell.size).padEnd(8) : ''.padEnd(8)} ${cell.text ? 'text' : '    '} ${r.error ? `ERROR ${r.error}` : 'ok'}\n`);
    }
  }
} finally {
  server.child.kill('SIGTERM');
}

/** One cell over every round: its samples, and each round's sample for pairing. */
function find(client, scenario, size, text) {
  const runs = results.filter((r) => r.client === client && r.scenario === scenario && r.size === size && !!r.text === !!text && !r.error);
  if (runs.length === 0) return undefined;
  return { client, samples: runs.flatMap((r) => r.samples), byRound: new Map(runs.map((r) => [r.round, r.samples[0]])) };
}
/** The median over rounds of a / b, each pair measured in the same round. */
function pairedRatio(a, b, value = rate, lowerIsBetter = false) {
  if (!a || !b) return 'n/a';
  const ratios = [...a.byRound].filter(([round]) => b.byRound.has(round)).map(([round, s]) => (lowerIsBetter ? value(b.byRound.get(round)) / value(s) : value(s) / value(b.byRound.get(round))));
  return ratios.length ? `${median(ratios).toFixed(2)}×` : 'n/a';
}

let md = '';
const line = (s = '') => (md += `${s}\n`);
const versions = JSON.parse(readFileSync(join(here, '..', 'package.json'), 'utf8')).devDependencies;
line(`Run ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC${quick ? ' (quick)' : ''}: Node ${process.version}, ${cpus().length} × ${cpus()[0]?.model.trim()}, ${Math.round(totalmem() / 2 ** 30)} GiB; ws ${versions.ws}, undici ${versions.undici}, bufferutil ${versions.bufferutil}; ${rounds} rounds, each cell a fresh process (a warm-up, then one measured run) on core 1, the server on core 0; medians over rounds, spread min-max, ratios the median of each round's ratio.`);
line();
for (const scenario of ['send', 'receive']) {
  line(`### ${scenario === 'send' ? 'Send: client → server' : 'Receive: server → client'} (MB/s, median [min-max]; messages/s)`);
  line();
  line('| message | tether | ws | ws+bufferutil | undici | raw TCP | tether / ws | tether / ws+bufferutil | tether / raw TCP |');
  line('| --- | --- | --- | --- | --- | --- | --- | --- | --- |');
  for (const [text, list] of [[false, sizes], [true, textSizes]]) {
    for (const size of list) {
      const cells = [...CLIENTS, 'tcp'].map((c) => find(c, scenario, size, c === 'tcp' ? false : text));
      if (text) cells[4] = undefined;
      const t = cells.map((c) => (c ? throughput(c) : undefined));
      const show = (x) => (x ? `${fmt(x.mbs)} [${fmt(x.spread[0])}-${fmt(x.spread[1])}]; ${fmt(x.msgs)}/s` : '-');
      line(`| ${text ? 'text' : 'binary'} ${sizeName(size)} | ${t.map(show).join(' | ')} | ${pairedRatio(cells[0], cells[1])} | ${pairedRatio(cells[0], cells[2])} | ${text ? '-' : pairedRatio(cells[0], cells[4])} |`);
    }
  }
  line();
}
line('### Round trip, churn, idle memory, permessage-deflate');
line();
line('| scenario | tether | ws | ws+bufferutil | undici | tether / ws | tether / ws+bufferutil |');
line('| --- | --- | --- | --- | --- | --- | --- |');
/** One row: each client's median over rounds of `value` (of one sample), and paired ratios. */
const row = (name, scenario, value, unit, lowerIsBetter = false) => {
  const cells = CLIENTS.map((c) => find(c, scenario, scenario.startsWith('deflate') ? 16 * KiB : scenario === 'echo' ? 16 : undefined, scenario.startsWith('deflate')));
  const v = cells.map((c) => (c ? median(c.samples.map(value)) : undefined));
  line(`| ${name} | ${v.map((x) => (x === undefined ? '-' : `${fmt(x)} ${unit}`)).join(' | ')} | ${pairedRatio(cells[0], cells[1], value, lowerIsBetter)} | ${pairedRatio(cells[0], cells[2], value, lowerIsBetter)} |`);
};
row('echo 16 B, p50', 'echo', (s) => s.p50, 'µs', true);
row('echo 16 B, p99', 'echo', (s) => s.p99, 'µs', true);
row('churn, sequential', 'churn', (s) => s.messages / s.seconds, 'conn/s');
row('churn, 50 in flight', 'churn-50', (s) => s.messages / s.seconds, 'conn/s');
row('idle memory per connection (heap + external)', 'idle', (s) => s.heap / 1024, 'KiB', true);
row('deflate send, 16 KiB JSON-like text', 'deflate-send', rate, 'MB/s');
row('deflate receive, 16 KiB JSON-like text', 'deflate-receive', rate, 'MB/s');
line();
line('For ratios, higher is better for Tether (for latency and memory, the ratio is the other client\'s value over Tether\'s).');
const failed = results.filter((r) => r.error);
if (failed.length) {
  line();
  line('Cells that failed:');
  for (const f of failed) line(`- ${f.client} ${f.scenario} ${f.size ? sizeName(f.size) : ''}: ${f.error}`);
}
line();
line(`Total time ${((Date.now() - started) / 1000).toFixed(0)} s.`);
process.stdout.write(md);
if (args.has('--write')) {
  const doc = readFileSync(join(here, '..', '..', 'docs', 'benchmarks.md'), 'utf8');
  const marker = '<!-- results -->';
  writeFileSync(join(here, '..', '..', 'docs', 'benchmarks.md'), `${doc.slice(0, doc.indexOf(marker) + marker.length)}\n\n${md}`);
}
