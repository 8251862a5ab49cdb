/**
 * A generated but realistic catalog for search benchmarks, and judged queries over it. Datasets are named the
 * way warehouses name tables (schema prefix, snake_case or camelCase, entity + qualifiers), carry columns typical
 * of their entity and templated descriptions; models and feature views reuse the same vocabulary. Each judged
 * query lists the entities a careful analyst would expect in the top 10, with grades (3 = the one they mean,
 * 2 = clearly relevant, 1 = related).
 */
import { rng } from '../test/support/random';

const ENTITIES: Record<string, string[]> = {
  customers: ['customer_id', 'email', 'first_name', 'last_name', 'country', 'signup_date', 'loyalty_tier'],
  orders: ['order_id', 'customer_id', 'order_date', 'total_amount', 'currency', 'status'],
  order_items: ['order_id', 'sku', 'quantity', 'unit_price', 'discount'],
  payments: ['payment_id', 'order_id', 'amount', 'card_brand', 'authorized_at'],
  invoices: ['invoice_id', 'customer_id', 'issued_at', 'due_date', 'amount_due', 'tax_amount'],
  shipments: ['shipment_id', 'order_id', 'carrier', 'shipping_address', 'shipped_at', 'delivered_at'],
  products: ['sku', 'product_name', 'category', 'brand', 'list_price'],
  inventory: ['sku', 'warehouse_id', 'on_hand', 'reserved', 'snapshot_date'],
  employees: ['employee_id', 'department', 'manager_id', 'hire_date', 'salary_band'],
  web_sessions: ['session_id', 'visitor_id', 'landing_page', 'referrer', 'device_type', 'duration_seconds'],
  clicks: ['click_id', 'session_id', 'element_id', 'clicked_at'],
  campaigns: ['campaign_id', 'channel', 'budget', 'start_date', 'end_date'],
  refunds: ['refund_id', 'payment_id', 'reason_code', 'refunded_amount'],
  subscriptions: ['subscription_id', 'customer_id', 'plan', 'renewal_date', 'mrr'],
  transactions: ['transaction_id', 'account_id', 'merchant_category', 'amount', 'posted_at'],
  accounts: ['account_id', 'customer_id', 'opened_at', 'balance', 'credit_limit'],
  support_tickets: ['ticket_id', 'customer_id', 'priority', 'opened_at', 'resolved_at', 'csat_score'],
  suppliers: ['supplier_id', 'supplier_name', 'country', 'payment_terms'],
  exchange_rates: ['currency', 'rate_date', 'rate_to_usd'],
  fraud_alerts: ['alert_id', 'transaction_id', 'rule_id', 'risk_score'],
};
const DOMAINS: Record<string, string> = {
  customers: 'sales', orders: 'sales', order_items: 'sales', payments: 'finance', invoices: 'finance', shipments: 'logistics',
  products: 'catalog', inventory: 'logistics', employees: 'hr', web_sessions: 'marketing', clicks: 'marketing', campaigns: 'marketing',
  refunds: 'finance', subscriptions: 'sales', transactions: 'finance', accounts: 'finance', support_tickets: 'support',
  suppliers: 'procurement', exchange_rates: 'finance', fraud_alerts: 'risk',
};
const QUALIFIERS = ['daily', 'monthly', 'weekly', 'raw', 'clean', 'agg', 'snapshot', 'eu', 'us', 'apac', 'v2', 'latest', 'history', 'staging'];
const SCHEMAS = ['public', 'analytics', 'staging', 'raw', 'mart', 'finance', 'sales', 'ops'];
const PLATFORMS = ['postgres://warehouse', 's3://lake', 'bigquery://acme', 'snowflake://acme'];
const TEAMS = ['crm', 'payments', 'growth', 'logistics', 'people', 'risk', 'platform', 'analytics'];

export interface CatalogDataset {
  namespace: string;
  name: string;
  description: string;
  domain: string;
  ownerTeam: string;
  tags: string[];
  classifications: string[];
  columns: { name: string; type: string; description?: string }[];
  entity: string;
}

export interface JudgedQuery {
  query: string;
  kind: string;
  /** Dataset name → grade. */
  relevant: Map<string, number>;
}

const camel = (s: string) => s.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());
const human = (s: string) => s.replace(/_/g, ' ');

export function generateDatasets(count: number, seed = 7): CatalogDataset[] {
  const random = rng(seed);
  const pick = <T>(xs: T[]) => xs[Math.floor(random() * xs.length)];
  const entities = Object.keys(ENTITIES);
  const seen = new Set<string>();
  const out: CatalogDataset[] = [];
  while (out.length < count) {
    const entity = pick(entities);
    const quals = [pick(QUALIFIERS), ...(random() < 0.3 ? [pick(QUALIFIERS)] : [])].filter((q, i, a) => a.indexOf(q) === i);
    const base = random() < 0.25 ? camel([entity, ...quals].join('_')) : [entity, ...quals].join('_');
    const name = `${pick(SCHEMAS)}.${base}${random() < 0.15 ? `_${Math.floor(random() * 90 + 10)}` : ''}`;
    const namespace = pick(PLATFORMS);
    if (seen.has(`${namespace}/${name}`)) continue;
    seen.add(`${namespace}/${name}`);
    const pii = ['customers', 'employees', 'accounts', 'support_tickets'].includes(entity);
    out.push({
      namespace, name, entity,
      description: `${quals.map(human).join(' ')} ${human(entity)} ${pick(['table', 'extract', 'model', 'feed'])}: one row per ${human(entity).replace(/s$/, '')}${random() < 0.5 ? `, refreshed ${pick(['hourly', 'nightly', 'weekly'])}` : ''}.`,
      domain: DOMAINS[entity],
      ownerTeam: pick(TEAMS),
      tags: random() < 0.2 ? ['gold'] : random() < 0.3 ? ['deprecated'] : [],
      classifications: pii ? ['PII'] : [],
      columns: ENTITIES[entity].map((c) => ({ name: c, type: c.endsWith('_id') ? 'bigint' : c.includes('date') || c.endsWith('_at') ? 'timestamp' : 'text' })),
    });
  }
  return out;
}

/** Misspells a word: drops or swaps a letter in its middle. */
function typo(word: string, random: () => number): string {
  const i = 1 + Math.floor(random() * (word.length - 2));
  return random() < 0.5 ? word.slice(0, i) + word.slice(i + 1) : word.slice(0, i) + word[i + 1] + word[i] + word.slice(i + 2);
}

export function judgedQueries(datasets: CatalogDataset[], seed = 11): JudgedQuery[] {
  const random = rng(seed);
  const pick = <T>(xs: T[]) => xs[Math.floor(random() * xs.length)];
  const byName = new Map(datasets.map((d) => [d.name, d]));
  const words = (s: string) => s.replace(/([a-z0-9])([A-Z])/g, '$1 $2').toLowerCase().split(/[^a-z0-9]+/).filter(Boolean);
  const queries: JudgedQuery[] = [];
  const unique = datasets.filter((d) => datasets.filter((o) => o.name === d.name).length === 1);
  // 1. exact names (as typed in a table picker)
  for (let i = 0; i < 15; i++) {
    const d = pick(unique);
    queries.push({ query: d.name, kind: 'exact name', relevant: new Map([[d.name, 3]]) });
  }
  // 2. the words of a name, without schema: every dataset with all these words is relevant, the one meant most
  for (let i = 0; i < 15; i++) {
    const d = pick(unique);
    const w = words(d.name.split('.').slice(1).join('.'));
    const relevant = new Map<string, number>();
    for (const o of datasets) if (w.every((x) => words(o.name).includes(x))) relevant.set(o.name, 2);
    relevant.set(d.name, 3);
    queries.push({ query: w.join(' '), kind: 'name words', relevant });
  }
  // 3. a typo in one word of a distinctive name
  for (let i = 0; i < 10; i++) {
    const d = pick(unique.filter((x) => words(x.name).some((w) => w.length >= 7)));
    const w = words(d.name.split('.').slice(1).join('.'));
    const k = w.findIndex((x) => x.length >= 7);
    w[k] = typo(w[k], random);
    const relevant = new Map<string, number>([[d.name, 3]]);
    queries.push({ query: w.join(' '), kind: 'typo', relevant });
  }
  // 4. an entity in camelCase or snake_case: every dataset of that entity is relevant
  for (const entity of ['order_items', 'web_sessions', 'support_tickets', 'fraud_alerts', 'exchange_rates']) {
    const relevant = new Map(datasets.filter((d) => d.entity === entity).map((d) => [d.name, 2] as [string, number]));
    queries.push({ query: camel(entity), kind: 'camelCase entity', relevant });
  }
  // 5. a column only some entities have: datasets with that column
  for (const column of ['shipping_address', 'csat_score', 'rate_to_usd', 'merchant_category', 'loyalty_tier', 'renewal_date', 'salary_band', 'risk_score', 'card_brand', 'duration_seconds']) {
    const relevant = new Map(datasets.filter((d) => d.columns.some((c) => c.name === column)).map((d) => [d.name, 2] as [string, number]));
    queries.push({ query: human(column), kind: 'column', relevant });
  }
  void byName;
  return queries;
}

/** nDCG@k and recall@k (relevant found in the top k / min(k, relevant)) of one ranked answer. */
export function score(ranked: string[], relevant: Map<string, number>, k = 10): { ndcg: number; recall: number } {
  const gain = (g: number) => 2 ** g - 1;
  const dcg = ranked.slice(0, k).reduce((s, name, i) => s + gain(relevant.get(name) ?? 0) / Math.log2(i + 2), 0);
  const ideal = [...relevant.values()].sort((a, b) => b - a).slice(0, k).reduce((s, g, i) => s + gain(g) / Math.log2(i + 2), 0);
  const found = ranked.slice(0, k).filter((n) => relevant.has(n)).length;
  return { ndcg: ideal ? dcg / ideal : 0, recall: found / Math.min(k, relevant.size) };
}
