// Summarises a V8 .cpuprofile (node --cpu-prof) to the functions with the most self time.
// Usage: tsx bench/profile-summary.ts <file.cpuprofile> [top=25]
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
}

interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples?: number[];
  timeDeltas?: number[];
}

export interface HotFunction {
  readonly name: string;
  /** file:line, relative to the project (node_modules/… for dependencies, (native) for V8). */
  readonly where: string;
  readonly selfMs: number;
  readonly selfPercent: number;
}

function location(frame: ProfileNode['callFrame']): string {
  if (frame.url === '') return '(native)';
  let path = frame.url;
  try {
    if (path.startsWith('file:')) path = fileURLToPath(path);
  } catch {
    // keep the URL as it is
  }
  const local = path.startsWith('/') ? relative(process.cwd(), path) : path;
  return `${local}:${frame.lineNumber + 1}`;
}

/** Self time per function (summed over every node of the same name and place), highest first. */
export function hotFunctions(profile: CpuProfile, top = 25): HotFunction[] {
  const byNode = new Map<number, ProfileNode>(profile.nodes.map((node) => [node.id, node]));
  const selfUs = new Map<number, number>();
  const samples = profile.samples ?? [];
  const deltas = profile.timeDeltas ?? [];
  // Each sample's time is the delta to the next sample.
  for (let i = 0; i < samples.length; i++) {
    const id = samples[i] as number;
    const delta = deltas[i + 1] ?? 0;
    selfUs.set(id, (selfUs.get(id) ?? 0) + Math.max(0, delta));
  }
  const total = Math.max(1, profile.endTime - profile.startTime);
  const merged = new Map<string, { name: string; where: string; us: number }>();
  for (const [id, us] of selfUs) {
    const node = byNode.get(id);
    if (node === undefined) continue;
    const name = node.callFrame.functionName || '(anonymous)';
    const where = location(node.callFrame);
    const key = `${name}@${where}`;
    const entry = merged.get(key) ?? { name, where, us: 0 };
    entry.us += us;
    merged.set(key, entry);
  }
  return [...merged.values()]
    .sort((a, b) => b.us - a.us)
    .slice(0, top)
    .map((e) => ({ name: e.name, where: e.where, selfMs: e.us / 1000, selfPercent: (100 * e.us) / total }));
}

export function readProfile(file: string): CpuProfile {
  return JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
}

export function formatHotFunctions(hot: readonly HotFunction[]): string {
  const lines = hot.map(
    (h) =>
      `${h.selfMs.toFixed(0).padStart(8)} ms ${h.selfPercent.toFixed(1).padStart(5)}%  ${h.name}  ${h.where}`,
  );
  return `${'self'.padStart(11)} ${'%'.padStart(6)}  function  place\n${lines.join('\n')}\n`;
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const [file, top] = process.argv.slice(2);
  if (file === undefined) {
    process.stderr.write('usage: tsx bench/profile-summary.ts <file.cpuprofile> [top]\n');
    process.exit(2);
  }
  process.stdout.write(formatHotFunctions(hotFunctions(readProfile(file), Number(top ?? 25))));
}
