/**
 * DIR/effects-draws.bin: the draws of the group effects of a run saved with `--save-effects summary`, compact
 * enough to keep where CSV is not (4 bytes a value against ~20 as text), so that loo, score and serve work on such a
 * run. Only what cannot be derived is stored: per term the values the sampler's coordinates come back from —
 * z_g__t[k] for a non-centered independent term (r = sd · z, layout.ts), r_g__t[k] otherwise (a correlated term has
 * no z_ output: r = diag(sd) L z).
 *
 * Layout: the 8 ASCII bytes "NUTMEGD1"; a uint32 little-endian byte length n; n bytes of UTF-8 JSON
 * {dtype: "float32", families: [{name, levels}], nChains, nDraws} (family r_g__t with K levels stands for the
 * variables r_g__t[1] … r_g__t[K], in that order); zero bytes up to a multiple of 4; then, variable by variable and
 * within each chain by chain, nChains × nDraws IEEE-754 float32 little-endian values (the DrawSet order of
 * src/draws.ts). Float32 keeps 7 significant digits, far finer than any draw's Monte Carlo error.
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { endianness } from 'node:os';
import type { DrawSet } from '../draws.js';
import { allStored, columnVariable, type ColumnDraws } from '../column-draws.js';
import { UserError } from '../errors.js';
import { writeBytesFully, type WriteFn } from './out-target.js';
import { isPerLevelName } from './variable-names.js';

export const EFFECTS_DRAWS_FILE = 'effects-draws.bin';
const MAGIC = 'NUTMEGD1';
/** On a little-endian machine a Float32Array view reads and writes the file's byte order directly. */
const NATIVE_LE = endianness() === 'LE';

interface Family {
  readonly name: string;
  readonly levels: number;
}

interface Header {
  readonly dtype: 'float32';
  readonly families: Family[];
  readonly nChains: number;
  readonly nDraws: number;
}

/** The per-level variables to store: z_ of non-centered terms, r_ of the others (names as in `names`). */
export function storedEffectNames(names: readonly string[]): string[] {
  const zFamilies = new Set(names.filter((n) => n.startsWith('z_') && isPerLevelName(n)).map((n) => n.slice(2, n.lastIndexOf('['))));
  return names.filter((n) => isPerLevelName(n) && (n.startsWith('z_') || (n.startsWith('r_') && !zFamilies.has(n.slice(2, n.lastIndexOf('['))))));
}

/** The families of names r_g__t[1] … r_g__t[K] in that order (a name out of that order is a bug). */
function familiesOf(names: readonly string[]): Family[] {
  const families: { name: string; levels: number }[] = [];
  for (const n of names) {
    const open = n.lastIndexOf('[');
    const name = n.slice(0, open);
    const last = families.at(-1);
    const family = last !== undefined && last.name === name ? last : (families.push({ name, levels: 0 }), families.at(-1)!);
    if (n !== `${name}[${family.levels + 1}]`) throw new Error(`effects draws: ${n} out of level order`);
    family.levels++;
  }
  return families;
}

function namesOf(families: readonly Family[]): string[] {
  return families.flatMap((f) => Array.from({ length: f.levels }, (_, k) => `${f.name}[${k + 1}]`));
}

/**
 * Writes the stored per-level variables of `draws` (bracket names) to path, a block of variables at a time; returns
 * how many. The draws may hold their per-level variables in place (src/column-draws.ts): each is gathered as written.
 */
export function writeEffectsDraws(path: string, stored: DrawSet | ColumnDraws, write?: WriteFn): number {
  const draws = 'source' in stored ? stored : allStored(stored);
  const names = storedEffectNames(draws.names);
  const index = new Map(draws.names.map((n, i) => [n, i]));
  const header = Buffer.from(JSON.stringify({ dtype: 'float32', families: familiesOf(names), nChains: draws.nChains, nDraws: draws.nDraws } satisfies Header), 'utf8');
  const pad = (4 - ((MAGIC.length + 4 + header.length) % 4)) % 4;
  const head = Buffer.alloc(MAGIC.length + 4 + header.length + pad);
  head.write(MAGIC, 0, 'ascii');
  head.writeUInt32LE(header.length, MAGIC.length);
  header.copy(head, MAGIC.length + 4);
  const size = draws.nChains * draws.nDraws;
  // blocks of whole variables, about 4 MB each, little-endian whatever the machine
  const perBlock = Math.max(1, Math.floor((1 << 20) / Math.max(1, size)));
  const block = Buffer.alloc(perBlock * size * 4);
  const view = NATIVE_LE ? new Float32Array(block.buffer, block.byteOffset, perBlock * size) : null;
  const scratch = new Float64Array(size);
  const fd = openSync(path, 'w');
  try {
    writeBytesFully(fd, head, write);
    for (let first = 0; first < names.length; first += perBlock) {
      const count = Math.min(perBlock, names.length - first);
      for (let j = 0; j < count; j++) {
        const values = columnVariable(draws, index.get(names[first + j])!, scratch);
        if (view !== null) view.set(values, j * size);
        else for (let i = 0; i < size; i++) block.writeFloatLE(values[i], (j * size + i) * 4);
      }
      writeBytesFully(fd, block.subarray(0, count * size * 4), write);
    }
  } finally {
    closeSync(fd);
  }
  return names.length;
}

/** Where an effects-draws.bin's values are, once its header has been read and checked. */
export interface EffectsDrawsFile {
  readonly path: string;
  /** The stored variables, bracket names, in file order. */
  readonly names: string[];
  readonly nChains: number;
  readonly nDraws: number;
  /** Byte offset of the first value. */
  readonly start: number;
}

/** Bytes read from the file at a time: the values go through this much memory, never through the whole file. */
const READ_BLOCK_BYTES = 1 << 22;

function readAt(fd: number, into: Buffer, position: number): number {
  let got = 0;
  while (got < into.length) {
    const n = readSync(fd, into, got, into.length - got, position + got);
    if (n === 0) break;
    got += n;
  }
  return got;
}

/** Reads and checks effects-draws.bin's header (its shape against the chain CSVs' and its length); no values yet. */
export function openEffectsDraws(path: string, nChains: number, nDraws: number): EffectsDrawsFile {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (e) {
    throw new UserError(`${path}: cannot read the run's group-effect draws (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}); refit with --out`);
  }
  try {
    const damaged = (why: string): UserError => new UserError(`${path}: not a nutmeg effects-draws file (${why}); refit with --out`);
    const size = fstatSync(fd).size;
    const lead = Buffer.alloc(MAGIC.length + 4);
    if (readAt(fd, lead, 0) < lead.length || lead.toString('ascii', 0, MAGIC.length) !== MAGIC) throw damaged('it does not start with NUTMEGD1');
    const n = lead.readUInt32LE(MAGIC.length);
    if (MAGIC.length + 4 + n > size) throw damaged('its header is not JSON');
    const text = Buffer.alloc(n);
    readAt(fd, text, MAGIC.length + 4);
    let header: Header;
    try {
      header = JSON.parse(text.toString('utf8')) as Header;
    } catch {
      throw damaged('its header is not JSON');
    }
    if (header.dtype !== 'float32' || !Array.isArray(header.families)) throw damaged(`dtype ${String(header.dtype)}`);
    const names = namesOf(header.families);
    if (header.nChains !== nChains || header.nDraws !== nDraws) {
      throw damaged(`${header.nChains} chains × ${header.nDraws} draws where the chain CSVs have ${nChains} × ${nDraws}`);
    }
    const start = MAGIC.length + 4 + n + ((4 - ((MAGIC.length + 4 + n) % 4)) % 4);
    const count = names.length * nChains * nDraws;
    if (size !== start + 4 * count) throw damaged(`${size} bytes where its header implies ${start + 4 * count}; it was cut short`);
    return { path, names, nChains, nDraws, start };
  } finally {
    closeSync(fd);
  }
}

/**
 * The values of an opened effects-draws.bin as float64 into `target` (names.length × nChains × nDraws values, the
 * DrawSet order), read a few megabytes at a time: the file is never held whole beside the values.
 */
export function readEffectsValues(file: EffectsDrawsFile, target: Float64Array, blockBytes = READ_BLOCK_BYTES): void {
  const count = file.names.length * file.nChains * file.nDraws;
  if (target.length !== count) throw new Error(`effects draws: ${target.length} places for ${count} values`);
  const block = Buffer.alloc(Math.max(4, Math.min(blockBytes - (blockBytes % 4), 4 * count)));
  const view = NATIVE_LE ? new Float32Array(block.buffer, block.byteOffset, block.length / 4) : null;
  const fd = openSync(file.path, 'r');
  try {
    for (let done = 0; done < count; ) {
      const n = Math.min(block.length / 4, count - done);
      if (readAt(fd, block.subarray(0, 4 * n), file.start + 4 * done) < 4 * n) {
        throw new UserError(`${file.path}: not a nutmeg effects-draws file (it was cut short while being read); refit with --out`);
      }
      if (view !== null) target.set(view.subarray(0, n), done);
      else for (let i = 0; i < n; i++) target[done + i] = block.readFloatLE(4 * i);
      done += n;
    }
  } finally {
    closeSync(fd);
  }
}

/** Reads effects-draws.bin back as a DrawSet (float64 values); checks its shape against the chain CSVs'. */
export function readEffectsDraws(path: string, nChains: number, nDraws: number): DrawSet {
  const file = openEffectsDraws(path, nChains, nDraws);
  const values = new Float64Array(file.names.length * nChains * nDraws);
  readEffectsValues(file, values);
  return { names: file.names, nChains, nDraws, values };
}
