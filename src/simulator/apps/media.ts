// How long a prompt plays and what kind of sound it is (silence_stream://, tone_stream://, files).
export interface Media {
  kind: 'file' | 'tone' | 'silence';
  /** Clock ms; undefined = plays until stopped. */
  durationMs: number | undefined;
}

function toneDuration(spec: string): number | undefined {
  let loops = 1;
  let total = 0;
  let found = false;
  for (const part of spec.split(';')) {
    const loop = /^(?:L|loops)=(-?\d+)$/.exec(part.trim());
    if (loop !== null) {
      loops = Number(loop[1]);
      continue;
    }
    const re = /%\(([^)]*)\)/g;
    for (let m = re.exec(part); m !== null; m = re.exec(part)) {
      const [on, off] = (m[1] ?? '').split(',').map((n) => Number(n));
      total += (Number.isFinite(on) ? (on as number) : 0) + (Number.isFinite(off) ? (off as number) : 0);
      found = true;
    }
  }
  if (loops < 0) return undefined;
  if (!found) return 1000;
  return total * Math.max(1, loops);
}

export function describeMedia(path: string, fileDurationMs: number): Media {
  if (path.startsWith('silence_stream://')) {
    const ms = Number.parseInt(path.slice('silence_stream://'.length), 10);
    return { kind: 'silence', durationMs: Number.isFinite(ms) && ms > 0 ? ms : undefined };
  }
  if (path.startsWith('tone_stream://')) {
    return { kind: 'tone', durationMs: toneDuration(path.slice('tone_stream://'.length)) };
  }
  if (path.startsWith('local_stream://')) return { kind: 'file', durationMs: undefined };
  if (path.startsWith('file_string://')) {
    const parts = path.slice('file_string://'.length).split('!');
    let total = 0;
    for (const p of parts) {
      const d = describeMedia(p, fileDurationMs).durationMs;
      if (d === undefined) return { kind: 'file', durationMs: undefined };
      total += d;
    }
    return { kind: 'file', durationMs: total };
  }
  return { kind: 'file', durationMs: fileDurationMs };
}
