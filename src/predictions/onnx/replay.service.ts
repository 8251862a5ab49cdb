/**
 * Replay and explanation of a logged prediction with the exact model version artifact (ONNX Runtime, CPU).
 *
 * Explanations are Shapley values of the first output value against one baseline row ("interventional"
 * Shapley): exact over all 2^F coalitions up to 10 features (one batched evaluation), estimated by
 * seeded permutation sampling above that. They sum to f(x) − f(baseline).
 */
import { Inject, Injectable } from '@nestjs/common';
import { InferenceSession, Tensor } from 'onnxruntime-node';
import { CONFIG, PedigreeConfig } from '../../platform/config/config';
import { InvalidInputError } from '../../platform/errors/errors';
import { PredictionQueryService } from '../prediction-query.service';
import { ExplainArgs, PredictionExplanation, PredictionRecord, PredictionReplay } from '../prediction.types';
import { ArtifactRef, OnnxArtifacts } from './artifacts';
import { feedsFor, featureRow, inputSpecs, makeTensor, numbersOf, tensorToJson } from './tensors';
import { exactShapley, sampledShapley, ValueFunction } from './shapley';

export interface ModelVersionInfo extends ArtifactRef {
  id: string;
  properties: Record<string, unknown>;
}

const EXACT_MAX_FEATURES = 10;
const LIMITS =
  'Attributions explain f(x) − f(baseline) for one baseline row. Features are replaced independently of each other, so with correlated features ' +
  'the model is evaluated on combinations it may never have seen; only the first value of the first output is explained; interactions are split evenly ' +
  'between the features involved.';

function parse(text: string | null): unknown {
  return text === null ? null : JSON.parse(text);
}

function featureNamesOf(mv: ModelVersionInfo): string[] | null {
  const names = mv.properties?.featureNames;
  return Array.isArray(names) && names.every((n) => typeof n === 'string') ? (names as string[]) : null;
}

@Injectable()
export class ReplayService {
  private readonly artifacts: OnnxArtifacts;

  constructor(
    @Inject(CONFIG) config: PedigreeConfig,
    private readonly predictions: PredictionQueryService,
  ) {
    this.artifacts = new OnnxArtifacts(config.predictions.artifactRoots);
  }

  async replay(record: PredictionRecord, mv: ModelVersionInfo, tolerance: number): Promise<PredictionReplay> {
    if (record.inputText === null) {
      throw new InvalidInputError(`Prediction ${record.id} has no stored input (its deployment keeps only hashes, or none was sent); it cannot be replayed.`);
    }
    const session = await this.artifacts.session(mv);
    const feeds = feedsFor(parse(record.inputText), inputSpecs(session), featureNamesOf(mv));
    const result = await session.run(feeds);
    const newOutput = Object.fromEntries(session.outputNames.map((n) => [n, tensorToJson(result[n])]));
    const logged = parse(record.outputText);
    const notes: string[] = [];
    let diff = Infinity;
    if (logged === null) notes.push('No output was logged; there is nothing to compare with.');
    else {
      const pairs = this.comparable(logged, newOutput, session.outputNames);
      if (!pairs) notes.push('The logged output is not numeric or does not match the model outputs; compared nothing.');
      else if (pairs.logged.length !== pairs.fresh.length) notes.push(`The logged output has ${pairs.logged.length} values; the replay produced ${pairs.fresh.length}.`);
      else {
        diff = pairs.logged.reduce((m, v, i) => Math.max(m, Math.abs(v - pairs.fresh[i])), 0);
        notes.push(`Compared ${pairs.logged.length} value(s) of ${pairs.names.join(', ')}.`);
      }
    }
    const reproducible = Number.isFinite(diff) && diff <= tolerance;
    if (Number.isFinite(diff) && !reproducible) notes.push(`The largest difference, ${diff}, is above the tolerance ${tolerance}.`);
    return {
      predictionId: record.id,
      artifactSha256: mv.artifactSha256!.toLowerCase(),
      loggedOutput: logged,
      newOutput,
      maxAbsDifference: Number.isFinite(diff) ? diff : -1,
      tolerance,
      reproducible,
      notes,
      modelVersionId: mv.id,
    };
  }

  /** Logged values against the fresh ones: by output name when the log is keyed so, else the first output. */
  private comparable(logged: unknown, fresh: Record<string, unknown>, names: readonly string[]) {
    if (logged && typeof logged === 'object' && !Array.isArray(logged) && names.some((n) => n in (logged as object))) {
      const used = names.filter((n) => n in (logged as object));
      const l = used.map((n) => numbersOf((logged as Record<string, unknown>)[n]));
      if (l.some((x) => x === null)) return null;
      return { names: used, logged: l.flatMap((x) => x!), fresh: used.flatMap((n) => numbersOf(fresh[n]) ?? []) };
    }
    const l = numbersOf(logged);
    return l ? { names: [names[0]], logged: l, fresh: numbersOf(fresh[names[0]]) ?? [] } : null;
  }

  async explain(record: PredictionRecord, mv: ModelVersionInfo, args: ExplainArgs): Promise<PredictionExplanation> {
    if (record.inputText === null) throw new InvalidInputError(`Prediction ${record.id} has no stored input; it cannot be explained.`);
    const session = await this.artifacts.session(mv);
    const specs = inputSpecs(session);
    const names = featureNamesOf(mv);
    const row = specs.length === 1 && specs[0].shape.length === 2 ? featureRow(parse(record.inputText), names) : null;
    if (!row) {
      throw new InvalidInputError('Explanations cover tabular models: one input of shape [batch, features] and a logged input that is one row of features.');
    }
    const f = row.length;
    let baseline = args.baseline;
    let baselineSource = 'given';
    if (baseline) {
      if (baseline.length !== f) throw new InvalidInputError(`baseline has ${baseline.length} values; the model has ${f} features.`);
    } else {
      const others = (await this.predictions.recentInputs(record)).map((t) => featureRow(JSON.parse(t), names)).filter((r) => r?.length === f) as number[][];
      baseline = others.length ? row.map((_, i) => others.reduce((s, r) => s + r[i], 0) / others.length) : row.map(() => 0);
      baselineSource = others.length ? `mean of ${others.length} other logged inputs of this model version` : 'zeros (no other logged inputs)';
    }
    const value = this.valueFunction(session, specs[0], f);
    const exact = f <= EXACT_MAX_FEATURES;
    const shap = exact ? await exactShapley(value, row, baseline) : await sampledShapley(value, row, baseline, args.samples, record.id);
    return {
      predictionId: record.id,
      output: session.outputNames[0],
      method: exact
        ? `Exact Shapley values over all ${2 ** f} coalitions of ${f} features, absent features set to the baseline (interventional Shapley), computed with ONNX Runtime.`
        : `Shapley values estimated from ${args.samples} random feature permutations (seeded by the prediction id, so repeatable), absent features set to the baseline.`,
      limits: exact ? LIMITS : `${LIMITS} Sampled values carry Monte-Carlo error that shrinks as 1/√samples.`,
      baselineSource,
      predictedValue: shap.full,
      baselineValue: shap.empty,
      attributions: row.map((v, i) => ({ index: i, feature: names?.[i] ?? `x[${i}]`, value: v, baseline: baseline![i], attribution: shap.phi[i] })),
      evaluations: shap.evaluations,
    };
  }

  /** Evaluates the model on many rows at once; the first value of the first output per row. */
  private valueFunction(session: InferenceSession, spec: ReturnType<typeof inputSpecs>[number], f: number): ValueFunction {
    const fixedBatch = typeof spec.shape[0] === 'number' && spec.shape[0] > 0 ? spec.shape[0] : null;
    return async (rows: Float64Array, count: number) => {
      const out = new Float64Array(count);
      const step = fixedBatch === 1 ? 1 : count;
      for (let start = 0; start < count; start += step) {
        const n = Math.min(step, count - start);
        const tensor = makeTensor(spec, rows.subarray(start * f, (start + n) * f), [n, f]);
        const result = await session.run({ [spec.name]: tensor });
        const first = result[session.outputNames[0]] as Tensor;
        const perRow = Number(first.size) / n;
        const data = first.data as ArrayLike<number | bigint>;
        for (let k = 0; k < n; k++) out[start + k] = Number(data[k * perRow]);
      }
      return out;
    };
  }
}
