// Both of n8n's rule sets for community nodes: the classic n8n-nodes-base rules (community,
// credentials, nodes) and @n8n/eslint-plugin-community-nodes (recommended).
import communityNodes from '@n8n/eslint-plugin-community-nodes';
import n8nNodesBase from 'eslint-plugin-n8n-nodes-base';
import tseslint from 'typescript-eslint';

const baseRules = (name) => n8nNodesBase.configs[name].rules;

export default [
	{ ignores: ['dist/**', 'node_modules/**', 'coverage/**', '.n8n-dev/**', '.cache/**'] },
	{
		files: ['**/*.ts'],
		languageOptions: {
			parser: tseslint.parser,
			parserOptions: { project: './tsconfig.json', tsconfigRootDir: import.meta.dirname },
		},
	},
	{
		files: ['package.json'],
		languageOptions: { parser: tseslint.parser },
		plugins: { 'n8n-nodes-base': n8nNodesBase },
		rules: baseRules('community'),
	},
	{
		files: ['credentials/**/*.ts'],
		plugins: { 'n8n-nodes-base': n8nNodesBase },
		rules: {
			...baseRules('credentials'),
			// Its own docs: "Only applicable to nodes in the main repository", where the URL is a
			// slug of n8n's docs. A community credential links a full URL (as the starter does).
			'n8n-nodes-base/cred-class-field-documentation-url-miscased': 'off',
		},
	},
	{
		files: ['nodes/**/*.ts'],
		plugins: { 'n8n-nodes-base': n8nNodesBase },
		rules: {
			...baseRules('nodes'),
			// These two ask for the literal ['main']; the newer community rule
			// (node-connection-type-literal) asks for NodeConnectionTypes.Main. n8n's current
			// guidance is the latter, so the outdated pair is off.
			'n8n-nodes-base/node-class-description-inputs-wrong-regular-node': 'off',
			'n8n-nodes-base/node-class-description-outputs-wrong': 'off',
		},
	},
	// The package's shipped code; the sandbox, scripts and tests are tooling that never reaches n8n.
	{
		...communityNodes.configs.recommended,
		files: ['nodes/**/*.ts', 'credentials/**/*.ts', 'package.json'],
	},
];
