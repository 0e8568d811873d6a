// The project's import graph, read from the sources with TypeScript's own pre-processor (type-only imports
// left out: they create no run-time dependency), and what breaks the layering: cycles, and imports a layer
// must not make (ARCHITECTURE.md).
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';

/** `from` must not import `to` (paths relative to the project root, as regular expressions). */
export interface LayerRule {
  readonly name: string;
  readonly from: RegExp;
  readonly to: RegExp;
}

export const LAYER_RULES: readonly LayerRule[] = [
  { name: 'machines are pure (nothing of src/)', from: /^machines\//, to: /^src\// },
  {
    name: 'the event-socket layer knows nothing above it',
    from: /^src\/esl\//,
    to: /^src\/(runtime|recovery|http|controller|cli|room-view|metrics|simulator|demo)\//,
  },
  {
    name: 'the runtime knows nothing of the operator side or the process',
    from: /^src\/(runtime|recovery)\//,
    to: /^src\/(http|controller|cli|room-view|metrics|simulator|demo)\//,
  },
  {
    name: 'the HTTP side talks to the runtime, never to FreeSWITCH directly',
    from: /^src\/http\//,
    to: /^src\/(esl|simulator|demo|cli|controller)\//,
  },
  {
    name: 'the simulator imports nothing of the controller',
    from: /^src\/simulator\//,
    to: /^src\/(runtime|recovery|http|controller|esl|cli|metrics|room-view|demo)\//,
  },
  {
    name: 'the controller imports nothing of the simulator',
    from: /^src\/(?!simulator\/|demo\/|cli\/)/,
    to: /^src\/simulator\//,
  },
];

export interface GraphReport {
  readonly files: number;
  readonly cycles: readonly (readonly string[])[];
  readonly crossings: readonly string[];
}

function sourceFiles(root: string, dir: string, out: string[]): string[] {
  for (const entry of readdirSync(join(root, dir), { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) sourceFiles(root, path, out);
    else if (/\.ts$/.test(entry.name) && !entry.name.endsWith('.d.ts')) out.push(path);
  }
  return out;
}

/** Run-time imports of one file (import, export … from, import()), type-only ones left out. */
function runtimeImports(text: string): string[] {
  const found: string[] = [];
  const source = ts.createSourceFile('x.ts', text, ts.ScriptTarget.Latest, false, ts.ScriptKind.TS);
  const visit = (node: ts.Node) => {
    if (ts.isImportDeclaration(node) && !node.importClause?.isTypeOnly) {
      const named = node.importClause?.namedBindings;
      const allTypes =
        node.importClause?.name === undefined &&
        named !== undefined &&
        ts.isNamedImports(named) &&
        named.elements.length > 0 &&
        named.elements.every((e) => e.isTypeOnly);
      if (!allTypes && ts.isStringLiteral(node.moduleSpecifier)) found.push(node.moduleSpecifier.text);
    } else if (ts.isExportDeclaration(node) && !node.isTypeOnly && node.moduleSpecifier !== undefined) {
      if (ts.isStringLiteral(node.moduleSpecifier)) found.push(node.moduleSpecifier.text);
    } else if (
      ts.isCallExpression(node) &&
      node.expression.kind === ts.SyntaxKind.ImportKeyword &&
      node.arguments[0] !== undefined &&
      ts.isStringLiteral(node.arguments[0])
    ) {
      found.push(node.arguments[0].text);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

/** The graph of `dirs` under `root`: file → the project files it imports at run time. */
export function importGraph(root: string, dirs: readonly string[]): Map<string, Set<string>> {
  const files = dirs.flatMap((d) => sourceFiles(root, d, []));
  const known = new Set(files);
  const graph = new Map<string, Set<string>>();
  for (const file of files) {
    const deps = new Set<string>();
    for (const spec of runtimeImports(readFileSync(join(root, file), 'utf8'))) {
      if (!spec.startsWith('.')) continue;
      const target = relative(root, resolve(root, dirname(file), spec)).replace(/\.js$/, '');
      for (const candidate of [`${target}.ts`, join(target, 'index.ts')])
        if (known.has(candidate)) {
          deps.add(candidate);
          break;
        }
    }
    graph.set(file, deps);
  }
  return graph;
}

/** Strongly connected components with more than one file (Tarjan). */
function cyclesOf(graph: Map<string, Set<string>>): string[][] {
  let index = 0;
  const stack: string[] = [];
  const onStack = new Set<string>();
  const indices = new Map<string, number>();
  const low = new Map<string, number>();
  const found: string[][] = [];
  const connect = (v: string) => {
    indices.set(v, index);
    low.set(v, index);
    index++;
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!indices.has(w)) {
        connect(w);
        low.set(v, Math.min(low.get(v) ?? 0, low.get(w) ?? 0));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v) ?? 0, indices.get(w) ?? 0));
    }
    if (low.get(v) === indices.get(v)) {
      const component: string[] = [];
      let w: string | undefined;
      do {
        w = stack.pop();
        if (w !== undefined) {
          onStack.delete(w);
          component.push(w);
        }
      } while (w !== undefined && w !== v);
      if (component.length > 1) found.push(component.sort());
    }
  };
  for (const v of graph.keys()) if (!indices.has(v)) connect(v);
  return found;
}

export function checkImports(root: string, dirs: readonly string[] = ['src', 'machines']): GraphReport {
  const graph = importGraph(root, dirs);
  const crossings: string[] = [];
  for (const [file, deps] of graph)
    for (const dep of deps)
      for (const rule of LAYER_RULES)
        if (rule.from.test(file) && rule.to.test(dep)) crossings.push(`${rule.name}: ${file} -> ${dep}`);
  return { files: graph.size, cycles: cyclesOf(graph), crossings: crossings.sort() };
}
