/** @type {import('jest').Config} */
module.exports = {
	testEnvironment: 'node',
	roots: ['<rootDir>/test'],
	testMatch: ['**/*.test.ts'],
	// The end-to-end suite has its own config and command (npm run test:e2e); benchmarks, the
	// compatibility run (npm run test:compat) and the queue-mode tests (npm run test:queue) too.
	testPathIgnorePatterns: [
		'/node_modules/',
		'/test/e2e/',
		'/test/bench/',
		'/test/compat/',
		'/test/queue/',
	],
	transform: {
		// Type checking is `tsc`'s job (npm run build); tests only need transpiling.
		'^.+\\.ts$': ['ts-jest', { tsconfig: 'test/tsconfig.json', diagnostics: false }],
	},
	testTimeout: 60000,
	// Two cores: more workers than that only thrash.
	maxWorkers: 2,
	// test.concurrent cases at once per file (only the fault suite uses them): its cases mostly
	// wait (timeouts, Retry-After, backoff), so many run side by side.
	maxConcurrency: 16,
};
