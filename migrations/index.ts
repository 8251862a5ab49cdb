/** Every migration, in order. Add new ones at the end; never edit one that has shipped. */
import { Foundation1763884800000 } from './1763884800000-foundation';
import { LineageTraversal1763971200000 } from './1763971200000-lineage-traversal';
import { Ingestion1764057600000 } from './1764057600000-ingestion';
import { Predictions1764144000000 } from './1764144000000-predictions';
import { PredictionUuidKey1764230400000 } from './1764230400000-prediction-uuid-key';
import { Search1764316800000 } from './1764316800000-search';
import { SearchScale1764403200000 } from './1764403200000-search-scale';
import { AccessAudit1764489600000 } from './1764489600000-access-audit';
import { ModelStageHistory1764576000000 } from './1764576000000-model-stage-history';
import { EdgeWithoutForeignKeys1764662400000 } from './1764662400000-edge-without-foreign-keys';
import { SearchDeferredSignals1764748800000 } from './1764748800000-search-deferred-signals';

export const MIGRATIONS = [Foundation1763884800000, LineageTraversal1763971200000, Ingestion1764057600000, Predictions1764144000000, PredictionUuidKey1764230400000, Search1764316800000, SearchScale1764403200000, AccessAudit1764489600000, ModelStageHistory1764576000000, EdgeWithoutForeignKeys1764662400000, SearchDeferredSignals1764748800000];
