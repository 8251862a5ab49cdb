/**
 * Loading a model version's ONNX artifact for replay: only `file://` URIs inside PEDIGREE_ARTIFACT_ROOTS,
 * the bytes' sha256 checked against the registered one before ONNX Runtime sees them, sessions cached by
 * path + size + mtime + hash (a replaced file is hashed and checked again).
 */
import { createHash } from 'node:crypto';
import { realpath, readFile, stat } from 'node:fs/promises';
import { sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { InferenceSession } from 'onnxruntime-node';
import { ConflictError, ForbiddenError, InvalidInputError, NotFoundError } from '../../platform/errors/errors';

/** Largest artifact replay loads. */
const MAX_ARTIFACT_BYTES = 1024 * 1024 * 1024;
const CACHE_SIZE = 8;

export interface ArtifactRef {
  urn: string;
  artifactUri: string | null;
  artifactSha256: string | null;
}

export class OnnxArtifacts {
  private readonly sessions = new Map<string, Promise<InferenceSession>>();

  constructor(private readonly roots: string[]) {}

  async session(mv: ArtifactRef): Promise<InferenceSession> {
    if (!mv.artifactUri) throw new InvalidInputError(`Model version ${mv.urn} has no artifactUri; nothing to replay.`);
    if (!mv.artifactSha256) throw new InvalidInputError(`Model version ${mv.urn} has no artifactSha256; replay refuses an artifact it cannot verify.`);
    if (!mv.artifactUri.startsWith('file://')) {
      throw new InvalidInputError(`Artifact ${mv.artifactUri} is not a file:// URI; replay loads local ONNX files only.`);
    }
    let path: string;
    try {
      path = fileURLToPath(mv.artifactUri);
    } catch (err) {
      throw new InvalidInputError(`Artifact URI ${mv.artifactUri} is not a valid file URI (${(err as Error).message}).`);
    }
    let real: string;
    try {
      real = await realpath(path);
    } catch {
      throw new NotFoundError(`The artifact of ${mv.urn} is missing: no file at ${path}.`);
    }
    if (!this.roots.some((root) => real === root || real.startsWith(root.endsWith(sep) ? root : root + sep))) {
      throw new ForbiddenError(`The artifact of ${mv.urn} (${real}) is outside PEDIGREE_ARTIFACT_ROOTS; replay reads artifacts only from there.`);
    }
    const info = await stat(real);
    if (!info.isFile()) throw new NotFoundError(`The artifact of ${mv.urn} at ${real} is not a file.`);
    if (info.size > MAX_ARTIFACT_BYTES) throw new InvalidInputError(`The artifact of ${mv.urn} is ${info.size} bytes; replay loads at most ${MAX_ARTIFACT_BYTES}.`);
    const key = `${real}|${info.size}|${info.mtimeMs}|${mv.artifactSha256.toLowerCase()}`;
    let session = this.sessions.get(key);
    if (!session) {
      session = this.load(mv, real);
      this.sessions.set(key, session);
      session.catch(() => this.sessions.delete(key));
      if (this.sessions.size > CACHE_SIZE) this.sessions.delete(this.sessions.keys().next().value!);
    }
    return session;
  }

  private async load(mv: ArtifactRef, path: string): Promise<InferenceSession> {
    const bytes = await readFile(path);
    const actual = createHash('sha256').update(bytes).digest('hex');
    if (actual !== mv.artifactSha256!.toLowerCase()) {
      throw new ConflictError(
        `The artifact at ${path} has sha256 ${actual}, but ${mv.urn} was registered with ${mv.artifactSha256}: it is not the model that served this prediction. Replay refused.`,
        { expected: mv.artifactSha256, actual },
      );
    }
    try {
      return await InferenceSession.create(bytes, { executionProviders: ['cpu'], graphOptimizationLevel: 'all' });
    } catch (err) {
      throw new InvalidInputError(`The artifact of ${mv.urn} is not a model ONNX Runtime can load: ${(err as Error).message}`);
    }
  }
}
