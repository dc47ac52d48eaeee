/** End-to-end tests against a real n8n: one file, one n8n, run after the other suites. */
const base = require('./jest.config');

module.exports = {
	...base,
	testMatch: ['**/e2e/**/*.e2e.test.ts'],
	testPathIgnorePatterns: ['/node_modules/'],
	testTimeout: 300_000,
	maxWorkers: 1,
};
