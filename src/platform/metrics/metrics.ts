/**
 * Prometheus metrics: one registry per application instance (so tests can run several apps in a process),
 * default process metrics, HTTP latency and GraphQL operation counts. Served at /metrics (authenticated).
 */
import { Controller, Get, Header, Injectable, Module, NestMiddleware } from '@nestjs/common';
import type { ApolloServerPlugin } from '@apollo/server';
import type { NextFunction, Request, Response } from 'express';
import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { Authorize } from '../auth/auth.decorators';

@Injectable()
export class MetricsService {
  readonly registry = new Registry();
  readonly httpDuration = new Histogram({
    name: 'pedigree_http_request_duration_seconds',
    help: 'HTTP request latency by route and status.',
    labelNames: ['method', 'route', 'status'],
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10],
    registers: [this.registry],
  });
  readonly graphqlOperations = new Counter({
    name: 'pedigree_graphql_operations_total',
    help: 'GraphQL operations by type and outcome.',
    labelNames: ['type', 'outcome'],
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: 'pedigree_' });
  }

  graphqlPlugin(): ApolloServerPlugin {
    const counter = this.graphqlOperations;
    return {
      async requestDidStart() {
        return {
          async willSendResponse({ operation, errors }) {
            counter.inc({ type: operation?.operation ?? 'unknown', outcome: errors?.length ? 'error' : 'ok' });
          },
        };
      },
    };
  }
}

const KNOWN_ROUTES = new Set(['graphql', 'health', 'metrics', 'api']);

/** First path segment, bounded to known routes so label cardinality stays fixed. */
function routeLabel(url: string): string {
  const first = url.split(/[/?]/)[1] ?? '';
  return KNOWN_ROUTES.has(first) ? `/${first}` : 'other';
}

@Injectable()
export class HttpMetricsMiddleware implements NestMiddleware {
  constructor(private readonly metrics: MetricsService) {}
  use(req: Request, res: Response, next: NextFunction): void {
    const end = this.metrics.httpDuration.startTimer({ method: req.method });
    res.on('finish', () => {
      end({ route: routeLabel(req.originalUrl), status: String(res.statusCode) });
    });
    next();
  }
}

@Controller('metrics')
export class MetricsController {
  constructor(private readonly metrics: MetricsService) {}

  @Get()
  @Authorize('read', 'System')
  @Header('Content-Type', 'text/plain; version=0.0.4; charset=utf-8')
  scrape(): Promise<string> {
    return this.metrics.registry.metrics();
  }
}

@Module({ providers: [MetricsService, HttpMetricsMiddleware], controllers: [MetricsController], exports: [MetricsService] })
export class MetricsModule {}
