/** Impact analysis: a downstream lineage walk, grouped by kind, plus serving windows of reached deployments. */
import { Injectable } from '@nestjs/common';
import { LineageService, Visibility } from '../../lineage/lineage.service';
import { LineageDirection } from '../../lineage/lineage.types';
import { NodeKind } from '../nodes/node.types';
import { DeploymentsService } from '../deployments/deployments.service';
import { DeploymentImpact, Impact, ImpactArgs, ImpactGroup } from './impact.types';
import { PredictionCounterHook } from './prediction-counter';

@Injectable()
export class ImpactService {
  constructor(
    private readonly lineage: LineageService,
    private readonly deployments: DeploymentsService,
    private readonly predictions: PredictionCounterHook,
  ) {}

  /** `visible`: the caller's redaction test; redacted nodes count in their group but their serving is not shown. */
  async impact(args: ImpactArgs, visible?: Visibility): Promise<Impact> {
    const graph = await this.lineage.lineage({ urn: args.urn, direction: LineageDirection.DOWNSTREAM, depth: args.depth, limit: args.limit, visible });
    const downstream = graph.nodes.filter((n) => n.id !== graph.root.id);
    const groups = new Map<NodeKind, ImpactGroup>();
    for (const n of downstream) {
      const g = groups.get(n.kind) ?? { kind: n.kind, count: 0, nodes: [] };
      g.count += 1;
      g.nodes.push(n);
      groups.set(n.kind, g);
    }
    const deploymentIds = downstream.filter((n) => n.kind === NodeKind.DEPLOYMENT && !n.redacted).map((n) => n.id);
    const modelVersionIds = new Set(downstream.filter((n) => n.kind === NodeKind.MODEL_VERSION).map((n) => n.id));
    if (graph.root.kind === NodeKind.MODEL_VERSION) modelVersionIds.add(graph.root.id);
    const since = args.since ?? null;
    const revisions = await this.deployments.revisionsOf(deploymentIds);
    const deployments: DeploymentImpact[] = deploymentIds.map((deploymentId) => ({
      deploymentId,
      windows: (revisions.get(deploymentId) ?? [])
        // Only the impacted model versions' serving counts, and only what overlaps [since, now].
        .filter((r) => modelVersionIds.has(r.modelVersionId) && (!since || r.validTo === null || r.validTo > since))
        .map((r) => ({
          modelVersionId: r.modelVersionId,
          trafficShare: r.trafficShare,
          from: since && r.validFrom < since ? since : r.validFrom,
          to: r.validTo,
          predictionCount: null,
        })),
    }));
    const flat = deployments.flatMap((d) => d.windows.map((window) => ({ deploymentId: d.deploymentId, window })));
    const counts = await this.predictions.count(flat.map(({ deploymentId, window }) => ({ deploymentId, ...window })));
    flat.forEach(({ window }, i) => (window.predictionCount = counts[i]));
    return {
      root: graph.root,
      since,
      groups: [...groups.values()].sort((a, b) => a.kind.localeCompare(b.kind)),
      deployments,
      truncated: graph.truncated,
      truncationReasons: graph.truncationReasons,
    };
  }
}
