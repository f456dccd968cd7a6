/**
 * Work arrays of the diagnostics, owned by the caller: a summary (or a worker thread's share of one) makes one
 * `DiagnosticsWorkspace` and passes it down to every statistic it computes, so nothing is kept between calls at module
 * level and two computations with workspaces of their own never share memory (worker threads, `nutmeg serve`, the
 * browser build). Every variable of a fit has the same number of draws, so an array made for the first variable
 * serves all the others: a slot's value is made on first use and kept while its size stays the same.
 *
 * A function that takes a workspace may use its slots only until it returns, and must not pass a slot's array to a
 * callee that uses the same slot; contents are not cleared between uses.
 */

/** A named kind of work value, made by `make(n)` for size n. */
export interface WorkSlot<T> {
  readonly name: string;
  readonly make: (n: number) => T;
  /** 'last': one value, remade when the size changes; 'each': one value per size asked for (e.g. FFT plans). */
  readonly keep: 'last' | 'each';
}

/** A slot that keeps its value for the last size asked for. */
export function workSlot<T>(name: string, make: (n: number) => T): WorkSlot<T> {
  return { name, make, keep: 'last' };
}

/** A slot that keeps one value per size (for values that are costly to make and used at a few sizes in turn). */
export function workSlotPerSize<T>(name: string, make: (n: number) => T): WorkSlot<T> {
  return { name, make, keep: 'each' };
}

/** A Float64Array slot. */
export function float64Slot(name: string): WorkSlot<Float64Array> {
  return workSlot(name, (n) => new Float64Array(n));
}

/** A Uint32Array slot. */
export function uint32Slot(name: string): WorkSlot<Uint32Array> {
  return workSlot(name, (n) => new Uint32Array(n));
}

interface Held {
  n: number;
  value: unknown;
}

export class DiagnosticsWorkspace {
  private readonly last = new Map<WorkSlot<unknown>, Held>();
  private readonly each = new Map<WorkSlot<unknown>, Map<number, unknown>>();

  /** The slot's value for size n: the one made earlier for n when there is one, else a new one. */
  get<T>(slot: WorkSlot<T>, n: number): T {
    if (slot.keep === 'each') {
      let bySize = this.each.get(slot);
      if (bySize === undefined) {
        bySize = new Map();
        this.each.set(slot, bySize);
      }
      let value = bySize.get(n) as T | undefined;
      if (value === undefined) {
        value = slot.make(n);
        bySize.set(n, value);
      }
      return value;
    }
    const held = this.last.get(slot);
    if (held !== undefined && held.n === n) return held.value as T;
    const value = slot.make(n);
    if (held === undefined) this.last.set(slot, { n, value });
    else {
      held.n = n;
      held.value = value;
    }
    return value;
  }
}
