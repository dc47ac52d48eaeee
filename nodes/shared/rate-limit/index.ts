/**
 * The client-side rate budget: one limiter per API account and budget in the process
 * (accounts.ts), counting as the server counts (limiter.ts) with the measured delivery margin
 * (delivery.ts), and the pauses rate-limit headers announce (announced.ts).
 */
export * from './accounts';
export * from './announced';
export * from './delivery';
export * from './limiter';
export * from './types';
