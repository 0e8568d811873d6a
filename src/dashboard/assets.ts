// The dashboard's files (src/dashboard/public: plain HTML, CSS and JavaScript, no build step), read once at
// start and served from memory. They are found beside this module, or — when running the compiled code
// in dist/ of a checkout — in the source tree.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export interface DashboardAsset {
  /** URL path, e.g. `/` or `/dashboard.js`. */
  readonly path: string;
  readonly contentType: string;
  readonly body: Buffer;
  readonly etag: string;
}

const FILES: ReadonlyArray<readonly [path: string, file: string, contentType: string]> = [
  ['/', 'index.html', 'text/html; charset=utf-8'],
  ['/dashboard.css', 'dashboard.css', 'text/css; charset=utf-8'],
  ['/dashboard.js', 'dashboard.js', 'text/javascript; charset=utf-8'],
  ['/favicon.svg', 'favicon.svg', 'image/svg+xml'],
];

/** Where the files may be: beside this module (src/), or the source tree seen from dist/src/dashboard/. */
const CANDIDATES = ['./public/', '../../../src/dashboard/public/'];

export type LoadedAssets =
  | { readonly ok: true; readonly dir: string; readonly assets: ReadonlyMap<string, DashboardAsset> }
  | { readonly ok: false; readonly reason: string };

export function loadDashboardAssets(dirs: readonly string[] = CANDIDATES.map(candidatePath)): LoadedAssets {
  const dir = dirs.find((d) => existsSync(`${d}index.html`));
  if (dir === undefined)
    return { ok: false, reason: `dashboard files not found (looked in ${dirs.join(', ')})` };
  const assets = new Map<string, DashboardAsset>();
  for (const [path, file, contentType] of FILES) {
    const full = `${dir}${file}`;
    if (!existsSync(full)) return { ok: false, reason: `dashboard file missing: ${full}` };
    const body = readFileSync(full);
    const etag = `"${createHash('sha256').update(body).digest('base64url').slice(0, 22)}"`;
    assets.set(path, { path, contentType, body, etag });
  }
  return { ok: true, dir, assets };
}

function candidatePath(relative: string): string {
  return fileURLToPath(new URL(relative, import.meta.url));
}
