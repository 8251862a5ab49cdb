/**
 * The ONNX ingestor: registers a model version from an `.onnx` file through Pedigree's GraphQL API —
 * sha256 and size of the file, IR version, opsets and producer (decoded from the protobuf), input and output
 * names, element types and shapes (from ONNX Runtime's session metadata), and the artifact URI. The model
 * is registered first if it does not exist. Registering the same file again returns the same version.
 */
import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { InferenceSession } from 'onnxruntime-node';
import { decodeOnnxModel, OnnxModelInfo } from './onnx-proto';

export interface OnnxRegistration {
  url: string;
  apiKey: string;
  /** Model name (registered if new) or model URN. */
  model: string;
  artifactUri?: string;
  trainedByRunUrn?: string;
  featureNames?: string[];
}

export interface TensorSpec {
  name: string;
  dtype: string;
  shape: number[] | null;
}

export interface OnnxDescription {
  sha256: string;
  sizeBytes: number;
  info: OnnxModelInfo;
  inputs: TensorSpec[];
  outputs: TensorSpec[];
}

export class OnnxIngestError extends Error {}

/** Reads and checks an ONNX file: a clear error when it is not a loadable ONNX model. */
export async function describeOnnx(path: string): Promise<OnnxDescription> {
  let bytes: Buffer;
  try {
    if (!statSync(path).isFile()) throw new Error('not a file');
    bytes = readFileSync(path);
  } catch (err) {
    throw new OnnxIngestError(`Cannot read ${path}: ${(err as Error).message}.`);
  }
  let info: OnnxModelInfo;
  try {
    info = decodeOnnxModel(bytes);
  } catch (err) {
    throw new OnnxIngestError(`${path} is ${(err as Error).message}.`);
  }
  let session: InferenceSession;
  try {
    session = await InferenceSession.create(bytes);
  } catch (err) {
    throw new OnnxIngestError(`${path} is not a valid ONNX model: ONNX Runtime cannot load it (${(err as Error).message}).`);
  }
  const spec = (m: InferenceSession.ValueMetadata): TensorSpec =>
    m.isTensor
      ? { name: m.name, dtype: m.type, shape: m.shape.length ? m.shape.map((d) => (typeof d === 'number' && d >= 0 ? d : -1)) : null }
      : { name: m.name, dtype: 'non-tensor', shape: null };
  const description = {
    sha256: createHash('sha256').update(bytes).digest('hex'),
    sizeBytes: bytes.length,
    info,
    inputs: session.inputMetadata.map(spec),
    outputs: session.outputMetadata.map(spec),
  };
  await session.release();
  return description;
}

async function graphql<T>(o: OnnxRegistration, query: string, variables: Record<string, unknown>): Promise<T> {
  let res: Response;
  try {
    res = await fetch(`${o.url.replace(/\/$/, '')}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${o.apiKey}` },
      body: JSON.stringify({ query, variables }),
    });
  } catch (err) {
    throw new OnnxIngestError(`Cannot reach Pedigree at ${o.url}: ${(err as Error).message}.`);
  }
  const body = (await res.json().catch(() => ({}))) as { data?: T; errors?: { message: string }[] };
  if (body.errors?.length || !body.data) throw new OnnxIngestError(`Pedigree refused the registration: ${body.errors?.map((e) => e.message).join('; ') ?? `HTTP ${res.status}`}`);
  return body.data;
}

export async function registerOnnx(path: string, o: OnnxRegistration): Promise<{ urn: string; version: number; description: OnnxDescription }> {
  const d = await describeOnnx(path);
  const modelUrn = o.model.startsWith('urn:')
    ? o.model
    : (await graphql<{ registerModel: { urn: string } }>(o, `mutation($i: RegisterModelInput!) { registerModel(input: $i) { urn } }`, { i: { name: o.model } })).registerModel.urn;
  const input = {
    modelUrn,
    artifactUri: o.artifactUri ?? pathToFileURL(resolve(path)).href,
    artifactSha256: d.sha256,
    framework: 'onnx',
    signature: { inputs: d.inputs, outputs: d.outputs },
    trainedByRunUrn: o.trainedByRunUrn,
    properties: {
      onnx: { sizeBytes: d.sizeBytes, ...d.info },
      ...(o.featureNames ? { featureNames: o.featureNames } : {}),
    },
  };
  const r = await graphql<{ registerModelVersion: { urn: string; version: number } }>(
    o,
    `mutation($i: RegisterModelVersionInput!) { registerModelVersion(input: $i) { urn version } }`,
    { i: input },
  );
  return { ...r.registerModelVersion, description: d };
}
