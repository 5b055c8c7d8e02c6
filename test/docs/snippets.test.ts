// Runs the ```ts test snippets of docs/*.md, so that the docs cannot go stale. A line of the form
// `expression; // => value` becomes an assertion that the expression deep-equals the value.
import { mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const docs = join(import.meta.dirname, '..', '..', 'docs');
const scratch = join(import.meta.dirname, '.snippets');

interface Snippet {
  file: string;
  line: number;
  code: string;
}

function snippets(): Snippet[] {
  const out: Snippet[] = [];
  for (const file of readdirSync(docs).filter((f) => f.endsWith('.md'))) {
    const lines = readFileSync(join(docs, file), 'utf8').split('\n');
    for (let i = 0; i < lines.length; i++) {
      if (!/^```ts test\s*$/.test(lines[i]!)) continue;
      const start = i + 1;
      let end = start;
      while (end < lines.length && lines[end] !== '```') end++;
      out.push({ file, line: start + 1, code: lines.slice(start, end).join('\n') });
      i = end;
    }
  }
  return out;
}

/** `expr; // => value` lines become assertions; everything else runs as written. */
function toModule(code: string): string {
  const body = code
    .split('\n')
    .map((line) => {
      const m = /^(\s*)(.+?);?\s*\/\/ => (.+)$/.exec(line);
      return m ? `${m[1]}__assert(${m[2]}, ${m[3]}, ${JSON.stringify(m[2])});` : line;
    })
    .join('\n');
  return `import { expect as __expect } from 'vitest';\nconst __assert = (actual: unknown, expected: unknown, what: string) => __expect(actual, what).toEqual(expected);\n${body}\n`;
}

afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('docs snippets', () => {
  const all = snippets();
  it('finds the snippets (the handshake page has one)', () => {
    expect(all.some((s) => s.file === 'handshake.md')).toBe(true);
  });
  for (const snippet of all) {
    it(`${snippet.file}:${snippet.line} runs and its // => values hold`, async () => {
      expect(snippet.code).toMatch(/\/\/ => /);
      mkdirSync(scratch, { recursive: true });
      const file = join(scratch, `${snippet.file.replace(/\W/g, '_')}_${snippet.line}.ts`);
      writeFileSync(file, toModule(snippet.code));
      await import(/* @vite-ignore */ file);
    });
  }
});
