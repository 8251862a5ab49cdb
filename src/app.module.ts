/**
 * The composition root: platform pieces (config, database, logging, GraphQL, health, metrics) and the
 * domain modules. Built from an already-open database so that start-up order is explicit (main.ts).
 */
import { DynamicModule, Global, MiddlewareConsumer, Module, NestModule, ValidationPipe } from '@nestjs/common';
import { APP_FILTER, APP_PIPE } from '@nestjs/core';
import { ApolloDriver, ApolloDriverConfig } from '@nestjs/apollo';
import { ApolloServerPluginCacheControlDisabled } from '@apollo/server/plugin/disabled';
import { GraphQLModule } from '@nestjs/graphql';
import type { Logger } from 'pino';
import { DataSource } from 'typeorm';
import { AccessModule } from './access/access.module';
import { AccessService } from './access/access.service';
import { guardEntityFields } from './access/field-guard';
import { AuditModule } from './audit/audit.module';
import { CatalogModule } from './catalog/catalog.module';
import { LineageModule } from './lineage/lineage.module';
import { IngestionModule } from './ingestion/ingestion.module';
import { PredictionsModule } from './predictions/predictions.module';
import { SearchModule } from './search/search.module';
import { ReportsModule } from './reports/reports.module';
import { CONFIG, PedigreeConfig } from './platform/config/config';
import { Db } from './platform/database/db';
import { formatGraphQLError } from './platform/graphql/format-error';
import { complexityLimitPlugin, depthLimitRule } from './platform/graphql/limits';
import { RequestContext } from './platform/graphql/request-context';
import { HealthController } from './platform/health/health.controller';
import { HttpErrorFilter } from './platform/http/error.filter';
import { ROOT_LOGGER } from './platform/logging/logger';
import { HttpMetricsMiddleware, MetricsModule, MetricsService } from './platform/metrics/metrics';

export interface AppDependencies {
  config: PedigreeConfig;
  dataSource: DataSource;
  logger: Logger;
}

@Global()
@Module({})
class PlatformModule {
  static register(deps: AppDependencies): DynamicModule {
    return {
      module: PlatformModule,
      providers: [
        { provide: CONFIG, useValue: deps.config },
        { provide: ROOT_LOGGER, useValue: deps.logger },
        { provide: Db, useValue: new Db(deps.dataSource) },
      ],
      exports: [CONFIG, ROOT_LOGGER, Db],
    };
  }
}

@Module({})
export class AppModule implements NestModule {
  static register(deps: AppDependencies): DynamicModule {
    return {
      module: AppModule,
      imports: [
        PlatformModule.register(deps),
        MetricsModule,
        AuditModule,
        GraphQLModule.forRootAsync<ApolloDriverConfig>({
          driver: ApolloDriver,
          imports: [MetricsModule, AccessModule],
          inject: [MetricsService, AccessService],
          useFactory: (metrics: MetricsService, access: AccessService) => ({
            path: '/graphql',
            autoSchemaFile: true,
            // Field-level access on every catalog entity type (data fields, field restrictions, hidden entities).
            transformSchema: (schema) => guardEntityFields(schema, access),
            sortSchema: true,
            playground: false,
            graphiql: deps.config.graphql.playground,
            introspection: true,
            includeStacktraceInErrorResponses: false,
            context: ({ req }: { req: RequestContext['req'] }): RequestContext => ({ req, loaders: new Map() }),
            formatError: formatGraphQLError(deps.logger),
            validationRules: [depthLimitRule(deps.config.graphql.maxDepth)],
            plugins: [
              // Cache control wraps every field resolver to compute cache hints nobody reads here.
              ApolloServerPluginCacheControlDisabled(),
              access.graphqlAuthenticationPlugin(),
              complexityLimitPlugin(deps.config.graphql.maxComplexity),
              metrics.graphqlPlugin(),
            ],
          }),
        }),
        AccessModule,
        LineageModule,
        CatalogModule,
        IngestionModule,
        PredictionsModule,
        SearchModule,
        ReportsModule,
      ],
      controllers: [HealthController],
      providers: [
        { provide: APP_FILTER, useClass: HttpErrorFilter },
        {
          provide: APP_PIPE,
          useValue: new ValidationPipe({ transform: true, forbidUnknownValues: false, validationError: { target: false } }),
        },
      ],
    };
  }

  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(HttpMetricsMiddleware).forRoutes('*path');
  }
}
