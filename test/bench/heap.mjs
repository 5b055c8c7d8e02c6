#!/usr/bin/env node
// Where an open connection's memory goes: opens N idle connections to the bench's ws server (in a
// process of its own) and compares heap snapshots taken before and after, by node type and name.
// `pnpm bench` gives the total per connection; this says what it is made of.
//
//   node --expose-gc test/bench/heap.mjs [tether|ws] [--count=500] [--retainers=<node type>]
//
// --retainers lists what holds the nodes of one type (e.g. 'concatenated string', 'closure'), by
// the holder's type and the edge's name. Counts are per connection; "string" nodes are grouped
// without their text.
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import v8 from 'node:v8';

const args = process.argv.slice(2);
const which = args.find((a) => !a.startsWith('--')) ?? 'tether';
const count = Number(args.find((a) => a.startsWith('--count='))?.slice(8) ?? 500);
const retainersOf = args.find((a) => a.startsWith('--retainers='))?.slice(12);
if (typeof globalThis.gc !== 'function') throw new Error('run with node --expose-gc');

const server = spawn(process.execPath, [new URL('./server.mjs', import.meta.url).pathname], { stdio: ['ignore', 'pipe', 'inherit'] });
const ports = await new Promise((resolve) => createInterface({ input: server.stdout }).once('line', (line) => resolve(JSON.parse(line))));
const url = `ws://127.0.0.1:${ports.ws}/echo`;
const { WebSocket } = await import(which === 'ws' ? 'ws' : '@tether/node');
const open = (ws) => new Promise((resolve, reject) => ((ws.onopen = () => resolve(ws)), (ws.onerror = reject)));

function snapshot() {
  const chunks = [];
  const stream = v8.getHeapSnapshot();
  let chunk;
  while ((chunk = stream.read()) !== null) chunks.push(chunk);
  return JSON.parse(Buffer.concat(chunks).toString());
}

/** Nodes by "type:name" (strings without their text): [count, bytes]. */
function byKind(snap) {
  const { node_fields: fields, node_types: [types] } = snap.snapshot.meta;
  const out = new Map();
  for (let i = 0; i < snap.nodes.length; i += fields.length) {
    const type = types[snap.nodes[i]];
    const key = type.includes('string') ? type : `${type}:${snap.strings[snap.nodes[i + 1]]}`;
    const entry = out.get(key) ?? [0, 0];
    entry[0]++;
    entry[1] += snap.nodes[i + 3];
    out.set(key, entry);
  }
  return out;
}

/** What holds nodes of `type`: "holder type:name .edge" → count. */
function retainers(snap, type) {
  const { node_fields: nf, edge_fields: ef, node_types: [types], edge_types: [edgeTypes] } = snap.snapshot.meta;
  const named = new Set(['property', 'internal', 'context', 'shortcut']);
  const out = new Map();
  let e = 0;
  for (let i = 0; i < snap.nodes.length; i += nf.length) {
    const edges = snap.nodes[i + 4];
    for (let k = 0; k < edges; k++, e += ef.length) {
      const to = snap.edges[e + 2];
      if (types[snap.nodes[to]] !== type) continue;
      const holderType = types[snap.nodes[i]];
      const holder = holderType.includes('string') ? holderType : `${holderType}:${snap.strings[snap.nodes[i + 1]]}`;
      const edgeType = edgeTypes[snap.edges[e]];
      const key = `${holder} .${named.has(edgeType) ? snap.strings[snap.edges[e + 1]] : `[${edgeType}]`}`;
      out.set(key, (out.get(key) ?? 0) + 1);
    }
  }
  return out;
}

try {
  const options = { perMessageDeflate: false };
  // Warm-up: code compiled and pools made before measuring (then closed, so that none is counted).
  const warm = [];
  for (let i = 0; i < 50; i++) warm.push(await open(new WebSocket(url, options)));
  await Promise.all(warm.map((ws) => new Promise((resolve) => ((ws.onclose = resolve), ws.close()))));
  globalThis.gc();
  const before = byKind(snapshot());
  const sockets = [];
  for (let i = 0; i < count; i++) sockets.push(await open(new WebSocket(url, options)));
  globalThis.gc();
  const snap = snapshot();
  const rows = [];
  for (const [key, [n, bytes]] of byKind(snap)) {
    const [n0, bytes0] = before.get(key) ?? [0, 0];
    if (bytes - bytes0 >= count * 8) rows.push([key, (n - n0) / count, (bytes - bytes0) / count]);
  }
  rows.sort((a, b) => b[2] - a[2]);
  console.log(`${which}: ${count} open connections, ${Math.round(rows.reduce((t, r) => t + r[2], 0))} bytes each in the kinds below (8+ bytes each)`);
  for (const [key, n, bytes] of rows.slice(0, 40)) console.log(`${bytes.toFixed(0).padStart(6)} B  ${n.toFixed(2).padStart(6)}×  ${key}`);
  if (retainersOf) {
    console.log(`\nwhat holds '${retainersOf}' (per connection):`);
    const held = [...retainers(snap, retainersOf)].filter(([, n]) => n >= count / 2).sort((a, b) => b[1] - a[1]);
    for (const [key, n] of held.slice(0, 30)) console.log(`${(n / count).toFixed(2).padStart(6)}×  ${key}`);
  }
  for (const ws of sockets) ws.close();
} finally {
  server.kill();
}
process.exit(0);
