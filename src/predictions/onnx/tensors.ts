/**
 * Logged JSON ↔ ONNX tensors. An input is either an object of ONNX input name → (nested) array, or — for a
 * model with one input — the (nested) array itself, a flat row of features, or an object of feature name →
 * number ordered by the model version's `properties.featureNames`. Outputs compare value by value.
 */
import { InferenceSession, Tensor } from 'onnxruntime-node';
import { InvalidInputError } from '../../platform/errors/errors';

type Numeric = 'float32' | 'float64' | 'int32' | 'int64';
const NUMERIC: Numeric[] = ['float32', 'float64', 'int32', 'int64'];

export interface InputSpec {
  name: string;
  type: Numeric;
  shape: (number | string)[];
}

export function inputSpecs(session: InferenceSession): InputSpec[] {
  return session.inputMetadata.map((m) => {
    if (!m.isTensor || !NUMERIC.includes(m.type as Numeric)) {
      throw new InvalidInputError(`Model input ${m.name} is not a numeric tensor (${m.isTensor ? m.type : 'not a tensor'}); replay supports numeric tensors.`);
    }
    return { name: m.name, type: m.type as Numeric, shape: [...m.shape] };
  });
}

function flatten(value: unknown, where: string): { data: number[]; shape: number[] } {
  if (typeof value === 'number') return { data: [value], shape: [] };
  if (!Array.isArray(value)) throw new InvalidInputError(`${where} must be a number or a (nested) array of numbers.`);
  const parts = value.map((v, i) => flatten(v, `${where}[${i}]`));
  const inner = parts[0]?.shape ?? [];
  if (parts.some((p) => p.shape.join() !== inner.join())) throw new InvalidInputError(`${where} is a ragged array.`);
  return { data: parts.flatMap((p) => p.data), shape: [value.length, ...inner] };
}

export function makeTensor(spec: InputSpec, data: ArrayLike<number>, shape: number[]): Tensor {
  switch (spec.type) {
    case 'float32':
      return new Tensor('float32', Float32Array.from(data), shape);
    case 'float64':
      return new Tensor('float64', Float64Array.from(data), shape);
    case 'int32':
      return new Tensor('int32', Int32Array.from(data), shape);
    case 'int64':
      return new Tensor('int64', BigInt64Array.from(Array.from(data, (v) => BigInt(Math.round(v)))), shape);
  }
}

function adaptShape(spec: InputSpec, shape: number[]): number[] {
  // A row sent without its batch dimension gets one.
  const out = [...shape];
  while (out.length < spec.shape.length) out.unshift(1);
  if (out.length !== spec.shape.length) throw new InvalidInputError(`Input ${spec.name} has rank ${shape.length}; the model expects ${spec.shape.length}.`);
  spec.shape.forEach((d, i) => {
    if (typeof d === 'number' && d > 0 && d !== out[i]) {
      throw new InvalidInputError(`Input ${spec.name} has shape [${out.join(', ')}]; the model expects [${spec.shape.join(', ')}].`);
    }
  });
  return out;
}

/** The feature row (numbers) of a logged input for a single-input model. */
export function featureRow(input: unknown, featureNames: string[] | null): number[] | null {
  if (Array.isArray(input)) {
    const { data, shape } = flatten(input, 'input');
    return shape.length === 1 || (shape.length === 2 && shape[0] === 1) ? data : null;
  }
  if (input && typeof input === 'object' && featureNames) {
    const record = input as Record<string, unknown>;
    if (featureNames.every((f) => typeof record[f] === 'number')) return featureNames.map((f) => record[f] as number);
  }
  return null;
}

/** Feeds for a logged input. */
export function feedsFor(input: unknown, specs: InputSpec[], featureNames: string[] | null): Record<string, Tensor> {
  if (input === null || input === undefined) throw new InvalidInputError('The prediction has no logged input to replay.');
  if (input && typeof input === 'object' && !Array.isArray(input) && specs.every((s) => s.name in (input as object))) {
    return Object.fromEntries(
      specs.map((s) => {
        const { data, shape } = flatten((input as Record<string, unknown>)[s.name], `input.${s.name}`);
        return [s.name, makeTensor(s, data, adaptShape(s, shape))];
      }),
    );
  }
  if (specs.length !== 1) {
    throw new InvalidInputError(`The model has inputs ${specs.map((s) => s.name).join(', ')}; the logged input must be an object with those keys.`);
  }
  const [spec] = specs;
  const row = featureRow(input, featureNames);
  if (row) return { [spec.name]: makeTensor(spec, row, adaptShape(spec, [row.length])) };
  const { data, shape } = flatten(input, 'input');
  return { [spec.name]: makeTensor(spec, data, adaptShape(spec, shape)) };
}

/** A tensor as a nested array of numbers. */
export function tensorToJson(t: Tensor): unknown {
  const data = Array.from(t.data as ArrayLike<number | bigint>, (v) => Number(v));
  const dims = [...t.dims];
  const build = (offset: number, d: number): unknown => {
    if (d === dims.length) return data[offset];
    const stride = dims.slice(d + 1).reduce((a, b) => a * b, 1);
    return Array.from({ length: dims[d] }, (_, i) => build(offset + i * stride, d + 1));
  };
  return dims.length === 0 ? data[0] : build(0, 0);
}

export function numbersOf(value: unknown): number[] | null {
  if (typeof value === 'number') return [value];
  if (typeof value === 'boolean') return [value ? 1 : 0];
  if (Array.isArray(value)) {
    const out: number[] = [];
    for (const v of value) {
      const inner = numbersOf(v);
      if (!inner) return null;
      out.push(...inner);
    }
    return out;
  }
  return null;
}
