// `npm run release:dry` (tooling/release-dry.mjs): the pending changesets applied by
// `changeset version` to a copy of the working tree, every public package packed, nothing
// published and nothing in the working tree changed. Checked against the changesets themselves:
// each package a changeset names gets at least that bump and a CHANGELOG entry, internal ranges
// still match, and the tarballs carry the new versions.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { node, ROOT } from './support';

type Bump = 'major' | 'minor' | 'patch' | 'none';

function pending(): { file: string; releases: Record<string, Bump> }[] {
  const dir = join(ROOT, '.changeset');
  return readdirSync(dir)
    .filter((f) => f.endsWith('.md') && f !== 'README.md')
    .map((file) => {
      const front = /^---\r?\n([\s\S]*?)\r?\n---/.exec(readFileSync(join(dir, file), 'utf8'))?.[1] ?? '';
      const releases: Record<string, Bump> = {};
      for (const m of front.matchAll(/^\s*["']?([^"':\n]+)["']?\s*:\s*(major|minor|patch|none)\s*$/gm)) releases[m[1]] = m[2] as Bump;
      return { file, releases };
    });
}

/** The version `bump` makes of `v`, as changesets computes it. */
function bumped(v: string, bump: Bump): string {
  const [a, b, c] = v.split('.').map(Number);
  if (bump === 'major') return `${a + 1}.0.0`;
  if (bump === 'minor') return `${a}.${b + 1}.0`;
  if (bump === 'patch') return `${a}.${b}.${c + 1}`;
  return v;
}

const order = (v: string) =>
  v
    .split('.')
    .map(Number)
    .reduce((n, x) => n * 1000 + x, 0);

function gitStatus(): string | null {
  if (!existsSync(join(ROOT, '.git'))) return null;
  const r = spawnSync('git', ['status', '--porcelain=v1', '--untracked-files=all'], { cwd: ROOT, encoding: 'utf8' });
  return r.status === 0 ? r.stdout : null;
}

describe('npm run release:dry', () => {
  it('versions the pending changesets and packs the result in a copy, leaving the working tree as it was', () => {
    const before = gitStatus();
    const r = node(['tooling/release-dry.mjs', '--json']);
    expect(r.status, r.stderr).toBe(0);
    expect(gitStatus()).toBe(before);
    const out = JSON.parse(r.stdout.trim().split('\n').pop()!);
    expect(out.problems).toEqual([]);

    const changesets = pending();
    expect(out.changesets.map((c: { file: string }) => c.file).sort()).toEqual(changesets.map((c) => c.file).sort());
    const byName = new Map(out.releases.map((x: { name: string }) => [x.name, x]));
    const packages = readdirSync(join(ROOT, 'packages'))
      .filter((d) => existsSync(join(ROOT, 'packages', d, 'package.json')))
      .map((d) => JSON.parse(readFileSync(join(ROOT, 'packages', d, 'package.json'), 'utf8')));
    for (const pkg of packages.filter((p) => !p.private)) {
      const release = byName.get(pkg.name) as any;
      expect(release, pkg.name).toBeDefined();
      expect(release.from).toBe(pkg.version);
      // every public package is packed, with the version the manifest now says
      expect(release.tarball?.file).toBe(`${pkg.name.replace('@', '').replace('/', '-')}-${release.to}.tgz`);
      expect(release.tarball.files).toBeGreaterThan(2);
      // at least the largest bump any changeset asks for (dependents may add a patch)
      const asked = changesets.map((c) => c.releases[pkg.name]).filter((b): b is Bump => b !== undefined);
      const want = asked.reduce((v, b) => (order(bumped(pkg.version, b)) > order(v) ? bumped(pkg.version, b) : v), pkg.version);
      expect(order(release.to), `${pkg.name} ${release.to} >= ${want}`).toBeGreaterThanOrEqual(order(want));
      if (asked.some((b) => b !== 'none')) expect(release.bumped).toBe(true);
    }
    // examples are private: never packed, never published
    for (const r of out.releases.filter((x: { private: boolean }) => x.private)) expect(r.tarball).toBeNull();
    expect(out.wouldPublish.every((s: string) => !s.includes('example'))).toBe(true);
  }, 180_000);
});
