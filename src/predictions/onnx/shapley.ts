/**
 * Shapley values of a value function v(S) = f(x with features outside S set to the baseline).
 * Exact: every coalition evaluated in one batch, φᵢ = Σ_S |S|!(F−|S|−1)!/F! · (v(S∪{i}) − v(S)).
 * Sampled: for each random permutation, features are switched from baseline to x one by one and each
 * feature is credited with the change it causes; averaged over permutations.
 */
import { rng } from '../../platform/random';

export type ValueFunction = (rows: Float64Array, count: number) => Promise<Float64Array>;

export interface ShapleyResult {
  phi: number[];
  full: number;
  empty: number;
  evaluations: number;
}

export async function exactShapley(value: ValueFunction, x: number[], baseline: number[]): Promise<ShapleyResult> {
  const f = x.length;
  const count = 1 << f;
  const rows = new Float64Array(count * f);
  for (let s = 0; s < count; s++) for (let i = 0; i < f; i++) rows[s * f + i] = s & (1 << i) ? x[i] : baseline[i];
  const v = await value(rows, count);
  const factorial = [1];
  for (let k = 1; k <= f; k++) factorial[k] = factorial[k - 1] * k;
  const phi = new Array<number>(f).fill(0);
  for (let s = 0; s < count; s++) {
    const size = popcount(s);
    for (let i = 0; i < f; i++) {
      if (s & (1 << i)) continue;
      const weight = (factorial[size] * factorial[f - size - 1]) / factorial[f];
      phi[i] += weight * (v[s | (1 << i)] - v[s]);
    }
  }
  return { phi, full: v[count - 1], empty: v[0], evaluations: count };
}

export async function sampledShapley(value: ValueFunction, x: number[], baseline: number[], permutations: number, seed: string): Promise<ShapleyResult> {
  const f = x.length;
  const random = rng(hash(seed));
  const orders: number[][] = [];
  const rows = new Float64Array(permutations * (f + 1) * f);
  for (let p = 0; p < permutations; p++) {
    const order = Array.from({ length: f }, (_, i) => i);
    for (let i = f - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [order[i], order[j]] = [order[j], order[i]];
    }
    orders.push(order);
    const current = [...baseline];
    for (let k = 0; k <= f; k++) {
      if (k > 0) current[order[k - 1]] = x[order[k - 1]];
      rows.set(current, (p * (f + 1) + k) * f);
    }
  }
  const v = await value(rows, permutations * (f + 1));
  const phi = new Array<number>(f).fill(0);
  orders.forEach((order, p) => {
    for (let k = 1; k <= f; k++) phi[order[k - 1]] += (v[p * (f + 1) + k] - v[p * (f + 1) + k - 1]) / permutations;
  });
  return { phi, full: v[f], empty: v[0], evaluations: permutations * (f + 1) };
}

function popcount(n: number): number {
  let c = 0;
  for (; n; n &= n - 1) c++;
  return c;
}

function hash(s: string): number {
  let h = 2166136261;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619);
  return h >>> 0;
}
