import { describe, expect, it } from 'vitest';
import { constrain, constrainedDim, constrainedNames, unconstrain, unconstrainedNames } from '../../src/model/layout.js';
import { randomPositions, randomSpec } from '../helpers/specs.js';

describe('parameter layout', () => {
  const spec = randomSpec('crossed', { n: 50 });

  it('names every coordinate in the documented convention', () => {
    const u = unconstrainedNames(spec);
    expect(u.length).toBe(spec.dim);
    expect(u.slice(0, 5)).toEqual(['b_Intercept', 'b_treatment', 'b_x1', 'b_x2', 'sd_segment__treatment']);
    expect(u[5]).toBe('z_segment__treatment[1]');
    expect(u).toContain('r_zip__Intercept[3]'); // centered terms carry r directly
    const c = constrainedNames(spec);
    expect(c.length).toBe(constrainedDim(spec));
    expect(c.filter((n) => n.startsWith('r_')).length).toBe(7 + 3 + 5 + 5); // r for every term, always
    expect(c.filter((n) => n.startsWith('z_')).length).toBe(7 + 5); // z only for the non-centered terms
  });

  it('constrain: sd = exp(u), r = sd · z for non-centered terms (definition in spec.ts)', () => {
    const theta = randomPositions(spec, 1, 3);
    const out = new Float64Array(constrainedDim(spec));
    constrain(spec, theta, out);
    const names = constrainedNames(spec);
    const term = spec.terms[0];
    const sd = out[names.indexOf('sd_segment__treatment')];
    expect(sd).toBeCloseTo(Math.exp(theta[term.sdIndex]), 14);
    expect(out[names.indexOf('r_segment__treatment[4]')]).toBeCloseTo(sd * theta[term.offset + 3], 14);
    expect(out[names.indexOf('r_zip__Intercept[2]')]).toBe(theta[spec.terms[1].offset + 1]);
  });

  it('unconstrain inverts constrain', () => {
    const theta = randomPositions(spec, 1, 5);
    const out = new Float64Array(constrainedDim(spec));
    constrain(spec, theta, out);
    const back = new Float64Array(spec.dim);
    unconstrain(spec, out, back);
    for (let j = 0; j < spec.dim; j++) expect(back[j]).toBeCloseTo(theta[j], 13);
  });
});
