/**
 * What the customer-lifetime-value models see of each customer, in the calibration period: the number of repeat
 * purchases x, the time of the last one t_x and the customer's age T (both from the first purchase, in weeks), and the
 * mean spend of the repeat purchases (0 where x = 0). Built from transactions by src/analyses/clv/rfm.ts.
 */
export interface RfmData {
  /** Customers. */
  readonly n: number;
  /** Repeat purchases x (purchase days after the first). */
  readonly frequency: Uint32Array;
  /** t_x: weeks from the first purchase to the last (0 where x = 0). */
  readonly recency: Float64Array;
  /** T: weeks from the first purchase to the end of the calibration period. */
  readonly age: Float64Array;
  /** Mean spend of the x repeat purchases (0 where x = 0). */
  readonly meanSpend: Float64Array;
}

/** Customers grouped by their repeat-purchase count x: the terms of both likelihoods that depend on x alone. */
export interface FrequencyGroups {
  /** Distinct x values, ascending. */
  readonly values: Float64Array;
  /** Customers with each x. */
  readonly counts: Float64Array;
  /** Group index of every customer. */
  readonly groupOf: Uint32Array;
}

export function frequencyGroups(frequency: Uint32Array): FrequencyGroups {
  let max = 0;
  for (let i = 0; i < frequency.length; i++) if (frequency[i] > max) max = frequency[i];
  const byValue = new Int32Array(max + 1).fill(-1);
  for (let i = 0; i < frequency.length; i++) byValue[frequency[i]] = 0;
  let k = 0;
  for (let x = 0; x <= max; x++) if (byValue[x] === 0) byValue[x] = k++;
  const values = new Float64Array(k);
  const counts = new Float64Array(k);
  const groupOf = new Uint32Array(frequency.length);
  for (let x = 0; x <= max; x++) if (byValue[x] >= 0) values[byValue[x]] = x;
  for (let i = 0; i < frequency.length; i++) {
    const g = byValue[frequency[i]];
    groupOf[i] = g;
    counts[g] += 1;
  }
  return { values, counts, groupOf };
}
