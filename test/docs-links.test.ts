// Every relative link of the docs (docs/**/*.md, README.md, packages/*/README.md) resolves to a
// file or folder inside the repository (and a #fragment on a Markdown target to one of its
// headings), and no doc names a file outside the repository: no path that climbs out of it, no
// design notes or paper summaries that only the authors' machines have.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from './support';

function markdownUnder(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? markdownUnder(join(dir, e.name)) : e.name.endsWith('.md') ? [join(dir, e.name)] : [],
  );
}

const PACKAGES = readdirSync(join(ROOT, 'packages')).filter((d) => existsSync(join(ROOT, 'packages', d, 'README.md')));
const DOCS = ['README.md', ...markdownUnder('docs'), ...PACKAGES.map((p) => join('packages', p, 'README.md'))].sort();

/** The text outside fenced code blocks, line by line (1-based numbers kept); inline code spans dropped unless `keepCode`. */
function proseLines(file: string, keepCode = false): { line: number; text: string }[] {
  const out: { line: number; text: string }[] = [];
  let fenced = false;
  readFileSync(join(ROOT, file), 'utf8')
    .split(/\r?\n/)
    .forEach((text, i) => {
      if (/^\s*```/.test(text)) fenced = !fenced;
      else if (!fenced) out.push({ line: i + 1, text: keepCode ? text : text.replace(/`[^`]*`/g, '') });
    });
  return out;
}

/** `[text](target)`, `[id]: target` and `<img src="target">`, with their line. */
function linksOf(file: string): { line: number; target: string }[] {
  const links: { line: number; target: string }[] = [];
  for (const { line, text } of proseLines(file)) {
    for (const m of text.matchAll(/\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)) links.push({ line, target: m[1] });
    const ref = /^\s*\[[^\]]+\]:\s*(\S+)/.exec(text);
    if (ref) links.push({ line, target: ref[1] });
    for (const m of text.matchAll(/<img[^>]*\ssrc="([^"]+)"/g)) links.push({ line, target: m[1] });
  }
  return links;
}

/** GitHub's heading anchors: lower case, punctuation dropped, spaces to dashes, repeats numbered. */
function anchorsOf(file: string): Set<string> {
  const seen = new Map<string, number>();
  const anchors = new Set<string>();
  for (const { text } of proseLines(file, true)) {
    const h = /^#{1,6}\s+(.*?)\s*#*\s*$/.exec(text);
    if (!h) continue;
    const base = h[1]
      .replace(/<[^>]+>/g, '')
      .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\p{M} _-]/gu, '')
      .replace(/ /g, '-');
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    anchors.add(n === 0 ? base : `${base}-${n}`);
  }
  return anchors;
}

const EXTERNAL = /^(https?:|mailto:|data:)/;
/** Files that exist only outside the repository (the project's private notes), by name or path. */
const OUTSIDE = [/\.\.\/shared\b/, /\/work\//, /\bPAPER\.md\b/, /\bDESIGN\.md\b/, /\bREADME-seed\.md\b/];

describe('links in the docs', () => {
  it('finds the docs', () => {
    expect(DOCS).toEqual(
      expect.arrayContaining([
        'README.md',
        join('docs', 'README.md'),
        join('docs', 'getting-started.md'),
        join('docs', 'method.md'),
        join('packages', 'cli', 'README.md'),
      ]),
    );
  });

  it.each(DOCS)('%s: every relative link resolves inside the repository', (file) => {
    const problems: string[] = [];
    for (const { line, target } of linksOf(file)) {
      if (EXTERNAL.test(target)) continue;
      const [path, fragment] = target.split('#');
      const abs = path === '' ? join(ROOT, file) : resolve(ROOT, dirname(file), decodeURI(path));
      const rel = relative(ROOT, abs);
      if (rel.startsWith('..') || rel.split(sep)[0] === 'node_modules')
        problems.push(`${file}:${line}: ${target} points outside the repository`);
      else if (!existsSync(abs)) problems.push(`${file}:${line}: ${target}: no such file (${rel})`);
      else if (fragment && abs.endsWith('.md') && statSync(abs).isFile() && !anchorsOf(relative(ROOT, abs)).has(fragment)) {
        problems.push(`${file}:${line}: ${target}: ${rel} has no heading #${fragment}`);
      }
    }
    expect(problems).toEqual([]);
  });

  it.each(DOCS)('%s: names no file outside the repository', (file) => {
    const problems = readFileSync(join(ROOT, file), 'utf8')
      .split(/\r?\n/)
      .flatMap((text, i) =>
        OUTSIDE.filter((re) => re.test(text)).map((re) => `${file}:${i + 1}: ${re.source} in "${text.trim().slice(0, 120)}"`),
      );
    expect(problems).toEqual([]);
  });
});
