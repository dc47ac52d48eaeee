/** The compatibility run (npm run test:compat): the package in older n8n releases, one after the other. */
const base = require('./jest.config');

module.exports = {
	...base,
	testMatch: ['**/compat/**/*.compat.test.ts'],
	testPathIgnorePatterns: ['/node_modules/'],
	testTimeout: 300_000,
	maxWorkers: 1,
};
