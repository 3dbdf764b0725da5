export { fetchHubModel, DEFAULT_HF_ENDPOINT, DEFAULT_TIMEOUT_MS, type HubModel, type HubOptions } from './client';
export { buildModelRecord } from './record';
export { HubError } from './errors';
