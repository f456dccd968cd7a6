/** The BFGS and log-barrier optimisers behind stacking weights, against R 4's optim(method = "BFGS") and constrOptim
 * on the Rosenbrock function (the examples of ?optim and ?constrOptim; values printed with %.17g by R). */
import { describe, expect, it } from 'vitest';
import { barrierMinimize, variableMetricMinimize } from '../../src/loo/r-bfgs.js';

const fr = (x: Float64Array): number => 100 * (x[1] - x[0] ** 2) ** 2 + (1 - x[0]) ** 2;
const grr = (x: Float64Array, g: Float64Array): void => {
  g[0] = -400 * x[0] * (x[1] - x[0] ** 2) - 2 * (1 - x[0]);
  g[1] = 200 * (x[1] - x[0] ** 2);
};

describe('variableMetricMinimize (R optim BFGS)', () => {
  it('Rosenbrock from (-1.2, 1): same minimiser and the same 110 function / 43 gradient evaluations', () => {
    const r = variableMetricMinimize(fr, grr, Float64Array.from([-1.2, 1]));
    expect(r.x[0]).toBeCloseTo(0.99999999690491403, 12);
    expect(r.x[1]).toBeCloseTo(0.999999993797419, 12);
    expect(r.value).toBeCloseTo(9.5949556437698302e-18, 20);
    expect([r.valueCount, r.gradientCount]).toEqual([110, 43]);
  });
});

const R_BINDING = [0.88913349686083276, 0.78913349685660794];

describe('barrierMinimize (R constrOptim, method BFGS)', () => {
  it('Rosenbrock in x1 ≤ 1, x2 ≥ -1 from (0.5, 0)', () => {
    const ui = Float64Array.from([-1, 0, 0, 1]);
    const x = barrierMinimize(fr, grr, ui, Float64Array.from([-1, -1]), Float64Array.from([0.5, 0]));
    expect(x[0]).toBeCloseTo(0.99997597582391073, 10);
    expect(x[1]).toBeCloseTo(0.99995189106444926, 10);
  });

  it('Rosenbrock in x1 ≤ 0.9, x1 - x2 ≥ 0.1 from (0.5, 0): the constraint binds', () => {
    const ui = Float64Array.from([-1, 0, 1, -1]);
    const x = barrierMinimize(fr, grr, ui, Float64Array.from([-0.9, 0.1]), Float64Array.from([0.5, 0]));
    expect(x[0]).toBeCloseTo(R_BINDING[0], 10);
    expect(x[1]).toBeCloseTo(R_BINDING[1], 10);
  });
});
