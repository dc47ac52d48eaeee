/** Queue-mode tests (npm run test:queue): Postgres, Redis, n8n main and two workers; one file, run alone. */
const base = require('./jest.config');

module.exports = {
	...base,
	testMatch: ['**/queue/**/*.e2e.test.ts'],
	testPathIgnorePatterns: ['/node_modules/'],
	testTimeout: 300_000,
	maxWorkers: 1,
};
