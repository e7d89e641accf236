// `npm run lint` (part of `npm test`): typescript-eslint's recommended rules, the rules of hooks,
// Next's own rules, and the project's habits that a type checker cannot see (issue 27 §4–§5).
// Formatting is prettier's job (.prettierrc.json), so no rule here is about layout.
import js from "@eslint/js";
import nextPlugin from "@next/eslint-plugin-next";
import reactHooks from "eslint-plugin-react-hooks";
import tseslint from "typescript-eslint";

/** Dates one way (docs/architecture.md, "Dates."): only lib/format/datetime.ts knows the time zone. */
const DATE_HABITS = [
  {
    selector: "CallExpression[callee.property.name='slice'][callee.object.type='CallExpression'][callee.object.callee.property.name='toISOString']",
    message:
      "toISOString().slice() gives the UTC day, yesterday from 00:00 to 08:00 Beijing time: use formatDate/todayInShanghai (an instant) or dateOnlyString (a date column) from lib/format/datetime.ts.",
  },
  {
    // 8 × an hour in ms or s, either way round, and 8 * 60 * 60 (8 * 60 alone is also 08:00 in minutes).
    selector: [
      ...[3_600_000, 3600].flatMap((unit) => [
        `BinaryExpression[operator='*'][left.value=8][right.value=${unit}]`,
        `BinaryExpression[operator='*'][left.value=${unit}][right.value=8]`,
      ]),
      "BinaryExpression[operator='*'][left.operator='*'][left.left.value=8][left.right.value=60][right.value=60]",
    ].join(", "),
    message: "A hand-written +8 hours: Beijing wall-clock times come from lib/format/datetime.ts (nextShanghaiTime, formatFileStamp, startOfShanghaiDay …).",
  },
  {
    selector: "Literal[value=28800000], Literal[value=28800]",
    message: "A hand-written +8 hours: Beijing wall-clock times come from lib/format/datetime.ts.",
  },
  {
    selector: "CallExpression[callee.property.name='getTimezoneOffset']",
    message: "The server's time zone is not Beijing's: use lib/format/datetime.ts.",
  },
  {
    // A whole-value date check such as /^\d{4}-\d{2}-\d{2}$/ (cursor keys that start with a date are not date checks).
    selector: "Literal[regex.pattern=/^\\^\\(?\\\\d\\{4\\}\\)?-\\(?\\\\d\\{2\\}\\)?-\\(?\\\\d\\{2\\}\\)?\\$$/]",
    message:
      "A date regex of its own: the one strict-date check is calendarDateProblem/isCalendarDate (lib/format/datetime.ts), or calendarDate() for a zod field.",
  },
];

/**
 * A component renders what it is given; what the user may do is asked of the feature's predicate
 * (STYLE.md "A page asks the domain what is allowed"). tests/unit holds the stricter test of this.
 */
const COMPONENT_HABITS = [
  {
    selector:
      "CallExpression[callee.property.name='includes'][arguments.0.value=/^(CASEWORKER|OFFICIAL|AUDITOR|ADMIN)$/], BinaryExpression[right.value=/^(CASEWORKER|OFFICIAL|AUDITOR|ADMIN)$/]",
    message: "A role decided in a component: pass the answer of the feature's predicate (canX in lib/<feature>) instead.",
  },
];

export default tseslint.config(
  {
    ignores: [
      "node_modules/**",
      ".next/**",
      ".next-*/**",
      "lib/generated/**",
      ".bangfu/**",
      "test-results/**",
      "playwright-report/**",
      "tests/.artifacts/**",
      "public/**",
      "next-env.d.ts",
    ],
  },
  { linterOptions: { reportUnusedDisableDirectives: "error" } },
  js.configs.recommended,
  tseslint.configs.recommended,
  {
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_", caughtErrors: "none", ignoreRestSiblings: true }],
      // `import type` keeps Prisma's generated client out of client bundles.
      "@typescript-eslint/consistent-type-imports": ["error", { fixStyle: "inline-type-imports", disallowTypeAnnotations: false }],
      "no-restricted-syntax": ["error", ...DATE_HABITS],
      // A signal handler installed before the server it stops exists reads the variable first.
      "prefer-const": ["error", { ignoreReadBeforeAssign: true }],
      // The ideographic space (U+3000) is part of Chinese text on print forms and in messages.
      "no-irregular-whitespace": ["error", { skipStrings: true, skipTemplates: true, skipJSXText: true, skipComments: true, skipRegExps: true }],
    },
  },
  {
    // The workbook reader's worker runs as plain JavaScript in Node.
    files: ["**/*.mjs"],
    languageOptions: {
      globals: {
        process: "readonly",
        Buffer: "readonly",
        console: "readonly",
        URL: "readonly",
        setTimeout: "readonly",
        clearTimeout: "readonly",
        TextDecoder: "readonly",
        TextEncoder: "readonly",
      },
    },
  },
  {
    files: ["app/**/*.{ts,tsx}", "components/**/*.{ts,tsx}", "proxy.ts"],
    plugins: { "@next/next": nextPlugin, "react-hooks": reactHooks },
    rules: {
      ...nextPlugin.configs.recommended.rules,
      ...nextPlugin.configs["core-web-vitals"].rules,
      ...reactHooks.configs.flat.recommended.rules,
      // A warning that React Compiler would skip a component using react-hook-form's watch(): we do
      // not run React Compiler, so it says nothing about this code.
      "react-hooks/incompatible-library": "off",
    },
  },
  {
    files: ["components/**/*.tsx"],
    rules: { "no-restricted-syntax": ["error", ...DATE_HABITS, ...COMPONENT_HABITS] },
  },
  {
    // The one module allowed to know the offset, and tests, which write instants out to pin it.
    files: ["lib/format/datetime.ts", "tests/**"],
    rules: { "no-restricted-syntax": "off" },
  },
);
