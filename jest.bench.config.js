/** `npm run bench`: the benchmarks, one at a time so they do not slow each other down. */
const base = require('./jest.config');

module.exports = {
	...base,
	testMatch: ['**/bench/**/*.bench.ts'],
	testPathIgnorePatterns: ['/node_modules/'],
	maxWorkers: 1,
};
