import boundaries from 'eslint-plugin-boundaries';
import tseslint from 'typescript-eslint';

/**
 * The backend's architecture, enforced (README "Architecture"): `common/` knows no feature; `core/` (write path,
 * audit append, event bus) knows only `common/`; feature modules use core, common and each other's exported
 * services, never `realtime/`; `realtime/` may use everything below it. A module never queries another module's
 * entities: it may name their types (`import type`), and entities may reference each other for ORM relations.
 */
const backendElements = [
  { type: 'core', pattern: 'backend/src/core' },
  { type: 'common', pattern: 'backend/src/common' },
  { type: 'realtime', pattern: 'backend/src/realtime' },
  { type: 'entity', pattern: 'backend/src/modules/*/entities', capture: ['feature'] },
  { type: 'module', pattern: 'backend/src/modules/*', capture: ['feature'] },
];
/**
 * The composition root: the files that assemble and start the app (app.module, app.factory, main, migrate, ...).
 * They may import everything (wiring every part together is their job); no element may import them. config.ts is
 * the one exception among the top-level files: every part reads its settings through it.
 */
const backendFiles = [{ category: 'root', pattern: 'backend/src/!(config).ts' }];
const below = (...types) => ({ to: { element: { types: { anyOf: types } } } });

/** Typed linting at zero warnings (STYLE): floating promises and non-exhaustive switches are errors. */
export default tseslint.config(
  {
    ignores: [
      '**/dist/**',
      '**/node_modules/**',
      '**/.next/**',
      '**/out/**',
      '**/*.js',
      '**/*.mjs',
      '**/*.cjs',
      // Declarations that type plain JS scripts: not part of any tsconfig project.
      '**/*.d.mts',
      'frontend/next-env.d.ts',
    ],
  },
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': 'error',
      '@typescript-eslint/consistent-type-imports': [
        'error',
        { fixStyle: 'inline-type-imports', disallowTypeAnnotations: false },
      ],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      // Use cases passed to WritePath.run are async by contract even when they only queue rows.
      '@typescript-eslint/require-await': 'off',
    },
  },
  {
    files: ['backend/src/**/*.ts'],
    ignores: ['backend/src/**/*.spec.ts'],
    plugins: { boundaries },
    settings: {
      'boundaries/elements': backendElements,
      'boundaries/files': backendFiles,
      'boundaries/include': ['backend/src/**/*.ts'],
      'import/resolver': { node: { extensions: ['.ts'] } },
    },
    rules: {
      'boundaries/dependencies': [
        'error',
        {
          default: 'allow',
          policies: [
            {
              from: { element: { types: { anyOf: ['common', 'core', 'realtime', 'module', 'entity'] } } },
              disallow: { to: { file: { categories: 'root' } } },
            },
            { from: { element: { type: 'common' } }, disallow: below('core', 'realtime', 'module', 'entity') },
            { from: { element: { type: 'core' } }, disallow: below('realtime', 'module', 'entity') },
            { from: { element: { types: { anyOf: ['module', 'entity'] } } }, disallow: below('realtime') },
            {
              from: { element: { type: 'module' } },
              disallow: {
                to: { element: { type: 'entity', captured: { feature: '!{{ from.captured.feature }}' } } },
                dependency: { kind: 'value' },
              },
            },
            {
              from: { element: { type: 'realtime' } },
              disallow: { to: { element: { type: 'entity' } }, dependency: { kind: 'value' } },
            },
          ],
        },
      ],
    },
  },
  {
    files: ['**/*.spec.ts', '**/test/**/*.ts'],
    rules: {
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
    },
  },
);
