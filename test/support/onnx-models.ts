/**
 * Small real ONNX models for tests, encoded with the ONNX protobuf schema (ingestors/onnx/onnx-proto.ts):
 * a linear regression y = x·w + b and a logistic one y = sigmoid(x·w + b), input X: float [batch, F].
 */
import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { ModelProto, OnnxDataType } from '../../ingestors/onnx/onnx-proto';

const floatTensor = (name: string, dims: number[], values: number[]) => ({
  name,
  dims,
  dataType: OnnxDataType.FLOAT,
  rawData: Buffer.from(new Float32Array(values).buffer),
});

const valueInfo = (name: string, dims: (number | string)[]) => ({
  name,
  type: {
    tensorType: {
      elemType: OnnxDataType.FLOAT,
      shape: { dim: dims.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) },
    },
  },
});

export interface TestModel {
  bytes: Buffer;
  sha256: string;
  weights: number[];
  bias: number;
  predict(x: number[]): number;
}

export function linearModel(weights: number[], bias: number, opts: { logistic?: boolean; producer?: string } = {}): TestModel {
  const f = weights.length;
  const nodes = [
    { opType: 'MatMul', input: ['X', 'W'], output: ['XW'], name: 'matmul' },
    { opType: 'Add', input: ['XW', 'B'], output: [opts.logistic ? 'Z' : 'Y'], name: 'add' },
    ...(opts.logistic ? [{ opType: 'Sigmoid', input: ['Z'], output: ['Y'], name: 'sigmoid' }] : []),
  ];
  const model = {
    irVersion: 8,
    producerName: opts.producer ?? 'pedigree-tests',
    producerVersion: '1.0',
    opsetImport: [{ domain: '', version: 17 }],
    graph: {
      name: opts.logistic ? 'logistic' : 'linear',
      node: nodes,
      initializer: [floatTensor('W', [f, 1], weights), floatTensor('B', [1], [bias])],
      input: [valueInfo('X', ['batch', f])],
      output: [valueInfo('Y', ['batch', 1])],
    },
  };
  const bytes = Buffer.from(ModelProto.encode(ModelProto.fromObject(model)).finish());
  const f32 = (v: number) => Math.fround(v);
  return {
    bytes,
    sha256: createHash('sha256').update(bytes).digest('hex'),
    weights,
    bias,
    predict(x) {
      const z = x.reduce((s, xi, i) => s + f32(xi) * f32(weights[i]), 0) + f32(bias);
      return opts.logistic ? 1 / (1 + Math.exp(-z)) : z;
    },
  };
}

export function writeModel(path: string, model: TestModel): string {
  writeFileSync(path, model.bytes);
  return `file://${path}`;
}
