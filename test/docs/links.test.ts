// Every relative link in README.md and docs/*.md leads to a file that exists, and every #anchor to
// a heading in it (GitHub's slugs). Links to other sites are only checked to be well-formed URLs:
// the suite never leaves the machine.
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..');
const docs = join(root, 'docs');
const pages = [join(root, 'README.md'), ...readdirSync(docs).filter((f) => f.endsWith('.md')).map((f) => join(docs, f))];

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens. */
function slug(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/`/g, '')
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/\s/g, '-');
}

function anchors(file: string): Set<string> {
  const seen = new Map<string, number>();
  const out = new Set<string>();
  let fenced = false;
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (line.startsWith('```')) fenced = !fenced;
    const m = !fenced && /^#{1,6}\s+(.+?)\s*#*$/.exec(line);
    if (!m) continue;
    const base = slug(m[1]!);
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    out.add(n === 0 ? base : `${base}-${n}`);
  }
  return out;
}

/** Links outside code: `[text](target)` and `[text]: target` definitions. */
function links(file: string): Array<{ line: number; target: string }> {
  const out: Array<{ line: number; target: string }> = [];
  let fenced = false;
  readFileSync(file, 'utf8')
    .split('\n')
    .forEach((text, i) => {
      if (text.startsWith('```')) fenced = !fenced;
      if (fenced) return;
      const prose = text.replace(/`[^`]*`/g, '');
      for (const m of prose.matchAll(/\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g)) out.push({ line: i + 1, target: m[1]! });
      const def = /^\s*\[[^\]]+\]:\s+(\S+)/.exec(prose);
      if (def) out.push({ line: i + 1, target: def[1]! });
    });
  return out;
}

function broken(file: string, target: string): string | undefined {
  if (/^[a-z][a-z0-9+.-]*:/i.test(target)) {
    if (!/^(https?|mailto):/i.test(target)) return 'only http(s) and mailto links to other places';
    try {
      new URL(target);
      return undefined;
    } catch {
      return 'not a valid URL';
    }
  }
  const [path = '', anchor] = target.split('#');
  const resolved = path === '' ? file : join(dirname(file), decodeURIComponent(path));
  if (!existsSync(resolved)) return `${relative(root, resolved)} does not exist`;
  if (anchor === undefined || anchor === '') return undefined;
  if (statSync(resolved).isDirectory() || !resolved.endsWith('.md')) return `#${anchor} on something that is not a page`;
  return anchors(resolved).has(anchor) ? undefined : `no heading #${anchor} in ${relative(root, resolved)}`;
}

describe('links in README.md and docs/', () => {
  it('finds the pages and their links', () => {
    expect(pages.length).toBeGreaterThan(5);
    expect(pages.flatMap((p) => links(p)).length).toBeGreaterThan(10);
  });

  for (const page of pages) {
    it(`${relative(root, page)}: every link leads somewhere`, () => {
      const bad = links(page)
        .map(({ line, target }) => ({ line, target, why: broken(page, target) }))
        .filter((l) => l.why !== undefined)
        .map((l) => `${relative(root, page)}:${l.line} ${l.target}: ${l.why}`);
      expect(bad).toEqual([]);
    });
  }

  it('the checker itself catches a missing page and a missing heading', () => {
    const handshake = join(docs, 'handshake.md');
    expect(broken(handshake, 'nope.md')).toMatch(/does not exist/);
    expect(broken(handshake, 'errors.md#no-such-heading')).toMatch(/no heading/);
    expect(broken(handshake, 'errors.md#handshake-handshakeerror-close-1006')).toBeUndefined();
    expect(broken(handshake, 'ftp://x')).toMatch(/http/);
  });
});
