// cJSON's formatted printer, which FreeSWITCH uses for `conference json_list`: tab indents, `:\t`.
export type CJson = null | boolean | number | string | CJson[] | { [key: string]: CJson };

export function cjsonPrint(value: CJson, depth = 0): string {
  if (value === null) return 'null';
  if (typeof value === 'boolean' || typeof value === 'number') return String(value);
  if (typeof value === 'string') return JSON.stringify(value);
  if (Array.isArray(value)) {
    if (value.length === 0) return '[]';
    return `[${value.map((v) => cjsonPrint(v, depth + 1)).join(', ')}]`;
  }
  const entries = Object.entries(value);
  const pad = '\t'.repeat(depth);
  if (entries.length === 0) return `{\n${pad}}`;
  const body = entries
    .map(([k, v]) => `${pad}\t${JSON.stringify(k)}:\t${cjsonPrint(v, depth + 1)}`)
    .join(',\n');
  return `{\n${body}\n${pad}}`;
}
