/**
 * Word lists for synthetic names and descriptions. Names are built from real words so that trigram
 * similarity behaves as it would on a real catalog (shared prefixes, near-miss spellings).
 */
export const NOUNS = [
  'account', 'address', 'alert', 'archive', 'asset', 'audit', 'balance', 'basket', 'batch', 'billing',
  'booking', 'budget', 'cache', 'calendar', 'campaign', 'card', 'cart', 'catalog', 'channel', 'checkout',
  'claim', 'client', 'cluster', 'config', 'consent', 'contract', 'coupon', 'credit', 'customer', 'dashboard',
  'delivery', 'device', 'discount', 'dispatch', 'document', 'domain', 'escrow', 'event', 'export', 'feature',
  'feed', 'fleet', 'forecast', 'fraud', 'gateway', 'geo', 'gift', 'graph', 'identity', 'import',
  'incident', 'index', 'inventory', 'invoice', 'journal', 'kyc', 'label', 'ledger', 'limit', 'listing',
  'loan', 'locale', 'login', 'loyalty', 'mailer', 'market', 'media', 'member', 'merchant', 'message',
  'metric', 'mobile', 'notify', 'offer', 'onboarding', 'order', 'parcel', 'partner', 'payment', 'payout',
  'pricing', 'profile', 'promo', 'quote', 'rating', 'receipt', 'refund', 'rental', 'report', 'reserve',
  'review', 'reward', 'risk', 'route', 'schedule', 'search', 'session', 'settlement', 'shipment', 'signal',
  'signup', 'sku', 'statement', 'stock', 'storage', 'subscription', 'supplier', 'survey', 'tax', 'ticket',
  'token', 'tracking', 'transfer', 'trip', 'upload', 'usage', 'vault', 'vendor', 'voucher', 'wallet',
  'warehouse', 'webhook', 'wishlist', 'workflow', 'zone',
] as const;

export const ADJECTIVES = [
  'active', 'async', 'atomic', 'batch', 'blue', 'bright', 'central', 'classic', 'cloud', 'core',
  'daily', 'direct', 'edge', 'express', 'fast', 'global', 'green', 'hybrid', 'instant', 'internal',
  'legacy', 'live', 'local', 'main', 'mobile', 'modern', 'nightly', 'open', 'partner', 'prime',
  'public', 'quick', 'rapid', 'real', 'remote', 'retail', 'secure', 'shared', 'silver', 'smart',
  'social', 'stable', 'static', 'swift', 'unified', 'urban', 'verified', 'virtual', 'wholesale', 'zero',
] as const;

export const VERBS = [
  'aggregates', 'authorises', 'batches', 'caches', 'calculates', 'collects', 'computes', 'delivers', 'enriches', 'exports',
  'forwards', 'indexes', 'ingests', 'issues', 'matches', 'normalises', 'publishes', 'reconciles', 'records', 'renders',
  'routes', 'schedules', 'scores', 'serves', 'signs', 'stores', 'streams', 'syncs', 'tracks', 'validates',
] as const;

export const FIRST_NAMES = [
  'ada', 'alan', 'amara', 'ana', 'arjun', 'ben', 'carla', 'chen', 'dana', 'diego', 'elena', 'emeka', 'erik', 'fatima',
  'grace', 'hana', 'ivan', 'jane', 'jonas', 'kai', 'karin', 'lars', 'lea', 'luis', 'maya', 'mei', 'nadia', 'noah',
  'olga', 'omar', 'paula', 'priya', 'rafael', 'rosa', 'sam', 'sara', 'tariq', 'tom', 'uma', 'vera', 'wei', 'yusuf', 'zoe',
] as const;

export const LAST_NAMES = [
  'adams', 'baker', 'costa', 'dubois', 'evans', 'fischer', 'garcia', 'hansen', 'ito', 'jensen', 'kim', 'kowalski',
  'larsen', 'lopez', 'martin', 'meyer', 'nakamura', 'novak', 'okafor', 'olsen', 'patel', 'perez', 'rossi', 'santos',
  'schmidt', 'silva', 'singh', 'smith', 'tanaka', 'weber', 'wong', 'young',
] as const;

export const TAGS = [
  'typescript', 'go', 'java', 'python', 'kotlin', 'rust', 'pci', 'gdpr', 'tier-1', 'tier-2', 'tier-3',
  'grpc', 'rest', 'kafka', 'postgres', 'internal', 'public', 'batch', 'realtime',
] as const;
