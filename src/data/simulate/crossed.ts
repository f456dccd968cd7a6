/**
 * A crossed logistic data set with known truth, student × instructor style (issue 16: the shape of lme4's InstEval,
 * 2,972 students × 1,128 instructors on 73,421 ratings, with a binary outcome): every row is one student's course
 * with one instructor, both drawn uniformly at random, so each student meets about 33 instructors and each
 * instructor about 100 students at the default size, and the two grouping factors are crossed, not nested.
 *
 * Columns: student (s0001 … s3000), instructor (i0001 … i1000), prior_score (a standardised score, Normal(0, 1)
 * rounded to 3 decimals), online (0/1, 30% of rows), passed (0/1).
 *
 * Model (logit link):
 *   logit P(passed) = b_Intercept + b_prior_score · prior_score + b_online · online
 *                     + r_student__Intercept[student] + r_instructor__Intercept[instructor]
 *   r_student__Intercept[k] ~ Normal(0, sd_student__Intercept), r_instructor__Intercept[k] ~ Normal(0, sd_instructor__Intercept)
 * with the names nutmeg gives CROSSED_FORMULA. `truth` holds the three coefficients, the two sds, and every level's
 * effect as drawn (r_student__Intercept[k], k = 1 … levels, in the levels' sorted order, which is their number order).
 *
 * The level counts scale with the rows (3 students and 1 instructor per 100 rows, at least 2 each), so that a small
 * `--rows` keeps the default's ~33 and ~100 rows per level.
 */
import { sigmoid } from '../../numeric/logistic.js';
import { stream } from '../../rng.js';
import { categoricalColumn, frameFromColumns, numericColumn } from '../frame-build.js';
import { round } from './draw.js';
import type { SimulateOptions, Simulated } from './types.js';

export const CROSSED_ROWS = 100_000;
const STUDENTS_PER_ROW = 0.03;
const INSTRUCTORS_PER_ROW = 0.01;
const ONLINE_RATE = 0.3;

const COEFFICIENTS = { b_Intercept: 0.4, b_prior_score: 0.5, b_online: -0.3 } as const;
const SD_STUDENT = 0.6;
const SD_INSTRUCTOR = 0.35;

/** The generating model as a formula; its parameters are the keys of `truth`. */
export const CROSSED_FORMULA = 'passed ~ prior_score + online + (1 | student) + (1 | instructor)';

/** Level names prefix0001 … prefixK, zero-padded so that sorted order is number order. */
function levelNames(prefix: string, k: number): string[] {
  const width = Math.max(4, String(k).length);
  return Array.from({ length: k }, (_, i) => prefix + String(i + 1).padStart(width, '0'));
}

/** The crossed student × instructor table (100,000 rows, 3,000 × 1,000 levels by default). */
export function simulateCrossed(options: SimulateOptions): Simulated {
  const n = options.n ?? CROSSED_ROWS;
  if (!Number.isInteger(n) || n < 1) throw new Error(`simulateCrossed: n = ${n} must be a positive integer`);
  const students = Math.max(2, Math.round(n * STUDENTS_PER_ROW));
  const instructors = Math.max(2, Math.round(n * INSTRUCTORS_PER_ROW));
  const rng = stream(options.seed, 0);
  const rStudent = new Float64Array(students);
  const rInstructor = new Float64Array(instructors);
  for (let k = 0; k < students; k++) rStudent[k] = SD_STUDENT * rng.normal();
  for (let k = 0; k < instructors; k++) rInstructor[k] = SD_INSTRUCTOR * rng.normal();
  const student = new Uint32Array(n);
  const instructor = new Uint32Array(n);
  const score = new Float64Array(n);
  const online = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    student[i] = rng.int(students);
    instructor[i] = rng.int(instructors);
    score[i] = round(rng.normal(), 3);
    online[i] = rng.bernoulli(ONLINE_RATE);
  }
  const outcomes = stream(options.seed, 1);
  const passed = new Float64Array(n);
  const b = COEFFICIENTS;
  for (let i = 0; i < n; i++) {
    const eta = b.b_Intercept + b.b_prior_score * score[i] + b.b_online * online[i] + rStudent[student[i]] + rInstructor[instructor[i]];
    passed[i] = outcomes.bernoulli(sigmoid(eta));
  }
  const truth: Record<string, number> = {
    ...COEFFICIENTS,
    sd_student__Intercept: SD_STUDENT,
    sd_instructor__Intercept: SD_INSTRUCTOR,
  };
  rStudent.forEach((r, k) => (truth[`r_student__Intercept[${k + 1}]`] = r));
  rInstructor.forEach((r, k) => (truth[`r_instructor__Intercept[${k + 1}]`] = r));
  const frame = frameFromColumns(
    [
      categoricalColumn('student', student, levelNames('s', students)),
      categoricalColumn('instructor', instructor, levelNames('i', instructors)),
      numericColumn('prior_score', score),
      numericColumn('online', online),
      numericColumn('passed', passed),
    ],
    `simulated crossed student × instructor (seed ${options.seed})`,
  );
  return { frame, truth };
}
