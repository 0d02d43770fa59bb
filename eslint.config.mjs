import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';

const IPC_ONLY_IN_IPC = { selector: 'Identifier[name=/^ipc(Main|Renderer)$/]', message: 'Only electron/ipc (ipcMain) and electron/preload.ts (ipcRenderer) talk IPC.' };

/** `return` at the top of a test body, or in an `if` there: the test would pass without testing. */
const TEST_BODY = 'CallExpression[callee.name=/^(it|test)$/] > :function > BlockStatement';
const NO_EARLY_RETURN_IN_TESTS = [`${TEST_BODY} > IfStatement ReturnStatement`, `${TEST_BODY} > ReturnStatement[argument=null]`].map((selector) => ({
  selector,
  message: 'A test that cannot run must fail, not return early (assert what the machine lacks, or split the test).',
}));

export default tseslint.config(
  { ignores: ['dist/**', 'out/**', 'node_modules/**', 'test-results/**', 'playwright-report/**', '.stryker-tmp/**', 'reports/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts', '**/*.tsx', '**/*.mjs', '**/*.js'],
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['bin/**', '**/*.cjs'],
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    files: ['renderer/**/*.ts', 'renderer/**/*.tsx'],
    languageOptions: { globals: { ...globals.browser } },
    plugins: { 'react-hooks': reactHooks },
    rules: { 'react-hooks/rules-of-hooks': 'error', 'react-hooks/exhaustive-deps': 'warn' },
  },
  {
    // shared/ is pure: both sides and the tests load it.
    files: ['shared/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: ['node:*', 'electron', 'fs', 'path', 'os', 'child_process', 'react', 'react-dom'] }],
      'no-restricted-globals': ['error', 'window', 'document', 'process', 'require', 'Buffer'],
    },
  },
  {
    // Only electron/ipc may touch ipcMain, only the preload ipcRenderer.
    files: ['**/*.ts', '**/*.tsx'],
    ignores: ['electron/ipc/**', 'electron/preload.ts', '**/*.test.ts'],
    rules: {
      'no-restricted-syntax': ['error', IPC_ONLY_IN_IPC],
    },
  },
  {
    // A test that cannot run fails: it never returns early from its body (failOnSkip catches skips, not this).
    files: ['**/*.test.ts', '**/*.test.tsx'],
    rules: { 'no-restricted-syntax': ['error', ...NO_EARLY_RETURN_IN_TESTS] },
  },
  {
    // The Electron-binary spec skips with test.skip(reason), which prints why; it never returns early either.
    files: ['e2e/**/*.spec.ts'],
    rules: { 'no-restricted-syntax': ['error', IPC_ONLY_IN_IPC, ...NO_EARLY_RETURN_IN_TESTS] },
  },
);
