/**
 * Where results go: checks of an output path made before any work starts (so a fit is never run only to fail at
 * the end), and a directory written atomically — filled as a hidden temporary directory beside the target, then
 * renamed into place — so a reader never sees a half-written run or chain files left from an older one.
 */
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, renameSync, rmSync, rmdirSync, readdirSync, statSync, writeSync, type Stats } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { UserError } from '../errors.js';

/** Writes bytes to a file descriptor, as fs.writeSync(fd, buffer, offset, length): may write fewer; returns how many. */
export type WriteFn = (fd: number, buffer: Uint8Array, offset: number, length: number) => number;

const defaultWrite: WriteFn = (fd, buffer, offset, length) => writeSync(fd, buffer, offset, length);

/**
 * Writes all of `text` to fd, looping over partial writes (write(2) may write fewer bytes than asked, e.g. just
 * before the disk fills; fs.writeSync does not retry). A write that makes no progress is an EIO error.
 */
export function writeFully(fd: number, text: string, write: WriteFn = defaultWrite): void {
  writeBytesFully(fd, Buffer.from(text, 'utf8'), write);
}

/** writeFully for bytes. */
export function writeBytesFully(fd: number, bytes: Uint8Array, write: WriteFn = defaultWrite): void {
  let offset = 0;
  while (offset < bytes.length) {
    const n = write(fd, bytes, offset, bytes.length - offset);
    if (!(n > 0)) {
      const e = new Error(`EIO: input/output error, write made no progress (${offset} of ${bytes.length} bytes written)`) as NodeJS.ErrnoException;
      e.code = 'EIO';
      throw e;
    }
    offset += n;
  }
}

/** Writes a whole file through writeFully (path opened for writing, truncated). */
export function writeFileFully(path: string, text: string, write?: WriteFn): void {
  const fd = openSync(path, 'w');
  try {
    writeFully(fd, text, write);
  } finally {
    closeSync(fd);
  }
}

/** "ENOSPC: no space left on device" from a Node system error ("ENOSPC: no space left on device, write"). */
export function systemReason(e: unknown): string {
  const err = e as NodeJS.ErrnoException;
  const message = typeof err?.message === 'string' ? err.message.split('\n')[0] : String(e);
  if (err?.code && message.startsWith(`${err.code}:`)) return message.split(',')[0];
  return err?.code ? `${err.code}: ${message}` : message;
}

function statOrNull(path: string): Stats | null {
  try {
    return statSync(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return null;
    if (code === 'ENOTDIR') return null; // a parent is a file: reported by the ancestor walk
    throw e;
  }
}

/** The nearest ancestor of `path` that exists (path itself excluded), and what it is. */
function nearestExisting(path: string): { path: string; stat: Stats } {
  let p = dirname(path);
  for (;;) {
    const st = statOrNull(p);
    if (st) return { path: p, stat: st };
    const up = dirname(p);
    if (up === p) throw new UserError(`cannot find any existing folder above ${path}`);
    p = up;
  }
}

/** Proves that entries can be created in `folder` by creating and removing a hidden directory there. */
function probeWritable(folder: string, flag: string, given: string): void {
  let probe: string;
  try {
    probe = mkdtempSync(join(folder, '.nutmeg-probe-'));
  } catch (e) {
    throw new UserError(`${flag} ${given}: cannot create files in ${folder} (${systemReason(e)}); pick a folder you can write to`);
  }
  rmdirSync(probe);
}

function kindOf(st: Stats): string {
  if (st.isFile()) return 'a file';
  if (st.isCharacterDevice() || st.isBlockDevice()) return 'a device';
  if (st.isFIFO()) return 'a pipe';
  if (st.isSocket()) return 'a socket';
  return 'not a directory';
}

export interface OutDirOptions {
  /** The flag named in messages. Default "--out". */
  readonly flag?: string;
  /** Replace an existing non-empty directory. */
  readonly overwrite?: boolean;
  /**
   * Files of which one must be in an existing non-empty directory for overwrite to replace it (fit.json for a run),
   * so that --overwrite never deletes a folder nutmeg did not write.
   */
  readonly marker?: readonly string[];
}

/**
 * Checks, before any work, that a run directory can be written at `path`: it is absent, an empty directory, or (with
 * overwrite) a directory; no part of the way is a file; and its folder accepts new entries (proved by creating one,
 * which catches permissions, read-only file systems and pseudo-file systems such as /proc alike). Returns the
 * absolute path; throws a UserError otherwise.
 */
export function checkOutDir(path: string, options: OutDirOptions = {}): string {
  const flag = options.flag ?? '--out';
  const dir = resolve(path);
  const st = statOrNull(dir);
  if (st && !st.isDirectory()) {
    throw new UserError(`${flag} ${path}: is ${kindOf(st)}, not a directory; give the path of a new or empty directory`);
  }
  const entries = st ? readdirSync(dir) : [];
  if (entries.length > 0 && !options.overwrite) {
    throw new UserError(
      `${flag} ${path}: the directory exists and is not empty; pass --overwrite to replace it, or pick another directory`,
    );
  }
  const marker = options.marker ?? ['fit.json'];
  if (entries.length > 0 && !marker.some((m) => entries.includes(m))) {
    throw new UserError(
      `${flag} ${path}: the directory is not empty and holds no ${marker.join(' or ')}, so it is not nutmeg output; ` +
        '--overwrite replaces only a folder nutmeg wrote: pick another directory',
    );
  }
  const parent = st ? { path: dirname(dir), stat: statSync(dirname(dir)) } : nearestExisting(dir);
  if (!parent.stat.isDirectory()) {
    throw new UserError(`${flag} ${path}: ${parent.path} is ${kindOf(parent.stat)}, not a directory; give a path inside a directory`);
  }
  if (dirname(dir) === dir) throw new UserError(`${flag} ${path}: cannot write a run over the root directory`);
  probeWritable(parent.path, flag, path);
  return dir;
}

/**
 * Checks, before any work, that a single output file can be written at `path` (--report, score --out): not a
 * directory, its folder exists and accepts new files. An existing file is replaced; an existing device or pipe
 * (/dev/stdout) is written to as it is. Returns the absolute path.
 */
export function checkOutFile(path: string, flag: string): string {
  const file = resolve(path);
  const st = statOrNull(file);
  if (st?.isDirectory()) throw new UserError(`${flag} ${path}: is a directory; give a file name, e.g. ${join(path, 'out' + (flag === '--report' ? '.html' : '.csv'))}`);
  const folder = dirname(file);
  const fst = statOrNull(folder);
  if (!fst) {
    const up = nearestExisting(folder);
    if (!up.stat.isDirectory()) throw new UserError(`${flag} ${path}: ${up.path} is ${kindOf(up.stat)}, not a directory; give a path inside a directory`);
    throw new UserError(`${flag} ${path}: the folder ${folder} does not exist; create it or give another path`);
  }
  if (!fst.isDirectory()) throw new UserError(`${flag} ${path}: ${folder} is ${kindOf(fst)}, not a directory; give a path inside a directory`);
  if (st && !st.isFile()) return file; // a device or pipe: nothing to create beside it
  probeWritable(folder, flag, path);
  return file;
}

/**
 * A directory being written: `temp` (hidden, beside the target, same file system so the final rename is atomic)
 * until commit() moves it to `dir`.
 */
export interface StagedDir {
  readonly dir: string;
  readonly temp: string;
  /** Renames temp to dir; an existing dir is first renamed away, then removed. */
  commit(): void;
  /** Removes temp (after a failure that leaves nothing worth keeping). */
  discard(): void;
}

/** `.NAME.tag-<pid>-<random>` in dir's folder: hidden, unique, on the same file system as dir. */
function hiddenSibling(dir: string, tag: string): string {
  return join(dirname(dir), `.${basename(dir)}.${tag}-${process.pid}-${process.getBuiltinModule('node:crypto').randomBytes(4).toString('hex')}`);
}

/**
 * After a failed write into a staged run directory: marks the files kept in `temp` with a fit.json that says the
 * run is incomplete and why (when it still fits; a half-written fit.json is removed so that no reader trips on it),
 * and returns the one-line UserError naming where the partial run is.
 */
export function stagedWriteFailure(flag: string, dir: string, temp: string, error: unknown, meta: object, write?: WriteFn): UserError {
  const reason = systemReason(error);
  let marked = true;
  try {
    writeFileFully(join(temp, 'fit.json'), JSON.stringify({ ...meta, incomplete: true, writeError: reason }, null, 2) + '\n', write);
  } catch {
    marked = false;
    rmSync(join(temp, 'fit.json'), { force: true });
  }
  return new UserError(
    `${flag} ${dir}: writing the run failed (${reason}); ${dir} was left as it was, and what was written is kept in ` +
      `${temp}${marked ? ' (fit.json marked incomplete)' : ' (possibly cut short; fit.json could not be written)'}`,
  );
}

/** Creates the temporary directory for a run to be written at `dir` (its folder is created if missing). */
export function stageDir(dir: string, flag = '--out'): StagedDir {
  let temp: string;
  try {
    mkdirSync(dirname(dir), { recursive: true });
    temp = hiddenSibling(dir, 'tmp');
    // mkdir, not mkdtemp: the run keeps the usual permissions (umask), not mkdtemp's owner-only 0700
    mkdirSync(temp);
  } catch (e) {
    throw new UserError(`${flag} ${dir}: cannot create a directory beside it (${systemReason(e)})`);
  }
  return {
    dir,
    temp,
    commit() {
      let old: string | null = null;
      try {
        if (existsSync(dir)) {
          // rename(2) cannot replace a non-empty directory: move the old one aside first, so a reader sees either
          // the old run or the new one, never a mixture
          old = hiddenSibling(dir, 'old');
          renameSync(dir, old);
        }
        renameSync(temp, dir);
      } catch (e) {
        if (old !== null && !existsSync(dir)) renameSync(old, dir);
        throw new UserError(`${flag} ${dir}: cannot move the finished run into place (${systemReason(e)}); it is kept in ${temp}`);
      }
      if (old !== null) rmSync(old, { recursive: true, force: true });
    },
    discard() {
      rmSync(temp, { recursive: true, force: true });
    },
  };
}
