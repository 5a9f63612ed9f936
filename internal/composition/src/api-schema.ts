import { Supergraph } from '@apollo/federation-internals';
import { printSchema } from 'graphql';

/**
 * The schema clients see: the supergraph without its join/link machinery and
 * without @inaccessible elements. Client tooling (codegen, editors) reads it.
 * No feature check: the router decides what it can serve; this is only a view.
 * With @defer, which the router validates and delivers in parts.
 */
export function apiSchemaSdl(supergraphSdl: string): string {
  const apiSchema = Supergraph.build(supergraphSdl, { supportedFeatures: null }).apiSchema();
  return `${printSchema(apiSchema.toGraphQLJSSchema({ includeDefer: true })).trim()}\n`;
}
