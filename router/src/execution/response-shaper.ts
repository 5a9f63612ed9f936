import type { GraphQLError } from 'graphql';
import {
  ERRORS,
  isCompositeType,
  isCustomScalarType,
  isValidLeafValue,
  typenameFieldName,
  Variable,
  type DirectiveTargetElement,
  type EnumType,
  type NamedType,
  type Operation,
  type Schema,
  type ScalarType,
  type SelectionSet,
  type Type,
} from '@apollo/federation-internals';
import { getOwn, type ResponsePath, type ResultObject } from './result-tree';
import type { ApiTypeConditions } from './type-conditions';

type Condition = boolean | { variable: string; text: string };

interface Skip {
  skip: Condition | undefined;
  include: Condition | undefined;
}

const enum Kind {
  NonNull,
  List,
  Composite,
  Leaf,
}

interface ListType {
  kind: Kind.List;
  ofType: OutputType;
  text: string;
}
interface CompositeType {
  kind: Kind.Composite;
  name: string;
  text: string;
}
type OutputType =
  | { kind: Kind.NonNull; ofType: OutputType; text: string }
  | ListType
  | CompositeType
  | { kind: Kind.Leaf; isValid: (value: unknown) => boolean; text: string };

type Selection =
  | {
      kind: 'field';
      responseName: string;
      /** Where the result tree holds it: its response name, or the alias the executor gave it. */
      inputName: string;
      /** The input is read through own properties only: its name is an Object.prototype member's. */
      inputIsPrototypeName: boolean;
      /** Another selection may have written the response name into the same object first. */
      mayBeWritten: boolean;
      skip?: Skip;
      type: OutputType;
      selections?: Selection[];
    }
  | { kind: 'typename'; responseName: string; mayBeWritten: boolean; skip?: Skip }
  | { kind: 'fragment'; typeCondition?: string; skip?: Skip; selections: Selection[] };

export interface ShapedResponse {
  data: ResultObject | null;
  /** Values the subgraphs answered that the schema does not allow (null for non-null, bad enum…). */
  errors: GraphQLError[];
}

/**
 * The response of one operation shaped from the merged subgraph answers,
 * compiled once per operation: only the requested fields, under their
 * aliases, `__typename` resolved, @skip/@include applied, nulls propagated to
 * the nearest nullable parent. It follows @apollo/gateway's `computeResponse`
 * rule for rule (including its error messages), without walking the
 * planner's operation objects per request.
 */
export class ResponseShaper {
  /** The operation asks for `__schema` / `__type`, which the gateway answers itself. */
  readonly usesIntrospection: boolean;
  /** The operation has a response name this shaper cannot write into a plain object. */
  readonly hasUnsafeResponseName: boolean;
  private readonly selections: Selection[];
  private readonly rootType: string;
  private readonly defaultedVariables: Record<string, unknown>;
  private readonly usesVariableConditions: boolean;

  /**
   * @param renamed aliases the executor gave fields before planning (see
   * requirement-arguments.ts), each with the response name the client asked for.
   */
  constructor(
    operation: Operation,
    private readonly types: ApiTypeConditions,
    renamed: ReadonlyMap<string, string> = new Map(),
  ) {
    const schema = operation.schema();
    const seen = { introspection: false, unsafeName: false, variableConditions: false };
    const conditionOf = (element: DirectiveTargetElement<never>, name: 'skip' | 'include') => {
      const directive = element.appliedDirectivesOf(
        name === 'skip' ? schema.skipDirective() : schema.includeDirective(),
      )[0];
      if (!directive) return undefined;
      const value = (directive.arguments() as { if: unknown }).if;
      if (value instanceof Variable) {
        seen.variableConditions = true;
        return { variable: value.name, text: `${value.toString()} of ${directive.toString()}` };
      }
      return value as boolean;
    };
    const skipOf = (element: unknown): Skip | undefined => {
      const target = element as DirectiveTargetElement<never>;
      const skip = conditionOf(target, 'skip');
      const include = conditionOf(target, 'include');
      return skip === undefined && include === undefined ? undefined : { skip, include };
    };
    const outputType = (type: Type): OutputType => {
      switch (type.kind) {
        case 'NonNullType':
          return { kind: Kind.NonNull, ofType: outputType(type.ofType), text: type.toString() };
        case 'ListType':
          return { kind: Kind.List, ofType: outputType(type.ofType), text: type.toString() };
        default:
          if (isCompositeType(type))
            return { kind: Kind.Composite, name: type.name, text: type.name };
          return { kind: Kind.Leaf, isValid: leafValidator(schema, type), text: type.toString() };
      }
    };
    const responseNameOf = (inputName: string) => renamed.get(inputName) ?? inputName;
    /**
     * `shared`: the object these selections write into may be written by
     * other selections too (its field is selected more than once).
     */
    const compile = (selectionSet: SelectionSet, shared: boolean): Selection[] => {
      const writes = responseNameCounts(selectionSet, responseNameOf);
      const compileOne = (set: SelectionSet): Selection[] =>
        set.selections().map((selection): Selection => {
          const skip = skipOf(selection.element);
          if (selection.kind === 'FieldSelection') {
            const field = selection.element;
            const inputName = field.responseName();
            const responseName = responseNameOf(inputName);
            const mayBeWritten = shared || writes.get(responseName)! > 1;
            if (field.definition.isSchemaIntrospectionField()) seen.introspection = true;
            if (responseName === '__proto__') seen.unsafeName = true;
            if (field.name === typenameFieldName) {
              return { kind: 'typename', responseName, mayBeWritten, skip };
            }
            return {
              kind: 'field',
              responseName,
              inputName,
              inputIsPrototypeName: inputName in Object.prototype,
              mayBeWritten,
              skip,
              type: outputType(field.definition.type!),
              selections: selection.selectionSet
                ? compile(selection.selectionSet, mayBeWritten)
                : undefined,
            };
          }
          return {
            kind: 'fragment',
            typeCondition: selection.element.typeCondition?.name,
            skip,
            selections: compileOne(selection.selectionSet),
          };
        });
      return compileOne(selectionSet);
    };

    this.selections = compile(operation.selectionSet, false);
    this.rootType = schema.schemaDefinition.rootType(operation.rootKind)!.name;
    this.defaultedVariables = operation.collectDefaultedVariableValues();
    this.usesIntrospection = seen.introspection;
    this.hasUnsafeResponseName = seen.unsafeName;
    this.usesVariableConditions = seen.variableConditions;
  }

  shape(input: ResultObject, variables: Record<string, unknown>): ShapedResponse {
    const run = new ShapingRun(
      this.types,
      this.usesVariableConditions ? { ...this.defaultedVariables, ...variables } : variables,
    );
    const data: ResultObject = {};
    const bubbled = run.applySelections(input, this.selections, data, this.rootType);
    return { data: bubbled ? null : data, errors: run.errors };
  }
}

/**
 * How many selections write each response name into one object: its fields',
 * and those of its fragments, which write into the same object.
 */
function responseNameCounts(
  selectionSet: SelectionSet,
  responseNameOf: (inputName: string) => string,
): Map<string, number> {
  const counts = new Map<string, number>();
  const count = (selections: SelectionSet) => {
    for (const selection of selections.selections()) {
      if (selection.kind === 'FieldSelection') {
        const name = responseNameOf(selection.element.responseName());
        counts.set(name, (counts.get(name) ?? 0) + 1);
      } else {
        count(selection.selectionSet);
      }
    }
  };
  count(selectionSet);
  return counts;
}

/**
 * Whether a number's text is an integer's (`-?(0|[1-9][0-9]*)`), as
 * federation-internals tests it, without making the text: integers below
 * 1e21 print as plain digits, larger ones with an exponent.
 */
function isIntegerText(value: number): boolean {
  return Number.isInteger(value) && Math.abs(value) < 1e21;
}

/**
 * federation-internals' `isValidLeafValue` for one type, decided once: the
 * schema's built-in scalars and the enum's values are looked up here, not per value.
 */
function leafValidator(schema: Schema, type: NamedType): (value: unknown) => boolean {
  if (type.kind === 'ScalarType' && isCustomScalarType(type)) return () => true;
  const isBoolean = type === schema.booleanType();
  const isInteger = type === schema.intType() || type === schema.idType();
  const isFloat = type === schema.floatType();
  const enumValues =
    type.kind === 'EnumType' ? new Set(type.values.map((value) => value.name)) : undefined;
  const acceptsStrings = !enumValues && !isBoolean && !isFloat && type !== schema.intType();
  const reference = (value: unknown) =>
    isValidLeafValue(schema, value, type as ScalarType | EnumType);
  return (value) => {
    switch (typeof value) {
      case 'boolean':
        return isBoolean;
      case 'number':
        if (!Number.isFinite(value)) return false;
        return isInteger ? isIntegerText(value) : isFloat;
      case 'string':
        return enumValues ? enumValues.has(value) : acceptsStrings;
      default:
        return reference(value);
    }
  };
}

function describe(path: ResponsePath, currentType: string, parentType: string): string {
  const element = path[path.length - 1];
  return typeof element === 'string'
    ? `field ${parentType}.${element}`
    : `array element of type ${currentType} at index ${element}`;
}

function check(condition: boolean, message: () => string): void {
  if (!condition) throw new Error(message());
}

/** The state of shaping one response; `invalid`/`hasErrors` describe the last completed value. */
class ShapingRun {
  readonly errors: GraphQLError[] = [];
  private readonly path: ResponsePath = [];
  private invalid = false;
  private hasErrors = false;

  constructor(
    private readonly types: ApiTypeConditions,
    private readonly variables: Record<string, unknown>,
  ) {}

  /** Writes `selections` of `input` into `output`; true when a null must bubble up to the parent. */
  applySelections(
    input: ResultObject,
    selections: readonly Selection[],
    output: ResultObject,
    parentType: string,
  ): boolean {
    for (const selection of selections) {
      if (selection.skip && this.skipped(selection.skip)) continue;
      if (selection.kind === 'field') {
        const { responseName, inputName } = selection;
        this.path.push(responseName);
        // Own-property checks only where a plain read could differ: without
        // them a shaping of the gateway benchmark's TestQuery took 126-150 µs
        // against 146-174 (medians of 80 rounds, both builds in one process).
        const inputValue = selection.inputIsPrototypeName
          ? getOwn(input, inputName)
          : input[inputName];
        output[responseName] = this.complete(
          selection.mayBeWritten ? getOwn(output, responseName) : undefined,
          selection.type,
          inputValue ?? null,
          selection.selections,
          parentType,
        );
        this.path.pop();
        if (this.invalid) return true;
      } else if (selection.kind === 'typename') {
        const { responseName } = selection;
        if (selection.mayBeWritten && getOwn(output, responseName) !== undefined) continue;
        let value = getOwn(input, responseName) ?? null;
        if (value === null && responseName !== typenameFieldName) value = input.__typename ?? null;
        const typeName = typeof value === 'string' && this.types.exists(value) ? value : parentType;
        if (!this.types.isObjectType(typeName)) return true;
        output[responseName] = typeName;
      } else {
        const typename = input.__typename;
        check(
          !typename || typeof typename === 'string',
          () => `Got unexpected value for __typename: ${String(typename)}`,
        );
        const condition = selection.typeCondition;
        if (
          condition === undefined ||
          this.types.applies(condition, (typename as string) || parentType)
        ) {
          if (this.applySelections(input, selection.selections, output, condition ?? parentType))
            return true;
        }
      }
    }
    return false;
  }

  private complete(
    outputValue: unknown,
    type: OutputType,
    inputValue: unknown,
    selections: readonly Selection[] | undefined,
    parentType: string,
  ): unknown {
    if (outputValue === null || (outputValue !== undefined && !selections)) {
      return this.completed(outputValue, false, false);
    }
    if (type.kind === Kind.NonNull) {
      const updated = this.complete(outputValue, type.ofType, inputValue, selections, parentType);
      if (updated !== null) return this.completed(updated, false, false);
      if (!this.hasErrors) {
        this.errors.push(
          ERRORS.INVALID_GRAPHQL.err(
            `Cannot return null for non-nullable ${describe(this.path, type.ofType.text, parentType)}.`,
            { path: this.path.slice() },
          ),
        );
      }
      return this.completed(null, true, true);
    }
    if (inputValue === null) return this.completed(null, false, false);
    switch (type.kind) {
      case Kind.List:
        return this.completeList(outputValue, type, inputValue, selections, parentType);
      case Kind.Composite:
        return this.completeObject(outputValue, type, inputValue, selections!, parentType);
      default: {
        check(
          outputValue === undefined,
          () => `Excepted output to be undefined but got ${type.text} for type ${type.text}`,
        );
        const valid = type.isValid(inputValue);
        if (!valid) {
          this.errors.push(
            ERRORS.INVALID_GRAPHQL.err(
              `Invalid value found for ${describe(this.path, type.text, parentType)}.`,
              { path: this.path.slice() },
            ),
          );
        }
        return this.completed(valid ? inputValue : null, false, !valid);
      }
    }
  }

  private completeList(
    outputValue: unknown,
    type: ListType,
    inputValue: unknown,
    selections: readonly Selection[] | undefined,
    parentType: string,
  ): unknown {
    check(
      Array.isArray(inputValue),
      () =>
        `Invalid non-list value ${String(inputValue)} returned by subgraph for list type ${type.text}`,
    );
    check(
      outputValue === undefined || Array.isArray(outputValue),
      () =>
        `Invalid non-list value ${String(outputValue)} returned by subgraph for list type ${type.text}`,
    );
    const inputs = inputValue as unknown[];
    // Without a list written before (by another selection of the field), every element is new.
    const outputs = outputValue as unknown[] | undefined;
    check(
      outputs === undefined || inputs.length === outputs.length,
      () =>
        `[${String(inputs)}].length (${inputs.length}) !== [${String(outputs)}].length (${outputs!.length})`,
    );
    let nullify = false;
    let hasErrors = false;
    const updated = new Array<unknown>(inputs.length);
    for (let index = 0; index < inputs.length; index++) {
      this.path.push(index);
      updated[index] = this.complete(
        outputs?.[index],
        type.ofType,
        inputs[index],
        selections,
        parentType,
      );
      this.path.pop();
      nullify ||= this.invalid;
      hasErrors ||= this.hasErrors;
    }
    return this.completed(nullify ? null : updated, false, hasErrors);
  }

  private completeObject(
    outputValue: unknown,
    type: CompositeType,
    inputValue: unknown,
    selections: readonly Selection[],
    parentType: string,
  ): unknown {
    check(
      typeof inputValue === 'object',
      () =>
        `Invalid non-object value ${String(inputValue)} returned by subgraph for composite type ${type.text}`,
    );
    check(
      outputValue === undefined || typeof outputValue === 'object',
      () =>
        `Invalid non-object value ${String(inputValue)} returned by subgraph for composite type ${type.text}`,
    );
    const input = inputValue as ResultObject;
    const typename = input.__typename;
    check(
      typename === undefined || typeof typename === 'string',
      () => `Invalid non-string value ${String(typename)} for __typename at ${String(this.path)}`,
    );
    let objectType = type.name;
    if (typename) {
      if (!this.types.isCompositeType(typename as string)) {
        this.errors.push(
          ERRORS.INVALID_GRAPHQL.err(
            `Invalid __typename found for object at ${describe(this.path, type.text, parentType)}.`,
            { path: this.path.slice() },
          ),
        );
        return this.completed(null, false, true);
      }
      objectType = typename as string;
    }
    const output = (outputValue as ResultObject | undefined) ?? {};
    const bubbled = this.applySelections(input, selections, output, objectType);
    return this.completed(bubbled ? null : output, false, bubbled);
  }

  private completed(value: unknown, invalid: boolean, hasErrors: boolean): unknown {
    this.invalid = invalid;
    this.hasErrors = hasErrors;
    return value;
  }

  private skipped(skip: Skip): boolean {
    return (
      (skip.skip !== undefined && this.conditionValue(skip.skip)) ||
      (skip.include !== undefined && !this.conditionValue(skip.include))
    );
  }

  private conditionValue(condition: Condition): boolean {
    if (typeof condition === 'boolean') return condition;
    const value = this.variables[condition.variable];
    check(
      typeof value === 'boolean',
      () => `Unexpected value ${String(value)} for variable ${condition.text}`,
    );
    return value as boolean;
  }
}
