import graphqlPlugin from '@graphql-eslint/eslint-plugin';
import { ESLint, type Linter } from 'eslint';
import type { LintFile } from './subgraph-document.ts';

/**
 * Style rules for subgraph SDL, from graphql-eslint. Both rules work on the syntax tree alone, so no schema
 * is loaded (`schema: ''`): federation directives such as @key need no definitions to be linted, and no
 * graphql-config file is looked up.
 */
const RULES: Linter.RulesRecord = {
  '@graphql-eslint/naming-convention': [
    'error',
    {
      types: 'PascalCase',
      FieldDefinition: 'camelCase',
      // Both arguments and input fields.
      InputValueDefinition: 'camelCase',
      EnumValueDefinition: 'UPPER_CASE',
    },
  ],
  '@graphql-eslint/require-description': [
    'error',
    {
      types: true,
      FieldDefinition: true,
      InputValueDefinition: true,
      EnumValueDefinition: true,
      ignoredSelectors: [
        // Arguments are described by their field; input fields need descriptions of their own.
        'FieldDefinition > InputValueDefinition',
        // The root types themselves (their fields still need descriptions).
        'ObjectTypeDefinition[name.value=/^(Query|Mutation|Subscription)$/]',
        // Definitions that federation adds (_Service, _Entity, _Any).
        '[name.value=/^_/]',
      ],
    },
  ],
};

/** `file:line:column message (rule)` for every finding in the files, which must all be under `cwd`. */
export async function lintSdlFiles(cwd: string, files: readonly LintFile[]): Promise<string[]> {
  // ESLint ignores files outside its cwd, so each subgraph's folder gets an instance of its own.
  const eslint = new ESLint({
    cwd,
    overrideConfigFile: true,
    overrideConfig: [
      {
        files: ['**/*.graphql'],
        languageOptions: { parser: graphqlPlugin.parser, parserOptions: { graphQLConfig: { schema: '' } } },
        plugins: { '@graphql-eslint': graphqlPlugin as unknown as ESLint.Plugin },
        rules: RULES,
      },
    ],
  });
  const findings: string[] = [];
  for (const file of files) {
    const [result] = await eslint.lintText(file.sdl, { filePath: file.path });
    for (const message of result?.messages ?? []) {
      const rule = message.ruleId ? ` (${message.ruleId.replace('@graphql-eslint/', '')})` : '';
      findings.push(`${file.display}:${message.line}:${message.column} ${message.message}${rule}`);
    }
  }
  return findings;
}
