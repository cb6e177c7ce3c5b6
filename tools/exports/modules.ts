import ts from 'typescript';

/** What one source file declares, exports and imports, read from its syntax alone. */
export type ModuleFacts = {
  /** Names this file declares and exports itself, each with whether the file uses it too. */
  ownExports: Map<string, { usedInFile: boolean }>;
  /** `export { a as b } from './x'` → b: { spec: './x', name: 'a' }; `export * as n` has name '*'. */
  reexports: Map<string, { spec: string; name: string }>;
  /** `export * from './x'` */
  stars: string[];
  /** Every import of a module: the names taken from it, or 'all' where they cannot be told. */
  imports: { spec: string; names: Set<string> | 'all' }[];
};

const SCRIPT_KINDS: Record<string, ts.ScriptKind> = {
  '.ts': ts.ScriptKind.TS,
  '.mts': ts.ScriptKind.TS,
  '.tsx': ts.ScriptKind.TSX,
  '.js': ts.ScriptKind.JS,
  '.mjs': ts.ScriptKind.JS,
};

export function isSourceFile(path: string): boolean {
  return !path.endsWith('.d.ts') && Object.keys(SCRIPT_KINDS).some((ext) => path.endsWith(ext));
}

export function readModuleFacts(path: string, text: string): ModuleFacts {
  const ext = Object.keys(SCRIPT_KINDS).find((candidate) => path.endsWith(candidate)) ?? '.ts';
  const file = ts.createSourceFile(path, text, ts.ScriptTarget.Latest, true, SCRIPT_KINDS[ext]);
  const facts: ModuleFacts = {
    ownExports: new Map(),
    reexports: new Map(),
    stars: [],
    imports: [],
  };
  const declarationNames = new Set<ts.Node>();
  const exportedLocals: { exported: string; local: string }[] = [];

  for (const statement of file.statements) {
    readStatement(statement, facts, { declarationNames, exportedLocals });
  }
  const references = countReferences(file, declarationNames);
  for (const { exported, local } of exportedLocals) {
    facts.ownExports.set(exported, { usedInFile: (references.get(local) ?? 0) > 0 });
  }
  collectDynamicImports(file, facts);
  return facts;
}

type Collect = {
  declarationNames: Set<ts.Node>;
  exportedLocals: { exported: string; local: string }[];
};

function readStatement(statement: ts.Statement, facts: ModuleFacts, collect: Collect): void {
  if (ts.isImportDeclaration(statement) && ts.isStringLiteral(statement.moduleSpecifier)) {
    facts.imports.push({
      spec: statement.moduleSpecifier.text,
      names: importedNames(statement.importClause, statement.getSourceFile()),
    });
    return;
  }
  if (ts.isExportDeclaration(statement)) {
    readExportDeclaration(statement, facts, collect);
    return;
  }
  if (ts.isExportAssignment(statement)) {
    collect.exportedLocals.push({ exported: 'default', local: '' });
    return;
  }
  const names = declaredNames(statement);
  for (const name of names) collect.declarationNames.add(name);
  const modifiers = ts.canHaveModifiers(statement) ? ts.getModifiers(statement) : undefined;
  if (!modifiers?.some((modifier) => modifier.kind === ts.SyntaxKind.ExportKeyword)) return;
  const isDefault = modifiers.some((modifier) => modifier.kind === ts.SyntaxKind.DefaultKeyword);
  for (const name of names) {
    collect.exportedLocals.push({ exported: isDefault ? 'default' : name.text, local: name.text });
  }
}

function readExportDeclaration(
  statement: ts.ExportDeclaration,
  facts: ModuleFacts,
  collect: Collect,
): void {
  const spec =
    statement.moduleSpecifier && ts.isStringLiteral(statement.moduleSpecifier)
      ? statement.moduleSpecifier.text
      : undefined;
  const clause = statement.exportClause;
  if (spec === undefined) {
    // `export { a, b as c }` of names declared in this file.
    if (clause && ts.isNamedExports(clause)) {
      for (const element of clause.elements) {
        const local = (element.propertyName ?? element.name).getText();
        collect.exportedLocals.push({ exported: element.name.getText(), local });
      }
    }
    return;
  }
  if (!clause) {
    facts.stars.push(spec);
    return;
  }
  if (ts.isNamespaceExport(clause)) {
    facts.reexports.set(clause.name.text, { spec, name: '*' });
    return;
  }
  for (const element of clause.elements) {
    const name = (element.propertyName ?? element.name).getText();
    facts.reexports.set(element.name.getText(), { spec, name });
  }
}

function declaredNames(statement: ts.Statement): ts.Identifier[] {
  if (
    ts.isFunctionDeclaration(statement) ||
    ts.isClassDeclaration(statement) ||
    ts.isInterfaceDeclaration(statement) ||
    ts.isTypeAliasDeclaration(statement) ||
    ts.isEnumDeclaration(statement) ||
    ts.isModuleDeclaration(statement)
  ) {
    return statement.name && ts.isIdentifier(statement.name) ? [statement.name] : [];
  }
  if (ts.isVariableStatement(statement)) {
    return statement.declarationList.declarations.flatMap((declaration) =>
      bindingIdentifiers(declaration.name),
    );
  }
  return [];
}

function bindingIdentifiers(name: ts.BindingName): ts.Identifier[] {
  if (ts.isIdentifier(name)) return [name];
  return name.elements.flatMap((element) =>
    ts.isOmittedExpression(element) ? [] : bindingIdentifiers(element.name),
  );
}

function importedNames(
  clause: ts.ImportClause | undefined,
  file: ts.SourceFile,
): Set<string> | 'all' {
  const names = new Set<string>();
  if (!clause) return names;
  if (clause.name) names.add('default');
  const bindings = clause.namedBindings;
  if (bindings && ts.isNamedImports(bindings)) {
    for (const element of bindings.elements) {
      names.add((element.propertyName ?? element.name).getText());
    }
  }
  if (bindings && ts.isNamespaceImport(bindings)) {
    const used = namespaceMembers(file, bindings.name.text);
    if (used === 'all') return 'all';
    for (const name of used) names.add(name);
  }
  return names;
}

/** `ns.a` and `ns.B` (as a type) name what a namespace import takes; any other use of `ns` takes all. */
function namespaceMembers(scope: ts.Node, namespace: string): Set<string> | 'all' {
  const names = new Set<string>();
  let all = false;
  const visit = (node: ts.Node): void => {
    if (all) return;
    if (ts.isPropertyAccessExpression(node) && isNamed(node.expression, namespace)) {
      names.add(node.name.text);
      return;
    }
    if (ts.isQualifiedName(node) && isNamed(node.left, namespace)) {
      names.add(node.right.text);
      return;
    }
    if (ts.isIdentifier(node) && node.text === namespace && !isDeclarationName(node)) {
      all = true;
      return;
    }
    ts.forEachChild(node, visit);
  };
  visit(scope);
  return all ? 'all' : names;
}

function isNamed(node: ts.Node, name: string): boolean {
  return ts.isIdentifier(node) && node.text === name;
}

function isDeclarationName(node: ts.Identifier): boolean {
  const parent = node.parent;
  return (
    (ts.isNamespaceImport(parent) || ts.isParameter(parent) || ts.isBindingElement(parent)) &&
    parent.name === node
  );
}

/** `import('x')`, in code or in a type: which names it takes, where the syntax says. */
function collectDynamicImports(file: ts.SourceFile, facts: ModuleFacts): void {
  const visit = (node: ts.Node): void => {
    if (ts.isImportTypeNode(node)) {
      const argument = node.argument;
      if (ts.isLiteralTypeNode(argument) && ts.isStringLiteral(argument.literal)) {
        const first = node.qualifier && leftmost(node.qualifier);
        facts.imports.push({
          spec: argument.literal.text,
          names: first ? new Set([first]) : 'all',
        });
      }
    }
    if (
      ts.isCallExpression(node) &&
      node.expression.kind === ts.SyntaxKind.ImportKeyword &&
      node.arguments[0] &&
      ts.isStringLiteralLike(node.arguments[0])
    ) {
      facts.imports.push({ spec: node.arguments[0].text, names: dynamicImportNames(node) });
    }
    ts.forEachChild(node, visit);
  };
  visit(file);
}

function leftmost(name: ts.EntityName): string {
  return ts.isIdentifier(name) ? name.text : leftmost(name.left);
}

function dynamicImportNames(call: ts.CallExpression): Set<string> | 'all' {
  let node: ts.Node = call;
  // `await import('x')`, possibly in parentheses.
  while (ts.isAwaitExpression(node.parent) || ts.isParenthesizedExpression(node.parent)) {
    node = node.parent;
  }
  const parent = node.parent;
  // `const { a, b } = await import('x')`
  if (ts.isVariableDeclaration(parent) && ts.isObjectBindingPattern(parent.name)) {
    return bindingPatternNames(parent.name);
  }
  if (ts.isPropertyAccessExpression(parent) && parent.expression === node) {
    // `(await import('x')).a`
    if (parent.name.text !== 'then') return new Set([parent.name.text]);
    // `import('x').then((module) => module.a)`
    const callback = ts.isCallExpression(parent.parent) ? parent.parent.arguments[0] : undefined;
    if (callback && (ts.isArrowFunction(callback) || ts.isFunctionExpression(callback))) {
      const parameter = callback.parameters[0]?.name;
      if (parameter && ts.isObjectBindingPattern(parameter)) return bindingPatternNames(parameter);
      if (parameter && ts.isIdentifier(parameter)) {
        return namespaceMembers(callback.body, parameter.text);
      }
    }
  }
  return 'all';
}

function bindingPatternNames(pattern: ts.ObjectBindingPattern): Set<string> | 'all' {
  const names = new Set<string>();
  for (const element of pattern.elements) {
    if (element.dotDotDotToken) return 'all';
    const key = element.propertyName ?? element.name;
    if (!ts.isIdentifier(key)) return 'all';
    names.add(key.text);
  }
  return names;
}

/**
 * How often each name is referred to in the file, leaving out where it is declared, where it is
 * exported by name and where it is only a property's key (`a.name`, `{ name: 1 }`).
 */
function countReferences(file: ts.SourceFile, declarationNames: Set<ts.Node>): Map<string, number> {
  const counts = new Map<string, number>();
  const visit = (node: ts.Node): void => {
    if (ts.isIdentifier(node) && !declarationNames.has(node) && !isKeyOrExportName(node)) {
      counts.set(node.text, (counts.get(node.text) ?? 0) + 1);
    }
    ts.forEachChild(node, visit);
  };
  visit(file);
  return counts;
}

function isKeyOrExportName(node: ts.Identifier): boolean {
  const parent = node.parent;
  if (ts.isExportSpecifier(parent)) return true;
  if (ts.isQualifiedName(parent)) return parent.right === node;
  if (
    ts.isPropertyAccessExpression(parent) ||
    ts.isPropertyAssignment(parent) ||
    ts.isPropertySignature(parent) ||
    ts.isPropertyDeclaration(parent) ||
    ts.isMethodDeclaration(parent) ||
    ts.isMethodSignature(parent)
  ) {
    return parent.name === node;
  }
  return false;
}
