/**
 * Issue 16 item 6: every `nutmeg` command starts without loading the heavy libraries that only some commands use
 * (vega and vega-lite: about 0.5 s; fastify and zod: about 0.3 s; Dawn's webgpu bindings; h5wasm, for --netcdf). They must be reached from
 * src/cli/main.ts only through dynamic `import()` at their use sites, never through a chain of static imports.
 * The check reads the sources: it follows every static `import … from` / `export … from` (not `import type`) from
 * main.ts and lists the packages reached.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { buildProgram } from '../../src/cli/main.js';

const srcRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', 'src');

/** `import … from 'x'`, `export … from 'x'` (values, not `import type`) and `import 'x'`, anywhere in a file. */
const STATIC_FROM = /^[ \t]*(?:import|export)[ \t]+(?!type[ \t{])[^;]*?from[ \t]*['"]([^'"]+)['"]/gm;
const SIDE_EFFECT = /^[ \t]*import[ \t]*['"]([^'"]+)['"]/gm;

interface Graph {
  /** Source files reached, relative to src/. */
  readonly files: Set<string>;
  /** Package specifiers reached (node: builtins left out), with the file that imports each first. */
  readonly packages: Map<string, string>;
  /** node: builtins reached, with the file that imports each first. */
  readonly builtins: Map<string, string>;
}

function staticGraph(entry: string): Graph {
  const files = new Set<string>();
  const packages = new Map<string, string>();
  const builtins = new Map<string, string>();
  const pending = [join(srcRoot, entry)];
  while (pending.length > 0) {
    const file = pending.pop()!;
    const rel = file.slice(srcRoot.length + 1);
    if (files.has(rel)) continue;
    files.add(rel);
    const text = readFileSync(file, 'utf8');
    const specifiers = [...text.matchAll(STATIC_FROM), ...text.matchAll(SIDE_EFFECT)].map((m) => m[1]);
    for (const spec of specifiers) {
      if (spec.startsWith('.')) {
        const target = resolve(dirname(file), spec.replace(/\.js$/, '.ts'));
        if (!existsSync(target)) throw new Error(`${rel}: cannot resolve ${spec}`);
        pending.push(target);
      } else if (spec.startsWith('node:')) {
        if (!builtins.has(spec)) builtins.set(spec, rel);
      } else {
        const name = spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0];
        if (!packages.has(name)) packages.set(name, rel);
      }
    }
  }
  return { files, packages, builtins };
}

const HEAVY = ['vega', 'vega-lite', 'fastify', 'zod', 'webgpu', 'h5wasm'];
const COMMAND_FILES = ['fit', 'loo', 'compare', 'summary', 'report', 'score', 'analyze', 'abtest', 'its', 'clv', 'mmm', 'serve', 'devices', 'playground'];

describe('lazy loading (issue 16 item 6)', () => {
  it('main.ts reaches no command file through static imports: each command loads when it runs', () => {
    const graph = staticGraph('cli/main.ts');
    expect(graph.packages.has('commander')).toBe(true);
    expect(COMMAND_FILES.filter((c) => graph.files.has(`cli/${c}.ts`))).toEqual([]);
  });

  it('no heavy library is reached through static imports from main.ts or from any command', () => {
    for (const entry of ['main', ...COMMAND_FILES]) {
      const graph = staticGraph(`cli/${entry}.ts`);
      const reached = HEAVY.filter((name) => graph.packages.has(name)).map((name) => `${name} (from ${graph.packages.get(name)})`);
      expect({ entry, reached }).toEqual({ entry, reached: [] });
    }
    // the walk does follow the commands' code: the report code that draws plots is imported by `analyze`
    expect(staticGraph('cli/analyze.ts').files.has('report/html.ts')).toBe(true);
  });

  it('fit loads node:crypto and node:zlib only when it uses them (--out, a gzip file): about 20 ms of start-up', () => {
    const graph = staticGraph('cli/fit.ts');
    expect(graph.files.has('io/out-target.ts') && graph.files.has('data/file-text.ts')).toBe(true);
    expect(['node:crypto', 'node:zlib'].filter((b) => graph.builtins.has(b)).map((b) => `${b} (from ${graph.builtins.get(b)})`)).toEqual([]);
    expect(staticGraph('io/loglik-csv.ts').builtins.get('node:zlib')).toBe('io/loglik-csv.ts');
  });

  it('no module a command loads calls toLocaleString (its first call initialises ICU: ~25 ms of CPU); integers go through groupedInteger', () => {
    for (const entry of ['main', ...COMMAND_FILES]) {
      const callers = [...staticGraph(`cli/${entry}.ts`).files].filter(
        (f) => f !== 'report/integer-text.ts' && /\.toLocaleString\(/.test(readFileSync(join(srcRoot, f), 'utf8')),
      );
      expect({ entry, callers }).toEqual({ entry, callers: [] });
    }
  });

  it('the reader sees an eager import of a heavy library where there is one', () => {
    // the scoring server itself imports fastify statically: it is loaded by `nutmeg serve` only, dynamically
    expect(staticGraph('serve/server.ts').packages.get('fastify')).toBe('serve/server.ts');
  });

  it('the program registers only the command that is run; all of them for the command list', async () => {
    const names = async (args: string[]): Promise<string[]> => (await buildProgram(['node', 'nutmeg', ...args])).commands.map((c) => c.name());
    expect(await names(['fit', '--chains', '2'])).toEqual(['fit']);
    expect(await names(['serve', 'runs/x'])).toEqual(['serve']);
    expect(await names(['--version'])).toEqual([]);
    expect((await names(['--help'])).sort()).toEqual([...COMMAND_FILES].sort());
    expect((await names(['fitt'])).sort()).toEqual([...COMMAND_FILES].sort());
  });
});
