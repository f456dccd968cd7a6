/**
 * groupIndex (src/model/recipe.ts) with 100,000 levels: rows map to their levels (and unseen ones to NEW_LEVEL)
 * with lookups built once (indexOf per level made it quadratic — about 8 s for this recipe, per `nutmeg serve`
 * request). The mapping is checked here; its speed is a benchmark's business, not a unit test's (no timing bound).
 */
import { describe, expect, it } from 'vitest';
import { categoricalColumn, frameFromColumns } from '../../src/data/frame-build.js';
import { NEW_LEVEL, groupIndex, type GroupRecipe } from '../../src/model/recipe.js';

describe('groupIndex with 100,000 levels', () => {
  it('maps every row to its level, and an unseen level to NEW_LEVEL', () => {
    const K = 100_000;
    const levels = Array.from({ length: K }, (_, k) => `L${k}`);
    const group: GroupRecipe = { name: 'g', columns: ['g'], levels, levelParts: levels.map((l) => [l]) };
    const rowLevels = ['L99999', 'L0', 'unseen', 'L31415'];
    const frame = frameFromColumns([categoricalColumn('g', Uint32Array.from([0, 1, 2, 3]), rowLevels)], 'test');
    const index = groupIndex(group, frame, 'test');
    expect(Array.from(index)).toEqual([99_999, 0, NEW_LEVEL, 31_415]);
  });
});
