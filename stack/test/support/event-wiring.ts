import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';

/** Every event type of the catalog, with the stream that carries it. */
export function catalogEvents(catalogPath: string): Map<string, string> {
  const source = parse(catalogPath);
  const interfaces = new Map<string, ts.InterfaceDeclaration>();
  source.forEachChild((node) => {
    if (ts.isInterfaceDeclaration(node)) interfaces.set(node.name.text, node);
  });
  const catalog = interfaces.get('EventCatalog');
  if (!catalog) throw new Error(`${catalogPath}: no EventCatalog interface`);
  const events = new Map<string, string>();
  for (const member of catalog.members) {
    if (!ts.isPropertySignature(member) || !member.type || !ts.isTypeReferenceNode(member.type)) {
      throw new Error(
        `${catalogPath}: EventCatalog member ${member.getText(source)} is not Stream: Events`,
      );
    }
    const stream = propertyName(member.name, source);
    const eventsOf = interfaces.get(member.type.typeName.getText(source));
    if (!eventsOf) throw new Error(`${catalogPath}: no interface ${member.type.getText(source)}`);
    for (const event of eventsOf.members) events.set(propertyName(event.name!, source), stream);
  }
  return events;
}

/** A consumer group reading a stream, and the event types it handles. */
export interface ConsumerWiring {
  group: string;
  stream: string;
  types: string[];
  /** file:line, for messages. */
  at: string;
}

/**
 * The consumers wired in the subgraphs' code: every call of `consumeEvents`
 * (projections) and `feedLive` (live feeds), read from the source. A call
 * whose stream, group or handlers are not written where this can read them
 * (literals, a constant or a spread object of the same file) is an error
 * rather than a consumer silently left out of the check.
 */
export function wiredConsumers(subgraphsDir: string, root: string): ConsumerWiring[] {
  const consumers: ConsumerWiring[] = [];
  for (const file of sourceFiles(subgraphsDir)) {
    const source = parse(file);
    const visit = (node: ts.Node): void => {
      if (
        ts.isCallExpression(node) &&
        ts.isIdentifier(node.expression) &&
        (node.expression.text === 'consumeEvents' || node.expression.text === 'feedLive')
      ) {
        const { line } = source.getLineAndCharacterOfPosition(node.getStart(source));
        const at = `${relative(root, file)}:${line + 1}`;
        consumers.push(readWiring(node, source, at));
      }
      node.forEachChild(visit);
    };
    source.forEachChild(visit);
  }
  return consumers;
}

function readWiring(call: ts.CallExpression, source: ts.SourceFile, at: string): ConsumerWiring {
  const [options] = call.arguments;
  if (!options || !ts.isObjectLiteralExpression(options)) {
    throw new Error(`${at}: the options are not an object literal`);
  }
  const properties = objectProperties(options, source, at);
  const text = (name: string) => {
    const value = properties.get(name);
    const literal = value && constantValue(value, source);
    if (!literal) throw new Error(`${at}: ${name} is not a string this check can read`);
    return literal;
  };
  const handlers = properties.get('handlers') ?? properties.get('routes');
  if (!handlers || !ts.isObjectLiteralExpression(handlers)) {
    throw new Error(`${at}: handlers/routes are not an object literal`);
  }
  return {
    group: text('group'),
    stream: text('stream'),
    types: handlers.properties.map((property) => propertyName(property.name!, source)),
    at,
  };
}

/** The properties of an object literal, spreads of same-file constants included. */
function objectProperties(
  object: ts.ObjectLiteralExpression,
  source: ts.SourceFile,
  at: string,
): Map<string, ts.Expression> {
  const properties = new Map<string, ts.Expression>();
  for (const property of object.properties) {
    if (ts.isPropertyAssignment(property)) {
      properties.set(propertyName(property.name, source), property.initializer);
    } else if (ts.isShorthandPropertyAssignment(property)) {
      properties.set(property.name.text, property.name);
    } else if (ts.isSpreadAssignment(property)) {
      const spread = unwrap(initializerOf(property.expression, source) ?? property.expression);
      if (!ts.isObjectLiteralExpression(spread)) {
        throw new Error(`${at}: a spread this check cannot read`);
      }
      for (const [name, value] of objectProperties(spread, source, at)) properties.set(name, value);
    }
  }
  return properties;
}

function constantValue(expression: ts.Expression, source: ts.SourceFile): string | undefined {
  const value = unwrap(initializerOf(expression, source) ?? expression);
  return ts.isStringLiteralLike(value) ? value.text : undefined;
}

/** The initializer of the same-file `const` an identifier names. */
function initializerOf(
  expression: ts.Expression,
  source: ts.SourceFile,
): ts.Expression | undefined {
  if (!ts.isIdentifier(expression)) return undefined;
  let found: ts.Expression | undefined;
  const visit = (node: ts.Node): void => {
    if (
      ts.isVariableDeclaration(node) &&
      ts.isIdentifier(node.name) &&
      node.name.text === expression.text &&
      node.initializer
    ) {
      found = node.initializer;
    }
    if (!found) node.forEachChild(visit);
  };
  source.forEachChild(visit);
  return found;
}

function unwrap(expression: ts.Expression): ts.Expression {
  return ts.isAsExpression(expression) || ts.isSatisfiesExpression(expression)
    ? unwrap(expression.expression)
    : expression;
}

function propertyName(name: ts.PropertyName, source: ts.SourceFile): string {
  return ts.isIdentifier(name) || ts.isStringLiteralLike(name) ? name.text : name.getText(source);
}

function parse(file: string): ts.SourceFile {
  return ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      return ['node_modules', 'dist', 'generated', 'test'].includes(entry.name)
        ? []
        : sourceFiles(path);
    }
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts') ? [path] : [];
  });
}
