import { isAbstractType, isInterfaceType, isObjectType, type GraphQLSchema } from 'graphql';
import { isCompositeType, isSubtype, type Schema } from '@apollo/federation-internals';

/**
 * Answers "does a runtime type satisfy this type condition" against the API
 * schema, as the gateway's result shaping decides it, remembering every answer:
 * the same few pairs come up in every response of a query.
 */
export class ApiTypeConditions {
  private readonly answers = new Map<string, Map<string, boolean>>();

  constructor(private readonly schema: Schema) {}

  exists(typeName: string): boolean {
    return this.schema.type(typeName) !== undefined;
  }

  isObjectType(typeName: string): boolean {
    return this.schema.type(typeName)?.kind === 'ObjectType';
  }

  isCompositeType(typeName: string): boolean {
    const type = this.schema.type(typeName);
    return type !== undefined && isCompositeType(type);
  }

  /** True when `typeName` is `condition` or one of its implementations or members. */
  applies(condition: string, typeName: string): boolean {
    let known = this.answers.get(condition);
    const answer = known?.get(typeName);
    if (answer !== undefined) return answer;
    const conditionType = this.schema.type(condition);
    const type = this.schema.type(typeName);
    // Names a subgraph made up are not remembered: they would grow the map without bound.
    if (!conditionType || !type) return false;
    const computed = isSubtype(conditionType, type);
    if (!known) this.answers.set(condition, (known = new Map()));
    known.set(typeName, computed);
    return computed;
  }
}

/**
 * Whether an object of the result tree is of a type condition of the
 * supergraph schema, by its `__typename`, as the gateway decides it for
 * `requires` selections and data rewrites.
 */
export class SupergraphTypeConditions {
  private readonly answers = new Map<string, Map<string, boolean>>();

  constructor(private readonly schema: GraphQLSchema) {}

  matches(
    object: Record<string, unknown>,
    condition: string,
    whenTypenameMissing: boolean,
  ): boolean {
    const typename = object.__typename;
    if (typeof typename !== 'string' || typename === '') return whenTypenameMissing;
    if (typename === condition) return true;
    let known = this.answers.get(condition);
    const answer = known?.get(typename);
    if (answer !== undefined) return answer;
    const type = this.schema.getType(typename);
    const conditionType = this.schema.getType(condition);
    if (!type || !conditionType) return false;
    const computed =
      isAbstractType(conditionType) &&
      (isObjectType(type) || isInterfaceType(type)) &&
      this.schema.isSubType(conditionType, type);
    if (!known) this.answers.set(condition, (known = new Map()));
    known.set(typename, computed);
    return computed;
  }
}
