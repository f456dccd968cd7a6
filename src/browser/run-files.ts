/**
 * A fit made in a page as the files of a run directory, the layout `nutmeg fit --out DIR` writes (src/io/run-dir.ts):
 * chain-<c>.csv per chain (CmdStan format, every variable: saveEffects all) and fit.json; `nutmeg summary DIR`, `loo`
 * (given the data) and `serve` read it. The data source is recorded by name (a dropped file's name, or sim:hillstrom
 * with its seed), as a path would be.
 */
import type { Fit } from '../fit/fit.js';
import { emitCmdStanCsv } from '../io/cmdstan-csv-text.js';
import { chainCsvContent, runMeta, type RunDataSource } from '../io/run-meta.js';

export interface RunFile {
  readonly name: string;
  readonly bytes: Uint8Array;
}

function encoded(parts: string[]): Uint8Array {
  const encoder = new TextEncoder();
  const chunks = parts.map((p) => encoder.encode(p));
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

export function runFiles(fit: Fit, data: RunDataSource, nutmegVersion: string, warnings: readonly string[] = []): RunFile[] {
  const meta = { ...runMeta(fit, data, nutmegVersion, warnings), saveEffects: 'all' as const };
  const content = chainCsvContent(fit, meta);
  const files: RunFile[] = meta.files.map((name, chain) => {
    const parts: string[] = [];
    emitCmdStanCsv({ ...content, chain }, (text) => parts.push(text));
    return { name, bytes: encoded(parts) };
  });
  files.push({ name: 'fit.json', bytes: encoded([JSON.stringify(meta, null, 2) + '\n']) });
  return files;
}
