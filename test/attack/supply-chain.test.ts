// Supply chain (issue 8; docs/threat-model.md "dependencies"): what `npm ci` installs must be exactly what was
// reviewed. Every dependency is pinned to one version, the lockfile is committed and agrees with package.json, every
// package in it comes from the registry with a SHA-512 integrity that npm checks on install, and the only package
// allowed to run an install script is the one that needs it. The advisory check (`npm audit --omit=dev`) is in
// .ci/run, since it asks the registry.

import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const root = new URL('../../', import.meta.url);
const pkg = JSON.parse(readFileSync(new URL('package.json', root), 'utf8')) as {
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
};
interface LockEntry {
  version?: string;
  resolved?: string;
  integrity?: string;
  link?: boolean;
  dev?: boolean;
  hasInstallScript?: boolean;
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
}
const lock = JSON.parse(readFileSync(new URL('package-lock.json', root), 'utf8')) as { lockfileVersion: number; packages: Record<string, LockEntry> };
const installed = Object.entries(lock.packages).filter(([path]) => path !== '');

/** Packages whose install scripts run on `npm ci`, each for a stated reason (README "Runtime dependencies"). */
const INSTALL_SCRIPTS_ALLOWED: Record<string, string> = {
  'better-sqlite3': 'the embedded store: downloads its prebuilt binary or compiles it with node-gyp',
};

describe('dependencies', () => {
  it('are each pinned to one exact version, from the registry', () => {
    const all = { ...pkg.dependencies, ...pkg.devDependencies };
    expect(Object.keys(all).length).toBeGreaterThan(10);
    const loose = Object.entries(all).filter(([, spec]) => !/^\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?$/.test(spec));
    expect(loose, 'ranges, tags, URLs or paths in package.json').toEqual([]);
  });

  it('are locked in a committed package-lock.json that agrees with package.json', () => {
    const tracked = execFileSync('git', ['ls-files', '--error-unmatch', 'package-lock.json'], { cwd: root, encoding: 'utf8' }).trim();
    expect(tracked).toBe('package-lock.json');
    expect(lock.lockfileVersion).toBe(3);
    const top = lock.packages['']!;
    expect(top.dependencies).toEqual(pkg.dependencies);
    expect(top.devDependencies).toEqual(pkg.devDependencies);
    for (const [name, version] of Object.entries({ ...pkg.dependencies, ...pkg.devDependencies })) {
      expect(lock.packages[`node_modules/${name}`]?.version, name).toBe(version);
    }
  });

  it('come with a SHA-512 integrity each, from the npm registry only, none linked from the disk', () => {
    expect(installed.length).toBeGreaterThan(100);
    const unverified = installed.filter(([, e]) => e.link === true || !/^sha512-[A-Za-z0-9+/]{86}==$/.test(e.integrity ?? '')).map(([p]) => p);
    expect(unverified).toEqual([]);
    const elsewhere = installed.filter(([, e]) => e.resolved !== undefined && !e.resolved.startsWith('https://registry.npmjs.org/')).map(([p]) => p);
    expect(elsewhere).toEqual([]);
  });

  it('run install scripts only where allowed (a new one is a change to review, not to wave through)', () => {
    const withScripts = installed.filter(([, e]) => e.hasInstallScript === true).map(([p]) => p.slice(p.lastIndexOf('node_modules/') + 13));
    expect(withScripts.sort()).toEqual(Object.keys(INSTALL_SCRIPTS_ALLOWED).sort());
  });
});
