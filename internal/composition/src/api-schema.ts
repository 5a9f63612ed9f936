import { Supergraph } from '@apollo/federation-internals';
import { printSchema } from 'graphql';

/**
 * The schema clients see: the supergraph without its join/link machinery and
 * without @inaccessible elements. Client tooling (codegen, editors) reads it.
 * No feature check: the router decides what it can serve; this is only a view.
 */
export function apiSchemaSdl(supergraphSdl: string): string {
  return `${printSchema(Supergraph.build(supergraphSdl, { supportedFeatures: null }).apiSchema().toGraphQLJSSchema()).trim()}\n`;
}
