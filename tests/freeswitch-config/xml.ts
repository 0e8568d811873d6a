// A small, strict XML reader for checking the FreeSWITCH configuration files: elements, attributes,
// comments, declarations. Throws with a line number on anything that is not well-formed.

export interface XmlElement {
  readonly name: string;
  readonly attrs: Readonly<Record<string, string>>;
  readonly children: XmlElement[];
  readonly line: number;
}

export interface XmlDocument {
  /** The top-level elements (a file may hold one root, or a fragment of several). */
  readonly roots: XmlElement[];
  readonly comments: string[];
}

const NAME = /^[A-Za-z_][A-Za-z0-9_.:-]*/;

function decode(value: string, line: number): string {
  return value.replace(/&(#?[a-zA-Z0-9]+);|&/g, (all, entity: string | undefined) => {
    if (entity === undefined) throw new Error(`line ${line}: bare "&" (write &amp;)`);
    const named: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
    if (entity in named) return named[entity] ?? '';
    if (/^#\d+$/.test(entity)) return String.fromCodePoint(Number(entity.slice(1)));
    throw new Error(`line ${line}: unknown entity ${all}`);
  });
}

export function parseXml(text: string): XmlDocument {
  const roots: XmlElement[] = [];
  const comments: string[] = [];
  const stack: XmlElement[] = [];
  let i = 0;
  const lineAt = (pos: number) => text.slice(0, pos).split('\n').length;
  const add = (el: XmlElement) => {
    const parent = stack[stack.length - 1];
    if (parent) parent.children.push(el);
    else roots.push(el);
  };
  while (i < text.length) {
    const lt = text.indexOf('<', i);
    const chunk = lt < 0 ? text.slice(i) : text.slice(i, lt);
    if (chunk.trim().length > 0) {
      if (stack.length === 0) throw new Error(`line ${lineAt(i)}: text outside any element`);
      decode(chunk, lineAt(i));
    }
    if (lt < 0) break;
    const line = lineAt(lt);
    if (text.startsWith('<!--', lt)) {
      const end = text.indexOf('-->', lt + 4);
      if (end < 0) throw new Error(`line ${line}: comment not closed`);
      const body = text.slice(lt + 4, end);
      if (body.includes('--')) throw new Error(`line ${line}: "--" inside a comment`);
      comments.push(body);
      i = end + 3;
    } else if (text.startsWith('<?', lt)) {
      const end = text.indexOf('?>', lt);
      if (end < 0) throw new Error(`line ${line}: declaration not closed`);
      i = end + 2;
    } else if (text.startsWith('<![CDATA[', lt)) {
      const end = text.indexOf(']]>', lt);
      if (end < 0) throw new Error(`line ${line}: CDATA not closed`);
      i = end + 3;
    } else if (text.startsWith('</', lt)) {
      const name = NAME.exec(text.slice(lt + 2))?.[0];
      const end = text.indexOf('>', lt);
      const open = stack.pop();
      if (name === undefined || end < 0) throw new Error(`line ${line}: bad end tag`);
      if (open?.name !== name)
        throw new Error(`line ${line}: </${name}> closes <${open?.name ?? 'nothing'}>`);
      i = end + 1;
    } else {
      let pos = lt + 1;
      const name = NAME.exec(text.slice(pos))?.[0];
      if (name === undefined) throw new Error(`line ${line}: bad tag`);
      pos += name.length;
      const attrs: Record<string, string> = {};
      for (;;) {
        const rest = text.slice(pos);
        const ws = /^\s*/.exec(rest)?.[0] ?? '';
        pos += ws.length;
        if (text.startsWith('/>', pos) || text.startsWith('>', pos)) break;
        if (ws.length === 0) throw new Error(`line ${line}: missing space before attribute in <${name}>`);
        const attr = /^([A-Za-z_][A-Za-z0-9_.:-]*)\s*=\s*("([^"]*)"|'([^']*)')/.exec(text.slice(pos));
        if (attr === null) throw new Error(`line ${line}: bad attribute in <${name}>`);
        const attrName = attr[1] ?? '';
        if (attrName in attrs) throw new Error(`line ${line}: attribute ${attrName} repeated in <${name}>`);
        const raw = attr[3] ?? attr[4] ?? '';
        if (raw.includes('<')) throw new Error(`line ${line}: "<" in attribute ${attrName}`);
        attrs[attrName] = decode(raw, line);
        pos += attr[0].length;
      }
      const el: XmlElement = { name, attrs, children: [], line };
      add(el);
      if (text.startsWith('/>', pos)) {
        i = pos + 2;
      } else {
        stack.push(el);
        i = pos + 1;
      }
    }
  }
  const open = stack.pop();
  if (open) throw new Error(`line ${open.line}: <${open.name}> is never closed`);
  return { roots, comments };
}

/** Every element below (and including) the given ones, depth first. */
export function allElements(elements: readonly XmlElement[]): XmlElement[] {
  const out: XmlElement[] = [];
  const walk = (el: XmlElement) => {
    out.push(el);
    for (const child of el.children) walk(child);
  };
  for (const el of elements) walk(el);
  return out;
}

export function findAll(elements: readonly XmlElement[], name: string): XmlElement[] {
  return allElements(elements).filter((el) => el.name === name);
}
