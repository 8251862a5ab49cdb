/**
 * The part of the ONNX protobuf schema (onnx/onnx.proto, field numbers as published) that Pedigree reads
 * and writes: a model's IR version, opsets, producer, graph inputs/outputs, nodes and initializers. Decoding
 * a file with it tells the ingestor what ONNX Runtime's session metadata does not (opset, producer); tests
 * use it to build small real models.
 */
import * as protobuf from 'protobufjs';

const message = (fields: Record<string, [number, string, 'repeated'?]>, oneofs?: Record<string, string[]>) => ({
  fields: Object.fromEntries(
    Object.entries(fields).map(([name, [id, type, rule]]) => [name, rule ? { id, type, rule } : { id, type }]),
  ),
  ...(oneofs ? { oneofs: Object.fromEntries(Object.entries(oneofs).map(([k, v]) => [k, { oneof: v }])) } : {}),
});

export const onnxRoot = protobuf.Root.fromJSON({
  nested: {
    onnx: {
      nested: {
        ModelProto: message({
          irVersion: [1, 'int64'],
          producerName: [2, 'string'],
          producerVersion: [3, 'string'],
          domain: [4, 'string'],
          modelVersion: [5, 'int64'],
          docString: [6, 'string'],
          graph: [7, 'GraphProto'],
          opsetImport: [8, 'OperatorSetIdProto', 'repeated'],
          metadataProps: [14, 'StringStringEntryProto', 'repeated'],
        }),
        StringStringEntryProto: message({ key: [1, 'string'], value: [2, 'string'] }),
        OperatorSetIdProto: message({ domain: [1, 'string'], version: [2, 'int64'] }),
        GraphProto: message({
          node: [1, 'NodeProto', 'repeated'],
          name: [2, 'string'],
          initializer: [5, 'TensorProto', 'repeated'],
          docString: [10, 'string'],
          input: [11, 'ValueInfoProto', 'repeated'],
          output: [12, 'ValueInfoProto', 'repeated'],
        }),
        NodeProto: message({
          input: [1, 'string', 'repeated'],
          output: [2, 'string', 'repeated'],
          name: [3, 'string'],
          opType: [4, 'string'],
          attribute: [5, 'AttributeProto', 'repeated'],
          domain: [7, 'string'],
        }),
        AttributeProto: message({
          name: [1, 'string'],
          f: [2, 'float'],
          i: [3, 'int64'],
          s: [4, 'bytes'],
          floats: [7, 'float', 'repeated'],
          ints: [8, 'int64', 'repeated'],
          type: [20, 'int32'],
        }),
        TensorProto: message({
          dims: [1, 'int64', 'repeated'],
          dataType: [2, 'int32'],
          floatData: [4, 'float', 'repeated'],
          int64Data: [7, 'int64', 'repeated'],
          name: [8, 'string'],
          rawData: [9, 'bytes'],
        }),
        ValueInfoProto: message({ name: [1, 'string'], type: [2, 'TypeProto'], docString: [3, 'string'] }),
        TypeProto: message({ tensorType: [1, 'TypeProtoTensor'] }, { value: ['tensorType'] }),
        TypeProtoTensor: message({ elemType: [1, 'int32'], shape: [2, 'TensorShapeProto'] }),
        TensorShapeProto: message({ dim: [1, 'Dimension', 'repeated'] }),
        Dimension: message({ dimValue: [1, 'int64'], dimParam: [2, 'string'] }, { value: ['dimValue', 'dimParam'] }),
      },
    },
  },
});

export const ModelProto = onnxRoot.lookupType('onnx.ModelProto');

/** TensorProto.DataType values used here. */
export const OnnxDataType = { FLOAT: 1, INT64: 7, DOUBLE: 11 } as const;
/** AttributeProto.AttributeType values used here. */
export const OnnxAttributeType = { FLOAT: 1, INT: 2, FLOATS: 6, INTS: 7 } as const;

export interface OnnxModelInfo {
  irVersion: number;
  producerName: string | null;
  producerVersion: string | null;
  opsets: { domain: string; version: number }[];
  graphName: string | null;
  docString: string | null;
}

/** Decodes the model header of an ONNX file; throws a clear error when the bytes are not an ONNX model. */
export function decodeOnnxModel(bytes: Uint8Array): OnnxModelInfo {
  let decoded: Record<string, unknown>;
  try {
    decoded = ModelProto.toObject(ModelProto.decode(bytes), { longs: Number, defaults: false }) as Record<string, unknown>;
  } catch (err) {
    throw new Error(`not an ONNX model (the protobuf does not decode: ${(err as Error).message})`);
  }
  const graph = decoded.graph as { name?: string; node?: unknown[] } | undefined;
  const opsets = (decoded.opsetImport as { domain?: string; version?: number }[] | undefined) ?? [];
  if (!decoded.irVersion || !graph || !opsets.length) {
    throw new Error('not an ONNX model (no IR version, graph or opset import)');
  }
  return {
    irVersion: Number(decoded.irVersion),
    producerName: (decoded.producerName as string) || null,
    producerVersion: (decoded.producerVersion as string) || null,
    opsets: opsets.map((o) => ({ domain: o.domain || 'ai.onnx', version: Number(o.version ?? 0) })),
    graphName: graph.name || null,
    docString: (decoded.docString as string) || null,
  };
}
