// The project's tooling: tests, the sandbox, scripts and build configs (npm run lint:tooling).
// None of it ships, so n8n's rules for node code (eslint.config.mjs, the default config of
// `n8n-node lint`) do not fit it: it reads files, starts processes and waits on timers. It gets
// ESLint's and typescript-eslint's recommended rules instead. The one `eslint-disable` line that
// keeps a tooling file out of n8n's rules is ignored here (the script runs with --no-inline-config).
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
	{ ignores: ['dist/**', 'node_modules/**', 'coverage/**', '.n8n-dev/**', '.cache/**', 'test-results/**', 'nodes/**', 'credentials/**'] },
	{
		files: ['**/*.{js,mjs,cjs,ts}'],
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
	{ files: ['**/*.d.ts'], rules: { '@typescript-eslint/no-explicit-any': 'off' } },
	{ files: ['**/*.{js,cjs}'], languageOptions: { sourceType: 'commonjs' } },
);
