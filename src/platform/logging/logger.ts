/** Structured JSON logs (pino). The API key header is redacted everywhere. */
import pino, { Logger } from 'pino';
import { PedigreeConfig } from '../config/config';

export const ROOT_LOGGER = Symbol('ROOT_LOGGER');

export function createRootLogger(config: Pick<PedigreeConfig, 'logLevel'>): Logger {
  return pino({
    level: config.logLevel,
    base: { service: 'pedigree' },
    redact: { paths: ['req.headers.authorization', 'req.headers.cookie', '*.apiKey', '*.key'], censor: '[redacted]' },
    timestamp: pino.stdTimeFunctions.isoTime,
  });
}
