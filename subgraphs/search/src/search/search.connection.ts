import { Field, ObjectType } from 'type-graphql';
import { ConnectionType } from '@shop/federation';
import { ProductReference } from '../product/product.stub';
import { SearchFacets } from './search.type';

@ObjectType()
export class SearchResultConnection extends ConnectionType(ProductReference, 'SearchResult') {
  @Field(() => SearchFacets)
  facets!: SearchFacets;
}
