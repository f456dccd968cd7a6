/** Write functions (src/io/out-target.ts WriteFn) that fail as a disk does, for the tests of a run's atomic save. */
import { writeSync } from 'node:fs';
import type { WriteFn } from '../../src/io/out-target.js';

/** The first write fails with EIO; every later one (fit.json's) succeeds. */
export function failFirstWrite(): WriteFn {
  let calls = 0;
  return (fd, buffer, offset, length) => {
    if (calls++ === 0) {
      const e = new Error('EIO: i/o error, write') as NodeJS.ErrnoException;
      e.code = 'EIO';
      throw e;
    }
    return writeSync(fd, buffer, offset, length);
  };
}
