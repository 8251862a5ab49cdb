/** The documents every search adapter is held to (the contract suite and the Elasticsearch recordings). */
import type { SearchDocument } from '../../src/catalog/search/search-documents.service';

const LOADED_US = Date.now() * 1000;
/** Document versions: microseconds since the epoch when this module loaded, plus `n`. */
export const version = (n: number) => String(LOADED_US + n);
/** A version later than any `version(n)` handed out so far (documents built "now"). */
export const versionNow = (n = 0) => String(Date.now() * 1000 + 1000 + n);

const doc = (nodeId: number, kind: string, name: string, extra: Partial<SearchDocument> = {}): SearchDocument => ({
  nodeId: String(nodeId),
  kind,
  urn: `urn:pedigree:${kind}:${name}`,
  name,
  description: null,
  columns: '',
  columnDescriptions: '',
  detail: '',
  domain: null,
  ownerTeam: null,
  tags: [],
  classifications: [],
  platform: null,
  usage: 0,
  version: version(1),
  ...extra,
});

export const CORPUS: SearchDocument[] = [
  doc(1, 'dataset', 'public.customers', {
    description: 'Every customer we have, one row each.',
    columns: 'customer_id email',
    columnDescriptions: 'Primary contact address',
    domain: 'sales',
    ownerTeam: 'crm',
    tags: ['gold'],
    classifications: ['PII'],
    platform: 'postgres',
    usage: 3,
  }),
  doc(2, 'dataset', 'public.customer_orders', {
    description: 'Orders placed by customers.',
    columns: 'order_id customer_id',
    domain: 'sales',
    ownerTeam: 'crm',
    platform: 'postgres',
  }),
  doc(3, 'dataset', 'public.orderItems', { description: 'Line items.', columns: 'sku', domain: 'sales', ownerTeam: 'commerce', platform: 'postgres' }),
  doc(4, 'dataset', 'public.payments_eu', {
    description: 'Card payments in the EU, with the customer reference.',
    columns: 'amount',
    domain: 'finance',
    ownerTeam: 'payments',
    tags: ['gold'],
    platform: 'postgres',
    usage: 1,
  }),
  doc(5, 'dataset', 'public.ledger', {
    description: 'General ledger.',
    columns: 'shipping_address',
    columnDescriptions: 'Where the order goes',
    domain: 'finance',
    ownerTeam: 'accounting',
    platform: 'postgres',
  }),
  doc(6, 'dataset', 'raw/customers_export', { description: 'Nightly export.', platform: 's3', domain: 'sales', ownerTeam: 'crm', classifications: ['PII'] }),
  doc(7, 'model', 'churn-predictor', { description: 'Predicts customer churn.', domain: 'sales', ownerTeam: 'ml', usage: 2 }),
  doc(8, 'feature_view', 'customer_features', { columns: 'lifetime_value days_since_order', domain: 'sales', ownerTeam: 'ml' }),
];

export const byName = (name: string) => CORPUS.find((d) => d.name === name)!.nodeId;
