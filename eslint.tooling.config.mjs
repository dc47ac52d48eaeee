// Two jobs that `n8n-node lint` (strict mode: eslint.config.mjs must stay n8n's default) cannot
// take on:
// - the project's tooling (tests, the sandbox, scripts and build configs). None of it ships, so
//   n8n's rules for node code do not fit it: it reads files, starts processes and waits on timers.
//   It gets ESLint's and typescript-eslint's recommended rules instead. The one `eslint-disable`
//   line that keeps a tooling file out of n8n's rules is ignored here (the script runs with
//   --no-inline-config).
// - import order everywhere, nodes and credentials included, as n8n's own code base orders them:
//   packages, then parent folders, then siblings, each group alphabetical.
import js from '@eslint/js';
import importX from 'eslint-plugin-import-x';
import globals from 'globals';
import tseslint from 'typescript-eslint';

const nodeCode = ['nodes/**', 'credentials/**'];
const OPERATION_IMPORT =
	"Import what operations share from the resource's fields.ts/helpers.ts or the system's transport.";

export default tseslint.config(
	{
		ignores: [
			'dist/**',
			'node_modules/**',
			'coverage/**',
			'.n8n-dev/**',
			'.cache/**',
			'test-results/**',
		],
	},
	{
		files: ['**/*.{js,mjs,cjs,ts}'],
		ignores: nodeCode,
		extends: [js.configs.recommended, tseslint.configs.recommended],
		languageOptions: { globals: { ...globals.node, ...globals.jest } },
		rules: {
			// CommonJS scripts and the sandbox are required from the TypeScript tests.
			'@typescript-eslint/no-require-imports': 'off',
			'@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
			// The sandbox's modules reach it through getters that need it by name.
			'@typescript-eslint/no-this-alias': ['error', { allowedNames: ['sandbox'] }],
		},
	},
	// Declarations of the JavaScript sandbox: its untyped JSON state is `any` on purpose.
	{
		files: ['**/*.d.ts'],
		ignores: nodeCode,
		rules: { '@typescript-eslint/no-explicit-any': 'off' },
	},
	{ files: ['**/*.{js,cjs}'], languageOptions: { sourceType: 'commonjs' } },
	// The layers: credentials stand alone (nodes may use credentials/shared, never the reverse),
	// and an operation, a list search or the trigger never reaches into an operation file: what
	// two of them share lives in the resource's fields.ts/helpers.ts or the system's transport.
	{
		files: ['credentials/**/*.ts'],
		languageOptions: { parser: tseslint.parser },
		rules: {
			'no-restricted-imports': [
				'error',
				{
					patterns: [
						{ group: ['**/nodes/**'], message: 'Credentials import nothing from nodes/.' },
					],
				},
			],
		},
	},
	{
		files: ['nodes/**/*.operation.ts', 'nodes/*/methods/**/*.ts'],
		languageOptions: { parser: tseslint.parser },
		rules: {
			'no-restricted-imports': [
				'error',
				{ patterns: [{ group: ['**/*.operation'], message: OPERATION_IMPORT }] },
			],
		},
	},
	{
		files: ['nodes/*Trigger/**/*.ts'],
		languageOptions: { parser: tseslint.parser },
		rules: {
			'no-restricted-imports': [
				'error',
				{ patterns: [{ group: ['**/*.operation', '**/actions/**'], message: OPERATION_IMPORT }] },
			],
		},
	},
	{
		files: ['**/*.{ts,mjs}'],
		languageOptions: { parser: tseslint.parser },
		plugins: { 'import-x': importX },
		rules: {
			'import-x/order': [
				'error',
				{
					alphabetize: { order: 'asc', caseInsensitive: true },
					groups: [['builtin', 'external'], 'internal', ['parent', 'index', 'sibling'], 'object'],
					'newlines-between': 'always',
				},
			],
		},
	},
);
