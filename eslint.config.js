import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/', 'web/dist/', 'node_modules/', 'data/', 'test-artifacts/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { ecmaVersion: 2023, sourceType: 'module', globals: { process: 'readonly', console: 'readonly' } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-restricted-imports': ['error', { patterns: [{ group: ['**/test/**'], message: 'src/ must not import test code' }] }],
    },
  },
  {
    // Tests read loosely typed JSON answers; the demo and benchmarks reuse the test simulators.
    files: ['test/**/*.ts', 'scripts/**/*.ts', 'bench/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off', 'no-restricted-imports': 'off' },
  },
  {
    files: ['src/protocols/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ group: ['**/services/**', '**/http/**', '**/store/**'], message: 'protocol code knows nothing of the app' }] }],
    },
  },
  {
    // Stored XSS came in through an HTML string (a Leaflet tooltip): the dashboard builds DOM
    // nodes and sets text, so markup sinks are refused here, Leaflet's string content included.
    files: ['web/src/**/*.ts'],
    rules: {
      'no-restricted-syntax': [
        'error',
        { selector: "AssignmentExpression > MemberExpression.left[property.name=/^(innerHTML|outerHTML)$/]", message: 'set textContent or append nodes: markup from data runs script' },
        { selector: "CallExpression[callee.property.name=/^(insertAdjacentHTML|createContextualFragment|write|writeln|parseFromString)$/]", message: 'no HTML parsing of strings in the dashboard' },
        { selector: "CallExpression[callee.property.name=/^(bindTooltip|bindPopup|setContent|setTooltipContent|setPopupContent)$/][arguments.0.type!='CallExpression']", message: 'Leaflet parses string content as HTML: pass a DOM node built with h()' },
      ],
    },
  },
  {
    files: ['src/domain/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ group: ['node:*', '**/store/**', '**/services/**', '**/http/**', '**/protocols/**'], message: 'the domain is pure: no I/O' }] }],
    },
  },
);
