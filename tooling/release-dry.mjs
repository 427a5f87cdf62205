#!/usr/bin/env node
// `npm run release:dry`: the release that the pending changesets would make, without making it.
// Copies the working tree (tracked and untracked-but-not-ignored files, plus each package's built
// dist/) to a temporary folder, runs `changeset version` there, packs every public package of the
// result with `npm pack`, checks the packed manifests (versions, internal dependency ranges,
// CHANGELOG entries), prints the plan, and removes the copy. Nothing is published, and the working
// tree is left exactly as it was (checked with `git status` before and after).
// Usage: node tooling/release-dry.mjs [--json] [--keep]   (after `npm run build`)
// See docs/releasing.md.
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const args = new Set(process.argv.slice(2));
const asJson = args.has('--json');
const keep = args.has('--keep');
const say = (line) => (asJson ? process.stderr : process.stdout).write(`${line}\n`);

class ReleaseDryError extends Error {}

function sh(cmd, argv, cwd, options = {}) {
  return execFileSync(cmd, argv, { cwd, encoding: 'utf8', maxBuffer: 1 << 28, stdio: ['ignore', 'pipe', 'pipe'], ...options });
}

function gitStatus() {
  try {
    return sh('git', ['status', '--porcelain=v1', '--untracked-files=all', '--ignored=no'], ROOT);
  } catch {
    return null; // not a git checkout: nothing to compare
  }
}

/** Workspace folders (package.json "workspaces", simple `dir/*` globs). */
function workspaces(root) {
  const globs = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).workspaces ?? [];
  return globs.flatMap((g) => {
    const base = join(root, g.replace(/\/\*$/, ''));
    if (!g.endsWith('/*')) return existsSync(join(base, 'package.json')) ? [base] : [];
    return existsSync(base)
      ? readdirSync(base)
          .map((d) => join(base, d))
          .filter((d) => existsSync(join(d, 'package.json')))
      : [];
  });
}

const manifest = (dir) => JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));

/** Pending changesets: { file, releases: { name: bump }, summary }. */
function pendingChangesets(root) {
  const dir = join(root, '.changeset');
  return readdirSync(dir)
    .filter((f) => f.endsWith('.md') && f !== 'README.md')
    .map((file) => {
      const text = readFileSync(join(dir, file), 'utf8');
      const m = /^---\r?\n([\s\S]*?)\r?\n---\r?\n?([\s\S]*)$/.exec(text);
      if (!m) throw new ReleaseDryError(`.changeset/${file}: no front matter (--- "package": bump ---)`);
      const releases = {};
      for (const line of m[1].split(/\r?\n/).filter((l) => l.trim())) {
        const r = /^\s*["']?([^"':]+)["']?\s*:\s*(major|minor|patch|none)\s*$/.exec(line);
        if (!r) throw new ReleaseDryError(`.changeset/${file}: cannot read "${line}"`);
        releases[r[1]] = r[2];
      }
      return { file, releases, summary: m[2].trim() };
    });
}

/** Whether `version` satisfies the range forms this repo uses: ^x.y.z, ~x.y.z, x.y.z, *, >=x. */
function satisfies(version, range) {
  const v = version.split('.').map(Number);
  const parse = (s) => s.split('.').map(Number);
  const cmp = (a, b) => a[0] - b[0] || a[1] - b[1] || a[2] - b[2];
  if (range === '*' || range === '') return true;
  if (range.startsWith('>=')) return cmp(v, parse(range.slice(2))) >= 0;
  if (range.startsWith('~')) {
    const r = parse(range.slice(1));
    return cmp(v, r) >= 0 && v[0] === r[0] && v[1] === r[1];
  }
  if (range.startsWith('^')) {
    const r = parse(range.slice(1));
    if (cmp(v, r) < 0) return false;
    if (r[0] > 0) return v[0] === r[0];
    if (r[1] > 0) return v[0] === 0 && v[1] === r[1];
    return v[0] === 0 && v[1] === 0 && v[2] === r[2];
  }
  if (/^\d+\.\d+\.\d+$/.test(range)) return version === range;
  throw new ReleaseDryError(`cannot check the range "${range}" (use ^x.y.z for internal dependencies)`);
}

function main() {
  const before = gitStatus();
  const packages = workspaces(ROOT).map((dir) => ({ dir: relative(ROOT, dir), pkg: manifest(dir) }));
  const publicPackages = packages.filter((p) => !p.pkg.private);
  for (const { dir, pkg } of publicPackages) {
    if (!existsSync(join(ROOT, dir, 'dist')))
      throw new ReleaseDryError(`${dir}/dist is missing: run npm run build first (${pkg.name} would be packed without its code)`);
  }
  const changesets = pendingChangesets(ROOT);
  const known = new Set(packages.map((p) => p.pkg.name));
  for (const c of changesets) {
    for (const name of Object.keys(c.releases)) {
      if (!known.has(name)) throw new ReleaseDryError(`.changeset/${c.file} names ${name}, which is no workspace package`);
    }
  }

  const work = mkdtempSync(join(tmpdir(), 'tinylm-release-dry-'));
  const copy = join(work, 'repo');
  try {
    // 1. The working tree as it is now (uncommitted changesets included), plus built dist/ folders
    const files = existsSync(join(ROOT, '.git'))
      ? sh('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], ROOT).split('\0').filter(Boolean)
      : null;
    if (files) {
      for (const f of files) {
        const from = join(ROOT, f);
        if (!existsSync(from) || statSync(from).isDirectory()) continue; // deleted, or a submodule
        mkdirSync(dirname(join(copy, f)), { recursive: true });
        cpSync(from, join(copy, f));
      }
    } else {
      cpSync(ROOT, copy, { recursive: true, filter: (src) => !/[/\\](node_modules|\.git|\.turbo)$/.test(src) });
    }
    for (const { dir } of publicPackages) cpSync(join(ROOT, dir, 'dist'), join(copy, dir, 'dist'), { recursive: true });
    // changesets resolves its changelog generator from the copy's folder
    symlinkSync(join(ROOT, 'node_modules'), join(copy, 'node_modules'), 'dir');

    // 2. changeset version, in the copy
    const changesetBin = join(ROOT, 'node_modules/@changesets/cli/bin.js');
    say(`changesets: ${changesets.length} pending (${changesets.map((c) => c.file).join(', ') || 'none'})`);
    sh(process.execPath, [changesetBin, 'version'], copy, { env: { ...process.env, CI: 'true' } });
    const left = readdirSync(join(copy, '.changeset')).filter((f) => f.endsWith('.md') && f !== 'README.md');
    if (left.length > 0) throw new ReleaseDryError(`changeset version left ${left.join(', ')} unconsumed`);

    // 3. Pack every public package of the result
    const tarballs = join(work, 'tarballs');
    mkdirSync(tarballs);
    const packed = JSON.parse(
      (() => {
        const out = sh('npm', ['pack', '--json', '--pack-destination', tarballs, ...publicPackages.flatMap((p) => ['-w', p.dir])], copy);
        return out.slice(out.indexOf('['));
      })(),
    );

    // 4. Check the result: versions, internal ranges, changelogs
    const after = new Map(packages.map(({ dir }) => [manifest(join(copy, dir)).name, { dir, pkg: manifest(join(copy, dir)) }]));
    const problems = [];
    const releases = [];
    for (const { dir, pkg } of packages) {
      const next = after.get(pkg.name).pkg;
      const bumped = next.version !== pkg.version;
      const tar = packed.find((t) => t.name === pkg.name);
      if (!pkg.private && !tar) problems.push(`${pkg.name}: not packed`);
      if (tar && tar.version !== next.version) problems.push(`${pkg.name}: packed ${tar.version}, manifest says ${next.version}`);
      for (const field of ['dependencies', 'peerDependencies', 'optionalDependencies']) {
        for (const [dep, range] of Object.entries(next[field] ?? {})) {
          const target = after.get(dep);
          if (target && !satisfies(target.pkg.version, range)) {
            problems.push(`${pkg.name} ${field}.${dep} is "${range}", which ${target.pkg.version} does not satisfy`);
          }
        }
      }
      if (bumped) {
        const changelog = join(copy, dir, 'CHANGELOG.md');
        const text = existsSync(changelog) ? readFileSync(changelog, 'utf8') : '';
        if (!text.includes(`## ${next.version}`)) problems.push(`${pkg.name}: CHANGELOG.md has no "## ${next.version}" entry`);
      }
      releases.push({
        name: pkg.name,
        private: Boolean(pkg.private),
        from: pkg.version,
        to: next.version,
        bumped,
        tarball: tar
          ? {
              file: tar.filename,
              size: tar.size,
              unpackedSize: tar.unpackedSize,
              files: tar.files.length,
              changelog: tar.files.some((f) => f.path === 'CHANGELOG.md'),
            }
          : null,
      });
    }
    const statusAfter = gitStatus();
    if (before !== statusAfter) problems.push(`the working tree changed:\n--- before\n${before}\n--- after\n${statusAfter}`);

    const result = {
      changesets: changesets.map((c) => ({ file: c.file, releases: c.releases })),
      releases,
      wouldPublish: releases.filter((r) => !r.private && r.bumped).map((r) => `${r.name}@${r.to}`),
      problems,
      kept: keep ? work : null,
    };
    for (const r of releases) {
      const size = r.tarball
        ? `  ${r.tarball.file} (${(r.tarball.size / 1024).toFixed(1)} KiB, ${r.tarball.files} files)`
        : '  (private: not packed)';
      say(`${r.name.padEnd(34)} ${r.from} -> ${r.to}${r.bumped ? '' : ' (unchanged)'}${size}`);
    }
    say(result.wouldPublish.length ? `would publish: ${result.wouldPublish.join(', ')}` : 'nothing to publish (no pending changesets)');
    for (const p of problems) say(`problem: ${p}`);
    if (asJson) process.stdout.write(`${JSON.stringify(result)}\n`);
    if (problems.length > 0) process.exitCode = 1;
  } finally {
    if (keep) say(`kept ${work}`);
    else rmSync(work, { recursive: true, force: true });
  }
}

try {
  main();
} catch (e) {
  const detail = e && typeof e === 'object' && 'stderr' in e && e.stderr ? `\n${e.stderr}` : '';
  process.stderr.write(`release:dry failed: ${e instanceof Error ? e.message : String(e)}${detail}\n`);
  process.exitCode = 1;
}
