import { describe, expect, it } from 'vitest';
import { minimizeLbfgs } from '../../src/optimize/lbfgs.js';

/** Rosenbrock's function, its minimum 0 at (1, 1), and its gradient into g. */
async function rosenbrock(x: Float64Array, g: Float64Array): Promise<number> {
  const [a, b] = x;
  g[0] = -2 * (1 - a) - 400 * a * (b - a * a);
  g[1] = 200 * (b - a * a);
  return (1 - a) ** 2 + 100 * (b - a * a) ** 2;
}

describe('L-BFGS', () => {
  it('finds the minimum of the Rosenbrock function at (1, 1) (closed form)', async () => {
    const result = await minimizeLbfgs(
      rosenbrock,
      new Float64Array([-1.2, 1]),
      { gradTolerance: 1e-10 },
    );
    expect(result.converged).toBe(true);
    expect(Math.abs(result.x[0] - 1)).toBeLessThan(1e-7);
    expect(Math.abs(result.x[1] - 1)).toBeLessThan(1e-7);
  });

  it('ends when stop() says so, after that many accepted steps', async () => {
    let steps = 0;
    const result = await minimizeLbfgs(
      rosenbrock,
      new Float64Array([-1.2, 1]),
      { onIterate: () => void steps++, stop: () => steps > 5 },
    );
    expect(result.reason).toBe('stopped');
    expect(result.converged).toBe(false);
    expect(result.iterations).toBe(5);
  });

  it('solves a 50-dimensional ill-conditioned quadratic: minimiser A^-1 b (closed form)', async () => {
    const n = 50;
    // diagonal A with condition number 1e4, b = 1: minimiser b_i / a_i
    const a = Float64Array.from({ length: n }, (_, i) => 10 ** ((4 * i) / (n - 1)));
    const result = await minimizeLbfgs(
      async (x, g) => {
        let f = 0;
        for (let i = 0; i < n; i++) {
          g[i] = a[i] * x[i] - 1;
          f += 0.5 * a[i] * x[i] * x[i] - x[i];
        }
        return f;
      },
      new Float64Array(n),
      { gradTolerance: 1e-10, maxIterations: 5000 },
    );
    expect(result.converged).toBe(true);
    // f is summed in double precision, so the attainable accuracy is a residual a·x − 1 of about 1e-6
    for (let i = 0; i < n; i++) expect(Math.abs(a[i] * result.x[i] - 1)).toBeLessThan(1e-6);
  });
});
